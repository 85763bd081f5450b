"""Attacker-controlled text cannot reorder a report line, turn into chart maths or drive a terminal."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from core.text import display_safe
from reports import build_report
from storage import MentionStore, connect
from tests.factories import scored, story

TAXONOMY = {"delivery": {"labels": {"en": "Delivery"}, "cx_area": "Shipping and delivery"}}
RLO = "\u202e"


def _svgs(html: str) -> str:
    return "".join(base64.b64decode(b).decode("utf-8")
                   for b in re.findall(r"data:image/svg\+xml;base64,([^\"]+)", html))


def test_bidi_overrides_are_isolated_and_dollar_names_stay_text(tmp_path: Path) -> None:
    rows = story(days=40)
    for row in rows:
        if row["brand"] == "Acme":
            row["brand"] = "$5$ Acme"
    last = max(r["created_at"] for r in rows).date()
    base = max(int(r["native_id"]) for r in rows)
    rows += [scored(base + k + 1, brand="$5$ Acme", day=last, sentiment="negative", aspects=["delivery"],
                    text=f"{RLO}late parcel again {k}", likes=50_000) for k in range(3)]
    MentionStore(tmp_path / "d").upsert(rows)
    with connect(tmp_path / "d") as con:
        files = build_report(con, out_dir=tmp_path / "out", project="p", taxonomy=TAXONOMY, days=20)
    html = files.trend.read_text(encoding="utf-8") + files.painpoints.read_text(encoding="utf-8")
    quoted = re.findall(r"<blockquote dir=\"auto\">(.*?)<span class=\"src\">", html)
    assert quoted
    assert all(q.startswith("<bdi>") and q.endswith("</bdi>") for q in quoted)
    assert RLO in "".join(quoted)  # kept (it is the author's text), but isolated
    assert "unicode-bidi: isolate" in html
    svg = _svgs(html)
    assert re.search(r">\$5\$ Acme</text>", svg)  # legend text as written, not rendered as maths


def test_display_safe_strips_terminal_escapes_and_bidi_controls() -> None:
    evil = "ok\x1b[2J\x1b]0;title\x07 \u202egnp.exe\u2066x\u2069\tend\n"
    assert display_safe(evil) == "ok[2J]0;title gnp.exex\tend\n"


def test_query_output_is_formula_safe_and_terminal_safe(tmp_path: Path) -> None:
    import csv
    import io

    from typer.testing import CliRunner

    from voxpop.cli import app

    last = max(r["created_at"] for r in story(days=3)).date()
    texts = ['=HYPERLINK("http://127.0.0.1/x","click") Acme', "+1 Acme", "plain \x1b[31mred\x1b[0m Acme"]
    rows = [scored(k, brand="Acme", day=last, sentiment="neutral", text=t) for k, t in enumerate(texts, 1)]
    MentionStore(tmp_path / "d").upsert(rows)
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(f"project: p\nstorage:\n  path: {tmp_path / 'd'}\nbrands:\n  - name: Acme\n    keywords: [acme]\n",
                   encoding="utf-8")
    sql = "SELECT text, sentiment_score FROM mentions ORDER BY native_id"
    result = CliRunner().invoke(app, ["query", "-c", str(cfg), "-f", "csv", sql])
    assert result.exit_code == 0, result.output
    cells = [row[0] for row in csv.reader(io.StringIO(result.stdout))][1:]
    assert cells[0].startswith("'=HYPERLINK")
    assert cells[1] == "'+1 Acme"
    table = CliRunner().invoke(app, ["query", "-c", str(cfg), sql])
    assert "\x1b[31m" not in table.stdout
    lines = CliRunner().invoke(app, ["query", "-c", str(cfg), "-f", "json", sql]).stdout.splitlines()
    assert len(lines) == 3  # one JSON object per line
