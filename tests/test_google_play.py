"""The google-play listener against the fake batchexecute endpoint on 127.0.0.1 (tests/fakes/google_play.py)."""

from __future__ import annotations

from typing import Any

import pytest

from core.config import Source
from core.errors import ConfigError, RateLimitError
from listeners import registry
from listeners.google_play import GooglePlayListener
from listeners.google_play._scraper import Formats
from tests.fakes import collect
from tests.fakes.google_play import APP, GooglePlayHarness


@pytest.fixture
def h(start_harness: Any) -> GooglePlayHarness:
    return start_harness(GooglePlayHarness())


def listener(settings_factory: Any, h: GooglePlayHarness, **options: Any) -> GooglePlayListener:
    lst = registry.create(Source(name="gp", type="google-play", options={**h.options(), **options}),
                          settings_factory())
    assert isinstance(lst, GooglePlayListener)
    return lst


def test_the_request_is_the_librarys_pointed_at_the_fake(settings_factory: Any, h: GooglePlayHarness) -> None:
    h.load("pages")
    collect(listener(settings_factory, h))
    first = h.server.requests[0]
    library_url = Formats.Reviews.build(lang="az", country="az")
    assert library_url.startswith("https://play.google.com/_/PlayStoreUi/data/batchexecute?hl=az&gl=az")
    assert first.path + "?hl=az&gl=az" == library_url.removeprefix("https://play.google.com")
    assert first.body == Formats.Reviews.build_body(APP, 2, 3, "null", "null", None)


def test_apps_need_a_configured_brand_and_valid_ids(settings_factory: Any) -> None:
    settings = settings_factory()
    with pytest.raises(ConfigError, match=r"apps\.0\.brand"):
        registry.create(Source(name="gp", type="google-play", options={"apps": [{"id": "a.b", "brand": "X"}]}),
                        settings)
    with pytest.raises(ConfigError, match="package name"):
        registry.create(Source(name="gp", type="google-play",
                               options={"apps": [{"id": "not an id", "brand": "Narmart"}]}), settings)


def test_rating_version_and_reply_are_kept_and_the_watermark_moves(settings_factory: Any,
                                                                   h: GooglePlayHarness) -> None:
    expected = h.load("pages")
    mentions, rejects, cursors = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert not rejects
    replied = next(m for m in mentions if m.text.startswith("Tətbiq tez-tez donur"))
    extras = dict(replied.extras)
    assert extras["rating"] == "1"
    assert replied.rating == 1
    assert extras["app_version"] == "4.2.1"
    assert extras["developer_reply"] == "Salam! Bizə yazın"
    assert "developer_reply_at" in extras
    assert replied.brand_hint == "Narmart"
    assert replied.created_at.tzinfo is not None
    assert {dict(m.extras)["store_lang"] for m in mentions if m.brand_hint == "Narmart"} == {"az", "ru"}
    state = cursors[-1]["listings"][f"{APP}:az-az"]
    assert "resume" not in state
    assert state["since_ids"]
    # a new review: the next run reads only the first page and stops at the watermark
    new = h.fake.review("Yeni rəy: ödəniş alınmır", minutes_ago=1)
    h.server.requests.clear()
    again, _, _ = collect(listener(settings_factory, h), cursors[-1])
    assert [m.native_id for m in again] == [new[0]]


def test_a_long_rate_limit_raises_with_reset(settings_factory: Any, h: GooglePlayHarness) -> None:
    h.load("rate_limit")
    with pytest.raises(RateLimitError, match="resumes from") as exc:
        collect(listener(settings_factory, h, max_wait_seconds=1))
    assert exc.value.reset_at is not None


def test_importing_the_listener_keeps_https_certificate_checks_on() -> None:
    """google-play-scraper disables certificate checks process-wide on import; importing voxpop must not."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = (f"import ssl, listeners; assert listeners.__file__.startswith({str(root)!r}), listeners.__file__; "
            "assert ssl._create_default_https_context is ssl.create_default_context")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
