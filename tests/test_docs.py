from __future__ import annotations

from pathlib import Path

from storage import MENTION_SCHEMA, SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[1]


def test_schema_doc_lists_every_column() -> None:
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert f"version {SCHEMA_VERSION}" in doc
    for field in MENTION_SCHEMA:
        assert f"| `{field.name}` | `{field.type}` |" in doc, field.name


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_configuration_doc_lists_every_setting() -> None:
    from core.config import describe_fields

    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name, _, description in describe_fields():
        if not name.startswith("competitors["):
            assert f"| `{name}` |" in doc, name
            assert description in doc, name
