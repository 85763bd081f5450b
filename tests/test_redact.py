"""Secrets are scrubbed at the root: error messages, every log record, and their encoded forms."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import quote_plus

import pytest

from core import redact
from core.config import settings_from_mapping
from core.errors import ConfigError, SourceError

TOKEN = "AAAAbearer+token/with=odd&chars"  # noqa: S105 - a fake


@pytest.fixture(autouse=True)
def _clean_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redact, "_forms", [])


def test_every_echoed_form_of_a_secret_is_scrubbed() -> None:
    redact.register(TOKEN)
    echo = json.dumps({"headers": {"Authorization": f"Bearer {TOKEN}"}, "query": f"t={quote_plus(TOKEN)}"})
    scrubbed = redact.scrub(echo)
    assert TOKEN not in scrubbed
    assert quote_plus(TOKEN) not in scrubbed
    assert scrubbed.count(redact.MASK) == 2


def test_basic_auth_pairs_are_scrubbed() -> None:
    redact.register_basic_auth("client-id-1", "client-secret-2")
    header = "Basic " + base64.b64encode(b"client-id-1:client-secret-2").decode()
    assert redact.scrub(f"echo: {header}") == f"echo: Basic {redact.MASK}"


def test_project_errors_never_carry_a_registered_secret() -> None:
    redact.register(TOKEN)
    assert TOKEN not in str(SourceError(f"source 'x': HTTP 401: {{'auth': '{TOKEN}'}}"))


def test_log_records_are_scrubbed_whatever_handler_ships_them(caplog: pytest.LogCaptureFixture) -> None:
    redact.register(TOKEN)
    log = logging.getLogger("voxpop.test.redact")
    with caplog.at_level(logging.INFO):
        log.info("upstream said %s", f"bad token {TOKEN}")
        try:
            raise RuntimeError(TOKEN)
        except RuntimeError:
            log.exception("failed")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert TOKEN not in text
    assert redact.MASK in text


def test_short_values_are_not_registered() -> None:
    redact.register("ab", "", None)
    assert redact.registered() == ()
    assert redact.scrub("ab ab") == "ab ab"


def test_loading_settings_registers_their_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOXPOP_PRIVACY__PSEUDONYM_KEY", "k" * 40)
    settings_from_mapping({"project": "p", "brands": [{"name": "Acme", "keywords": ["acme"]}]})
    assert redact.scrub("key=" + "k" * 40) == f"key={redact.MASK}"


@pytest.mark.parametrize("value", ["", "   ", "short-key"])
def test_an_empty_or_short_pseudonym_key_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("VOXPOP_PRIVACY__PSEUDONYM_KEY", value)
    with pytest.raises(ConfigError, match=r"pseudonym_key.*shorter than 16"):
        settings_from_mapping({"project": "p", "brands": [{"name": "Acme", "keywords": ["acme"]}]})


def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path) -> None:
    from core.config import load_settings

    rows = ["a: &a [" + ",".join(["x"] * 9) + "]"]
    rows += [f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
    path = tmp_path / "voxpop.yaml"
    path.write_text("\n".join([*rows, "project: p"]), encoding="utf-8")
    assert path.stat().st_size < 1000
    with pytest.raises(ConfigError, match="aliases"):
        load_settings(path)
