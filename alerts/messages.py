"""Alert messages: the explanation the reports compute, localised, rendered as plain text, Markdown or HTML.

A message is built once per language from its episode (the figure against its baseline, the topics,
aspects and hashtags that drove it, up to three quotes with links, the report link) and rendered per
channel. Mention text, topic labels, hashtags and links are attacker-controlled: each renderer escapes
them for its markup (``escape_html``, ``escape_markdown``, ``plain``), and links are kept only when they
are http(s) URLs, percent-encoded so they cannot close an attribute or a Markdown link.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import duckdb
import yaml

from alerts.detect import Episode
from core.text import display_safe
from reports import aggregate as agg
from reports.i18n import Formatter

FORMATS = ("text", "markdown", "html")
QUOTES = 3
QUOTE_CHARS = 280
_STRINGS = Path(__file__).parent / "strings.yaml"
# CommonMark punctuation that could start markup, plus what Slack/Discord read as mentions or links.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:])")
_MENTION = re.compile(r"@(?=\w)")  # @everyone, @here, @user: a word joiner after @ stops the ping


@cache
def _table() -> dict[str, dict[str, str]]:
    return yaml.safe_load(_STRINGS.read_text(encoding="utf-8"))


def strings(lang: str) -> dict[str, str]:
    """Alert strings for ``lang`` with English fallbacks."""
    return {**_table()["en"], **_table().get(lang, {})}


def plain(text: object) -> str:
    """One line of untrusted text for a plain-text channel: no control or bidi characters, no line breaks."""
    return " ".join(display_safe(str(text)).split())


def escape_html(text: object) -> str:
    """Untrusted text inside HTML (Telegram, e-mail, Slack via Apprise's converter)."""
    return html.escape(plain(text), quote=True)


def defuse_mentions(text: str) -> str:
    """A word joiner after every ``@``: Discord, Slack and Teams then ping nobody (@everyone, @here, @user)."""
    return _MENTION.sub("@\u2060", text)


def escape_markdown(text: object) -> str:
    """Untrusted text inside Markdown: every markup character backslash-escaped, mentions defused."""
    return defuse_mentions(_MD_SPECIAL.sub(r"\\\1", plain(text)))


def safe_url(url: object) -> str | None:
    """An http(s) URL with quotes, brackets, spaces and the like percent-encoded; None for anything else."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = plain(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return quote(url, safe=":/?#@!$&*+,;=%~-._")  # no ( ) [ ] ' " < > ` or space survives


def _shorten(text: str, n: int = QUOTE_CHARS) -> str:
    text = plain(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


@dataclass
class Quote:
    """One example mention."""

    text: str
    url: str | None
    platform: str


@dataclass
class Message:
    """A localised alert, not yet rendered: every field except the ``t`` labels is text to escape."""

    title: str
    lines: list[str]
    drivers: list[tuple[str, list[str]]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    report_url: str | None = None
    t: dict[str, str] = field(default_factory=dict)

    def render(self, fmt: str, *, title_markup: bool = False) -> tuple[str, str]:
        """(title, body) in ``fmt`` (text, markdown or html), untrusted text escaped for it.

        The title is plain text (an e-mail subject, a webhook field) unless ``title_markup``: for services
        that put it into the body (Telegram), it is escaped like the body.
        """
        title, body = self._html() if fmt == "html" else self._markdown() if fmt == "markdown" else self._text()
        return (title if title_markup else plain(self.title)), body

    def _text(self) -> tuple[str, str]:
        out = [plain(line) for line in self.lines]
        if self.drivers:
            out += ["", f"{self.t['drivers']}:"] + [f"- {label}: {', '.join(plain(v) for v in values)}"
                                                    for label, values in self.drivers]
        if self.quotes:
            out += ["", f"{self.t['quotes']}:"]
            for q in self.quotes:
                url = safe_url(q.url)
                out.append(f"- “{_shorten(q.text)}” ({q.platform}{', ' + url if url else ''})")
        if url := safe_url(self.report_url):
            out += ["", f"{self.t['report']}: {url}"]
        return plain(self.title), "\n".join(out)

    def _markdown(self) -> tuple[str, str]:
        out = [escape_markdown(line) for line in self.lines]
        if self.drivers:
            out += ["", f"**{self.t['drivers']}**"] + [
                f"- {escape_markdown(label)}: {', '.join(escape_markdown(v) for v in values)}"
                for label, values in self.drivers]
        if self.quotes:
            out += ["", f"**{self.t['quotes']}**"]
            for q in self.quotes:
                url = safe_url(q.url)
                link = f" ([{escape_markdown(q.platform)}]({url}))" if url else f" ({escape_markdown(q.platform)})"
                out.append(f"> {escape_markdown(_shorten(q.text))}{link}")
                out.append("")
        if url := safe_url(self.report_url):
            out += ["", f"[{self.t['report']}]({url})"]
        return escape_markdown(self.title), "\n".join(out).rstrip()

    def _html(self) -> tuple[str, str]:
        out = [escape_html(line) for line in self.lines]
        if self.drivers:
            out += ["", f"<b>{html.escape(self.t['drivers'])}</b>"] + [
                f"• {escape_html(label)}: {', '.join(escape_html(v) for v in values)}"
                for label, values in self.drivers]
        if self.quotes:
            out += ["", f"<b>{html.escape(self.t['quotes'])}</b>"]
            for q in self.quotes:
                url = safe_url(q.url)
                link = (f' (<a href="{html.escape(url, quote=True)}">{escape_html(q.platform)}</a>)' if url
                        else f" ({escape_html(q.platform)})")
                out.append(f"<i>“{escape_html(_shorten(q.text))}”</i>{link}")
        if url := safe_url(self.report_url):
            out += ["", f'<a href="{html.escape(url, quote=True)}">{html.escape(self.t["report"])}</a>']
        return escape_html(self.title), "<br/>\n".join(out)


def _labels(taxonomy: dict[str, dict[str, Any]], lang: str) -> dict[str, str]:
    return {name: (info.get("labels", {}).get(lang) or info.get("labels", {}).get("en") or name)
            for name, info in taxonomy.items()}


def compose(con: duckdb.DuckDBPyConnection, episode: Episode, event: str, *, lang: str,
            taxonomy: dict[str, dict[str, Any]], report_url: str | None = None,
            first_value: float | None = None) -> Message:
    """The message of ``event`` (open, escalate, end) of ``episode`` in ``lang``, with its explanation."""
    t, f = strings(lang), Formatter(lang)
    e = episode
    fill = _fill(e, f, _labels(taxonomy, lang))
    title = headline(e, event, lang=lang, taxonomy=taxonomy)
    lines = [_lead(e, t, f, fill)]
    if event == "escalate" and first_value is not None:
        lines.append(t["l_escalate"].format(now=f.num(e.value), first=f.num(first_value)))
    if event == "end":
        lines = [t["l_end"].format(**fill)]
    if e.is_competitor:
        lines.append(t["opportunity_note"].format(brand=e.brand))
    message = Message(title=title, lines=lines, report_url=report_url, t=t)
    if event != "end":
        _explain(con, message, e, t, _labels(taxonomy, lang))
    return message


def _fill(e: Episode, f: Formatter, labels: dict[str, str]) -> dict[str, str]:
    return {"brand": e.brand, "about": f.about(e.subject, labels.get(e.subject, e.subject)), "topic": e.subject,
            "day": f.date(e.peak), "start": f.date(e.start), "end": f.date(e.end),
            "days": f.count(e.rule.window_days, "days")}


def headline(episode: Episode, event: str, *, lang: str, taxonomy: dict[str, dict[str, Any]]) -> str:
    """The title of an alert: "Opportunity · Escalating — Tezbazar: complaints about Price are growing"."""
    t, e = strings(lang), episode
    key = f"t_{e.rule.type}_{e.subject}" if e.rule.type == "volume_spike" else f"t_{e.rule.type}"
    title = t[key].format(**_fill(e, Formatter(lang), _labels(taxonomy, lang)))
    prefixes = ([t["opportunity"]] if e.is_competitor else []) + ([t[event]] if event in {"escalate", "end"} else [])
    return f"{' · '.join(prefixes)} — {title}" if prefixes else title


def _lead(e: Episode, t: dict[str, str], f: Formatter, fill: dict[str, str]) -> str:
    """The figure against its baseline, in a sentence."""
    kind = e.rule.type
    if kind == "volume_spike":
        return t["l_volume_spike"].format(**fill, n=f.count(int(e.value), "mentions"), z=f.num(e.facts["z"], 1),
                                          base=f.num(e.baseline or 0, 1))
    if kind == "negative_share":
        return t["l_negative_share"].format(**fill, share=f.pct(e.value), n=f.num(e.count), base=f.pct(e.baseline))
    if kind == "pain_point":
        growth = e.facts.get("growth")
        key = "l_pain_point_new" if growth is None else "l_pain_point"
        return t[key].format(**fill, complaints=f.count(int(e.value), "complaints"), prev=f.num(e.baseline),
                             change="" if growth is None else f.pct(growth, signed=True))
    if kind == "emerging_topic":
        return t["l_emerging_topic"].format(**fill, n=f.count(int(e.value), "mentions"), prev=f.num(e.baseline))
    views = e.facts.get("views")
    return t["l_high_reach_negative"].format(
        **fill, engagement=f.num(e.value), platform=e.facts.get("platform", ""),
        views=t["l_views"].format(views=f.num(views)) if views else "")


def _explain(con: duckdb.DuckDBPyConnection, message: Message, e: Episode, t: dict[str, str],
             labels: dict[str, str]) -> None:
    """Add the drivers and quotes the reports would show for this episode."""
    if e.rule.type == "high_reach_negative":
        m = e.facts["mention"]
        message.quotes = [Quote(m["text"], m.get("url"), m["platform"])]
        if m.get("aspects"):
            message.drivers.append((t["aspects"], [labels.get(a, a) for a in m["aspects"]]))
        return
    window = agg.Period(e.start, e.end)
    if e.rule.type in {"pain_point", "emerging_topic"}:  # the episode is about its window, not just its days
        window = agg.Period(min(e.start, e.peak - timedelta(days=e.rule.window_days - 1)), e.end)
    found = agg.drivers(con, brand=e.brand, sentiment=e.sentiment, start=window.start, end=window.end)
    topics = [tp["topic"] for tp in found["topics"] if tp["topic"] != e.subject]
    aspects = [labels.get(a["aspect"], a["aspect"]) for a in found["aspects"] if a["aspect"] != e.subject]
    if e.rule.type == "emerging_topic":
        topics = [e.subject, *topics][:3]
    if topics:
        message.drivers.append((t["topics"], topics))
    if aspects:
        message.drivers.append((t["aspects"], aspects))
    if found["hashtags"]:
        message.drivers.append((t["hashtags"], [h["tag"] for h in found["hashtags"]]))
    aspect = e.subject if e.rule.type == "pain_point" else None
    topic = e.subject if e.rule.type == "emerging_topic" else None
    rows = agg.quotes(con, window, brand=e.brand, aspect=aspect, topic=topic, sentiment=e.sentiment, n=QUOTES)
    message.quotes = [Quote(r["text"], r.get("url"), r["platform"]) for r in rows]
