"""Static SVG charts (matplotlib), embedded as ``data:`` images.

Why matplotlib rather than Plotly or Altair: a report must open offline, print well and be forwarded by
e-mail, and it renders attacker-controlled text. Static SVG inside ``<img>`` needs no JavaScript at all,
so the report ships with a Content-Security-Policy that forbids every script; an SVG loaded as an image
cannot run script either. Plotly's inlined bundle is ~4 MB per file and needs script enabled.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from datetime import date

import matplotlib as mpl

mpl.use("Agg")  # no display, deterministic output
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from core.text import display_safe

mpl.rcParams.update({
    "svg.hashsalt": "voxpop",  # stable ids: identical data gives identical files
    "text.parse_math": False,  # brand and topic names are data: "$5$ Bank" must not become maths
    "svg.fonttype": "none",  # keep text as text (searchable, small), the browser picks the font
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
})
PALETTE = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057", "#e07a5f")


def _data_uri(fig: plt.Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def lines(
    days: Sequence[date],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    ylabel: str,
    shade_from: date | None = None,
    marks: Sequence[tuple[str, date]] = (),
    zero_line: bool = False,
) -> str:
    """One line per series over days; optional shaded current period and marked days (spikes)."""
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for i, (name, values) in enumerate(series.items()):
        ax.plot(days, [float("nan") if v is None else v for v in values], label=display_safe(name),
                color=PALETTE[i % len(PALETTE)], linewidth=1.6)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    for name, day in marks:
        ax.axvline(day, color=colours.get(name, "#555"), linestyle=":", linewidth=1)
    if shade_from is not None and days:
        ax.axvspan(shade_from, days[-1], color="#888", alpha=0.08, linewidth=0)
    if zero_line:
        ax.axhline(0, color="#555", linewidth=0.8)
    ax.set_title(display_safe(title), loc="left", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m"))
    if series:
        ax.legend(loc="upper left", frameon=False, ncols=min(4, len(series)))
    return _data_uri(fig)


def bars(labels: Sequence[str], groups: dict[str, Sequence[float]], *, title: str, xlabel: str) -> str:
    """Horizontal grouped bars: one group of bars per label, one colour per group key."""
    n_groups = max(1, len(groups))
    height = 0.8 / n_groups
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(3, len(labels)) + 0.8))
    for i, (name, values) in enumerate(groups.items()):
        ys = [j + i * height for j in range(len(labels))]
        ax.barh(ys, values, height=height, label=display_safe(name), color=PALETTE[i % len(PALETTE)])
    ax.set_yticks([j + height * (n_groups - 1) / 2 for j in range(len(labels))], [display_safe(x) for x in labels])
    ax.invert_yaxis()
    ax.set_title(display_safe(title), loc="left", fontsize=11)
    ax.set_xlabel(xlabel)
    if len(groups) > 1:
        ax.legend(loc="lower right", frameon=False)
    return _data_uri(fig)


def sparkline(values: Sequence[float], *, split: int | None = None) -> str:
    """A tiny trend line; the part after ``split`` (the current period) is drawn darker."""
    fig, ax = plt.subplots(figsize=(1.8, 0.45))
    xs = range(len(values))
    ax.plot(xs, values, color="#9aa5b1", linewidth=1)
    if split is not None and 0 <= split < len(values):
        ax.plot(xs[split:], values[split:], color=PALETTE[1], linewidth=1.4)
    ax.set_axis_off()
    ax.margins(x=0, y=0.1)
    return _data_uri(fig)
