"""`voxpop check` validates source options with the code `listen` uses (issue 12, defect 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from voxpop.cli import app

HEAD = ("brands: [{name: Kapital Bank, keywords: [Kapital Bank, kapitalbank]}]\n"
        "competitors: [{name: ABB, keywords: [ABB$]}, {name: Leobank, keywords: [Leobank]}]\n"
        "storage: {path: data}\n")


def _check(tmp_path: Path, sources: str) -> tuple[int, str]:
    (tmp_path / "bank.csv").write_text("date,text,source,url,rating,author\n", encoding="utf-8")
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(HEAD + "sources:\n" + sources, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "-c", str(cfg)])
    return result.exit_code, " ".join(result.output.split())  # Rich wraps long lines


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("  - {name: bank, type: file, options: {path: bank.csv, columns: {rating: rating}}}\n",
         "source 'bank': options.columns has unknown key(s) ['rating']"),
        ("  - {name: bank, type: file, options: {format: csv}}\n", "source 'bank' (type file) needs options.path"),
        ("  - {name: bank, type: file, options: {path: bank.csv, delimiter: ';'}}\n",
         "source 'bank': unknown option(s) ['delimiter']"),
        ("  - {name: tw, type: x, options: {max_resultz: 10}}\n",
         "source 'tw' (type x): options.max_resultz: unknown option"),
    ],
)
def test_check_rejects_what_listen_rejects(tmp_path: Path, source: str, expected: str) -> None:
    code, output = _check(tmp_path, source)
    assert code == 2
    assert expected in output
    assert "Traceback" not in output


def test_one_line_per_problem_across_sources(tmp_path: Path) -> None:
    code, output = _check(tmp_path, "  - {name: a, type: file, options: {path: bank.csv, columns: {rating: rating}}}\n"
                                    "  - {name: b, type: file, options: {}}\n"
                                    "  - {name: c, type: bluesky, options: {limit: 5, langs: [az]}}\n")
    assert code == 2
    assert "3 problem(s)" in output
    for name in ("'a'", "'b'", "'c'"):
        assert f"- source {name}" in output


def test_missing_credentials_and_disabled_sources_only_warn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOXPOP_X_BEARER_TOKEN", raising=False)
    code, output = _check(tmp_path, "  - {name: bank, type: file, options: {path: bank.csv, columns: {text: text}}}\n"
                                    "  - {name: tw, type: x}\n"
                                    "  - {name: old, type: file, enabled: false, options: {columns: {rating: r}}}\n")
    assert code == 0, output
    assert "warning: source 'tw': VOXPOP_X_BEARER_TOKEN is not set" in output
    assert "(listen skips this source until then)" in output
    assert "(source disabled)" in output
    assert "ok " in output


def test_named_secret_block_is_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOXPOP_X_BEARER_TOKEN", raising=False)
    code, output = _check(tmp_path, "  - {name: tw, type: x, options: {bearer_token_block: x-token}}\n")
    assert code == 0, output
    assert "warning" not in output


@pytest.mark.parametrize(
    ("storage", "extra", "expected"),
    [
        ("afile", "", "is a file; point it at a folder"),
        ("/proc/voxpop", "", "is on the virtual filesystem /proc"),
        ("afile/deeper", "", "is under the file"),
        ("data", "model: {extra_aspects: {delivery: {terms: {en: 12}}}}\n",
         "model.extra_aspects: aspect 'delivery': field 'terms' (en) must be a list of strings"),
        ("data", "model: {extra_aspects: {fees: {terms: {en: [fee]}}}}\n", "model.extra_aspects: aspect 'fees'"),
    ],
)
def test_check_rejects_an_unusable_store_and_bad_extra_aspects(tmp_path: Path, storage: str, extra: str,
                                                                 expected: str) -> None:
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(HEAD.replace("storage: {path: data}", f"storage: {{path: {storage}}}") + extra, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "-c", str(cfg)])
    assert result.exit_code == 2
    assert expected in " ".join(result.output.split())
