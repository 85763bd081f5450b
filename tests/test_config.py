from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_settings, settings_from_mapping
from core.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[1] / "voxpop.example.yaml"
DEMO = Path(__file__).resolve().parents[1] / "voxpop" / "demo.yaml"


@pytest.mark.parametrize("path", [EXAMPLE, DEMO])
def test_shipped_configs_are_valid(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "voxpop.yaml"  # where they are used: `voxpop demo` copies demo.yaml out of the package
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(copy)
    assert settings.brands
    assert settings.storage.path.is_absolute()


def test_unknown_field_names_the_field_and_allowed_ones() -> None:
    with pytest.raises(ConfigError) as exc:
        settings_from_mapping({"brands": [{"name": "A", "keywords": ["a"], "handels": ["x"]}]})
    msg = str(exc.value)
    assert "brands.0.handels" in msg
    assert "allowed here: aliases, exclude, handles, hashtags, keywords, name" in msg


def test_bad_values_are_listed_together() -> None:
    with pytest.raises(ConfigError) as exc:
        settings_from_mapping({
            "brands": [{"name": "A", "keywords": ["a"]}],
            "languages": ["xx"],
            "report": {"lang": "de"},
            "model": {"batch_size": 0},
        })
    msg = str(exc.value)
    assert "languages: unsupported language(s) ['xx']" in msg
    assert "report.lang: Input should be 'en', 'az', 'tr', 'hy' or 'ru'" in msg
    assert "model.batch_size" in msg
    assert "Traceback" not in msg


def test_missing_brands_and_brand_without_terms() -> None:
    with pytest.raises(ConfigError, match="brands: required field is missing"):
        settings_from_mapping({})
    with pytest.raises(ConfigError, match="needs at least one keyword"):
        settings_from_mapping({"brands": [{"name": "A"}]})


def test_duplicate_names_rejected() -> None:
    with pytest.raises(ConfigError, match="unique"):
        settings_from_mapping({"brands": [{"name": "A", "keywords": ["a"]}],
                               "competitors": [{"name": "a", "keywords": ["b"]}]})
    with pytest.raises(ConfigError, match="source names must be unique"):
        settings_from_mapping({"brands": [{"name": "A", "keywords": ["a"]}],
                               "sources": [{"name": "s", "type": "sample"}, {"name": "s", "type": "file"}]})


def test_yaml_errors_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("brands: [\n  - name: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml")
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just a string", encoding="utf-8")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_settings(scalar)


def test_layering_argument_over_env_over_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "v.yaml"
    cfg.write_text("project: from-file\nbrands: [{name: A, keywords: [a]}]\nreport: {lang: az}\n", encoding="utf-8")
    assert load_settings(cfg).project == "from-file"
    monkeypatch.setenv("VOXPOP_PROJECT", "from-env")
    monkeypatch.setenv("VOXPOP_REPORT__LANG", "tr")
    settings = load_settings(cfg)
    assert settings.project == "from-env"
    assert settings.report.lang == "tr"
    assert load_settings(cfg, project="explicit").project == "explicit"


def test_relative_paths_resolve_against_config_folder(tmp_path: Path) -> None:
    cfg = tmp_path / "sub" / "v.yaml"
    cfg.parent.mkdir()
    cfg.write_text("brands: [{name: A, keywords: [a]}]\nstorage: {path: d}\n"
                   "sources: [{name: f, type: file, options: {path: in.csv}}]\n", encoding="utf-8")
    settings = load_settings(cfg)
    assert settings.storage.path == (tmp_path / "sub" / "d").resolve()
    assert settings.sources[0].options["path"] == str((tmp_path / "sub" / "in.csv").resolve())


def test_secret_key_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOXPOP_PRIVACY__PSEUDONYM_KEY", "hunter2-secret-long-enough")
    settings = settings_from_mapping({"brands": [{"name": "A", "keywords": ["a"]}]})
    assert settings.privacy.pseudonym_key is not None
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in settings.model_dump_json()


def test_brand_terms_normalise_handles_and_hashtags() -> None:
    settings = settings_from_mapping({"brands": [{"name": "A", "keywords": ["Ay"], "handles": ["@ay_shop", "ay2"],
                                                  "hashtags": ["#AyDay"]}]})
    assert settings.brands[0].terms() == ["A", "Ay", "@ay_shop", "@ay2", "#AyDay"]


def test_cli_reports_bad_config_without_traceback(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from voxpop.cli import app

    bad = tmp_path / "voxpop.yaml"
    bad.write_text("brands:\n  - name: X\n    keywords: [x]\n    handels: [y]\n", encoding="utf-8")
    for command in (["check"], ["listen"], ["report"], ["query", "SELECT 1"]):
        result = CliRunner().invoke(app, [*command, "-c", str(bad)])
        assert result.exit_code == 2, command
        assert "brands.0.handels: unknown field" in result.output
        assert "Traceback" not in result.output
    good = tmp_path / "ok.yaml"
    good.write_text("brands: [{name: X, keywords: [x]}]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "-c", str(good), "--explain"])
    assert result.exit_code == 0
    assert "storage.path" in result.output


def test_report_out_dir_inside_the_source_tree_is_refused_in_one_line(tmp_path: Path) -> None:
    """`out_dir: reports` beside a config in the checkout's root is the `reports` package: refuse it."""
    from typer.testing import CliRunner

    from voxpop.cli import app

    root = Path(__file__).resolve().parents[1]
    bank = {"brands": [{"name": "Kapital Bank", "keywords": ["Kapital Bank"]}],
            "competitors": [{"name": "ABB", "keywords": ["ABB$"]}, {"name": "Leobank", "keywords": ["Leobank"]}]}
    for out_dir in ("reports", "reports/kapital", "./voxpop/../nlp"):
        with pytest.raises(ConfigError, match=r"report\.out_dir .* is inside voxpop's source folder") as exc:
            settings_from_mapping({**bank, "report": {"out_dir": out_dir}}, base=root)
        assert "\n" not in str(exc.value)
        assert "set report.out_dir to a folder outside it" in str(exc.value)
    ok = settings_from_mapping({**bank, "report": {"out_dir": "voxpop-reports"}}, base=root)
    assert ok.report.out_dir == root / "voxpop-reports"
    config = tmp_path / "voxpop.yaml"
    config.write_text("brands: [{name: Kapital Bank, keywords: [Kapital Bank]}]\n"
                      f"report: {{out_dir: {root / 'reports'}}}\n", encoding="utf-8")
    before = sorted(p.name for p in (root / "reports").iterdir())
    for command in (["check"], ["report"]):
        result = CliRunner().invoke(app, [*command, "-c", str(config)])
        assert result.exit_code == 2, command
        assert "is inside voxpop's source folder" in result.output
        assert "Traceback" not in result.output
    assert sorted(p.name for p in (root / "reports").iterdir()) == before
