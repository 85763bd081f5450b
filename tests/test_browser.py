"""Reports opened in real headless Chromium: screenshot, no console errors, charts present, no script runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from reports import build_report
from storage import MentionStore, connect
from tests.factories import scored, story

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
TAXONOMY = {"delivery": {"labels": {"en": "Delivery", "az": "Çatdırılma", "tr": "Teslimat", "hy": "Առաքում"},
                         "cx_area": "Shipping and delivery"}}
EVIL = [
    "<img src=x onerror=alert(1)> Acme delivery",
    '</script><script>document.title="pwned"</script> Acme late',
    "<svg/onload=alert(2)> Acme",
    "Acme <a href=javascript:alert(3)>click</a>",
    'Acme"><style>*{display:none}</style>',
]
# Topic labels are made from mention words, so they are attacker-controlled as well.
EVIL_TOPIC = '<img src=x onerror=alert(4)> · </b><script>document.title="pwned"</script> · late'

pytestmark = pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                                reason="chromium not installed (make test installs it when run as root)")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.fail("chromium is required in CI; `apt-get install -y chromium`")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync",
             "--disable-component-update", "--no-first-run", "--disable-quic",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("lang", ["en", "az", "tr", "hy", "ru"])
def test_report_renders_cleanly_and_safely(tmp_path: Path, lang: str) -> None:
    rows = story(days=40)
    last = max(r["created_at"] for r in rows).date()
    base = max(int(r["native_id"]) for r in rows)
    rows += [scored(base + i + 1, brand="Acme", day=last - timedelta(days=i % 3), sentiment="negative",
                    aspects=["delivery"], text=t, likes=50_000, topic=EVIL_TOPIC) for i, t in enumerate(EVIL)]
    MentionStore(tmp_path / "d").upsert(rows)
    with connect(tmp_path / "d") as con:
        files = build_report(con, out_dir=tmp_path / "out", project="Acme", taxonomy=TAXONOMY, days=20, lang=lang)
    topic = "&lt;img src=x onerror=alert(4)&gt; · &lt;/b&gt;&lt;script&gt;"
    for kind, html, expect in (("trends", files.trend, topic), ("pain-points", files.painpoints, None)):
        _check_page(tmp_path, html, f"{kind}-{lang}", expect)


def _check_page(tmp_path: Path, html: Path, name: str, expect: str | None) -> None:
    url = html.as_uri()
    dom = _chromium(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console  # no errors, and no CSP violation: nothing even tried to run
    page = dom.stdout
    assert "<title>" in page
    assert "pwned" not in re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    assert len(re.findall(r'<img class="(?:chart|spark)"[^>]+src="data:image/svg\+xml;base64,', page)) >= 2
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    if expect is not None:
        assert expect in page
    assert "<script" not in page.lower()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    result = _chromium(tmp_path, "--window-size=1200,2400", f"--screenshot={shot}", url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a real rendering, not a blank page
