"""The explorer in a real browser: Playwright driving the Debian Chromium (never a downloaded browser).

The walk of issue 16: overview → the 24 Oct spike → its mentions → filter by language → one mention →
correct its sentiment and an aspect → reload (the correction persists, the overview figure moved, the
report built afterwards shows it); an XSS payload renders inert; a write without the CSRF token is
refused; serving on 0.0.0.0 without a token refuses to start.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer import Explorer, create_app
from nlp.aspects import Taxonomy
from reports import build_report
from storage import connect
from tests.test_explorer import fixture_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                                reason="chromium not installed (make test installs it when run as root)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    import uvicorn

    store = fixture_store(tmp_path / "data")
    explorer = Explorer(store, brands=["Acme"], competitors=["Rival"], window_days=30,
                        taxonomy=Taxonomy.pack("ecommerce"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(explorer, project="Acme", author="tester"), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the explorer did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def browser_page() -> Iterator[tuple[Any, dict[str, list[str]]]]:
    if CHROMIUM is None:
        pytest.fail("chromium is required in CI; `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    seen: dict[str, list[str]] = {"errors": [], "external": [], "dialogs": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("console", lambda m: seen["errors"].append(m.text) if m.type in {"error", "warning"} else None)
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))

        def route(r: Any) -> None:
            if r.request.url.startswith("http://127.0.0.1:"):
                r.continue_()
            else:
                seen["external"].append(r.request.url)
                r.abort()

        page.route("**/*", route)
        yield page, seen
        browser.close()


def _found(page: Any) -> int:
    return int(re.sub(r"\D", "", page.locator("#found").inner_text()))


def _acme_negative(page: Any) -> int:
    return int(page.locator('tr[data-brand="Acme"] a[href*="sentiment=negative"]').first.inner_text().replace(",", ""))


def test_overview_to_mentions_to_correction_and_back(  # noqa: PLR0915 - one walk, step by step
        served: tuple[str, Path], browser_page: Any, tmp_path: Path) -> None:
    base, store = served
    page, seen = browser_page
    page.goto(base + "/")
    page.wait_for_selector(".chart .u-over")  # uPlot drew the charts from the vendored script
    negative_before = _acme_negative(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-overview.png"), full_page=True)

    page.locator('tr.spike[data-day="2026-10-24"] td a').first.click()
    page.wait_for_url(re.compile(r"/mentions\?.*start=2026-10-24"))
    assert "brand=Acme" in page.url
    assert "sentiment=negative" in page.url
    spike_n = _found(page)
    assert spike_n > 30

    page.select_option("#f-lang", ["az"])
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"lang=az"))
    assert "start=2026-10-24" in page.url  # the other filters stayed in the URL
    az_n = _found(page)
    assert 0 < az_n < spike_n
    assert set(page.locator("li.mention .head").all_inner_texts())
    assert all(
        " az " in f" {t} " for t in page.locator("li.mention .head").all_inner_texts())
    page.go_back()
    page.wait_for_url(lambda url: "lang=az" not in url)
    assert _found(page) == spike_n  # the back button restores the filters
    page.go_forward()
    page.wait_for_url(re.compile(r"lang=az"))

    page.locator("li.mention a.open").first.click()
    page.wait_for_selector("#mention")
    mention_url = page.url
    mention_id = page.locator("#mention").get_attribute("data-id")
    assert page.locator("#sentiment .sent").inner_text() == "Negative"
    page.select_option("#c-sentiment", "positive")
    page.select_option("#c-add-aspect", "price")
    page.locator("section.correct button[name=save]").click()
    page.wait_for_selector("#mention .message")  # htmx swapped the corrected mention in

    page.goto(mention_url)  # reload: the correction persists
    assert page.locator("#sentiment .sent").inner_text() == "Positive"
    assert "✎" in page.locator("#sentiment").inner_text()
    assert page.locator('#aspects .aspect[data-aspect="price"]').count() == 1
    assert "tester" in page.locator("section.history").inner_text()

    page.goto(base + "/")
    assert _acme_negative(page) == negative_before - 1  # the overview figure moved

    with connect(store, corrected=True) as con:
        files = build_report(con, out_dir=tmp_path / "out", project="Acme", taxonomy={}, days=30)
        row = con.execute("SELECT sentiment, corrected FROM mentions WHERE mention_id = ?", [mention_id]).fetchall()
    assert row == [("positive", True)]
    assert "1 mentions corrected by people" in files.trend.read_text(encoding="utf-8")

    page.goto(base + "/mentions?q=onerror")
    assert _found(page) == 1
    assert page.title() != "pwned"
    assert "pwned" not in page.title()
    assert page.locator("li.mention img").count() == 0
    assert page.locator("li.mention script").count() == 0
    assert "<img src=x" in page.locator("li.mention p").inner_text()
    assert page.locator('a[href^="javascript:"]').count() == 0
    page.locator("li.mention a.open").first.click()
    page.wait_for_selector("#mention")
    assert page.locator("#mention img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "explorer-xss.png"))

    refused = page.request.post(base + f"/mentions/{mention_id}/correct", form={"sentiment": "neutral"})
    assert refused.status == 403
    assert seen["errors"] == [], seen["errors"]  # no console error, no CSP violation
    assert seen["external"] == []
    assert seen["dialogs"] == []


def test_serving_on_all_interfaces_without_a_token_refuses_to_start(tmp_path: Path) -> None:
    config = tmp_path / "voxpop.yaml"
    config.write_text("brands:\n  - name: Acme\n    keywords: [Acme]\nstorage:\n  path: data\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOXPOP_")}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run([sys.executable, "-c", "from voxpop.cli import app; app()", "serve", "-c", str(config),
                          "--host", "0.0.0.0", "--port", str(_free_port())],  # noqa: S104 - refused
                         capture_output=True, text=True, timeout=120, env=env, check=False)
    assert run.returncode == 2, run.stderr
    assert "VOXPOP_SERVE__TOKEN" in run.stderr
    assert "Traceback" not in run.stderr
