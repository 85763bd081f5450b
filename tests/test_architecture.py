"""The layers of docs/architecture.md are the ones the code has, and import-linter enforces them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
PACKAGES = tuple(CONFIG["root_packages"])
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def package_edges() -> set[tuple[str, str]]:
    """(importer, imported) for every pair of the project's packages with a direct import between them."""
    graph = grimp.build_graph(*PACKAGES)
    return {(a, b) for a in PACKAGES for b in PACKAGES
            if a != b and graph.direct_import_exists(importer=a, imported=b, as_packages=True)}


def doc_block(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:begin -->\n(.*?)<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"docs/architecture.md lost its {name} markers"
    return match.group(1)


def mermaid(edges: set[tuple[str, str]]) -> str:
    lines = "\n".join(f"  {a} --> {b}" for a, b in sorted(edges))
    return f"```mermaid\nflowchart TD\n{lines}\n```\n"


def test_the_picture_is_the_import_graph() -> None:
    actual = package_edges()
    assert doc_block("imports") == mermaid(actual), (
        "docs/architecture.md is out of date; replace its imports block with:\n" + mermaid(actual))


def test_the_doc_names_the_enforced_layers_in_order() -> None:
    contract = next(c for c in CONFIG["contracts"] if c["id"] == "layers")
    listed = [line.strip("` ") for line in doc_block("layers").strip().splitlines()]
    assert listed == contract["layers"]
    assert set(PACKAGES) == {p.strip() for layer in contract["layers"] for p in layer.split("|")}


def _copy_tree(dest: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", "_sample",
                                                                                      "weights", "data"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


def _lint(cwd: Path, contract: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd), "COLUMNS": "200"}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--contract", contract], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=300)


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("core/text.py", "import storage.store", "layers"),        # ground floor importing up
    ("nlp/langid.py", "import storage", "layers"),             # a sibling importing a sibling
    ("storage/cursors.py", "import flows", "layers"),          # a layer importing the roof
    ("core/errors.py", "import duckdb", "light-ground"),                 # a heavy import on the ground
])
def test_a_contract_break_fails_lint_imports(tmp_path: Path, module: str, line: str, contract: str) -> None:
    if not LINT_IMPORTS.exists():
        pytest.skip("lint-imports is not installed (make install adds it)")
    _copy_tree(tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint(tmp_path, contract)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout


def test_pipeline_is_prefect_free(tmp_path: Path) -> None:
    if not LINT_IMPORTS.exists():
        pytest.skip("lint-imports is not installed (make install adds it)")
    _copy_tree(tmp_path)
    target = tmp_path / "pipeline" / "records.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nimport prefect  # noqa\n", encoding="utf-8")
    assert _lint(tmp_path, "prefect-free").returncode == 1
