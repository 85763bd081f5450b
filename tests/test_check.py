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


def test_alert_channels_get_one_line_per_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOXPOP_ALERT_SLACK", raising=False)
    monkeypatch.setenv("VOXPOP_ALERT_ODD", "gopher://example.test/x")
    monkeypatch.setenv("VOXPOP_ALERT_TG", "tgram://not-a-bot-token")
    monkeypatch.setenv("VOXPOP_ALERT_OK", "json://127.0.0.1:9/hook")
    code, output = _check(tmp_path, "  - {name: bank, type: file, options: {path: bank.csv}}\n"
                                    "alerts:\n  channels:\n"
                                    "    - {name: slack, url_env: VOXPOP_ALERT_SLACK}\n"
                                    "    - {name: odd, url_env: VOXPOP_ALERT_ODD}\n"
                                    "    - {name: tg, url_env: VOXPOP_ALERT_TG}\n"
                                    "    - {name: ok, url_env: VOXPOP_ALERT_OK}\n"
                                    "    - {name: teams, url_block: voxpop-teams-url}\n")
    assert code == 2
    assert "3 problem(s)" in output
    assert "- alert channel 'slack': VOXPOP_ALERT_SLACK is not set" in output
    assert "- alert channel 'odd': VOXPOP_ALERT_ODD holds a URL whose scheme 'gopher' Apprise does not know" in output
    assert "- alert channel 'tg': Apprise cannot use its URL" in output
    assert "not-a-bot-token" not in output


def test_alert_rules_are_validated_with_the_config(tmp_path: Path) -> None:
    code, output = _check(tmp_path, "  - {name: bank, type: file, options: {path: bank.csv}}\n"
                                    "alerts:\n  channels: [{name: log, file: alerts.log}]\n"
                                    "  rules: [{name: r, type: pain_point, channels: [slack], brands: [Nobody]}]\n")
    assert code == 2
    assert "rule 'r' names unknown channel(s) ['slack']" in output
    ok_code, ok = _check(tmp_path, "  - {name: bank, type: file, options: {path: bank.csv}}\n"
                                   "alerts:\n  channels: [{name: log, file: alerts.log}]\n")
    assert ok_code == 0, ok
    assert "7 alert rule(s) to 1 channel(s)" in ok


def test_python_dash_m_voxpop_is_the_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "voxpop", "sources"], capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert {"file", "telegram", "youtube"} <= {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
