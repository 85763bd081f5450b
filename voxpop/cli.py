"""The ``voxpop`` command line (Typer + Rich)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from core.errors import StorageError, VoxpopError
from core.languages import UI_LANGUAGES
from core.records import csv_cell
from core.text import display_safe
from voxpop.prefect_server import ensure_server
from voxpop.progress import BAR, RichListenProgress

if TYPE_CHECKING:
    from collections.abc import Callable

    from core.config import Settings

# Before Prefect is imported anywhere: no telemetry from a tool that promises to work offline.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# The CLI shows Rich progress and a summary; Prefect's per-task INFO lines would drown them (override freely).
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Prefect's temporary local API server needs ~15 s on two busy cores; its default 20 s wait is too tight.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="voxpop: social listening and multilingual pain-point detection.")
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)  # paths and commands must stay copy-pastable

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="Project config file.", envvar="VOXPOP_CONFIG")]
DEMO_DIR = Path("voxpop-demo")


class OutputFormat(StrEnum):
    """Formats of `voxpop query`."""

    table = "table"
    csv = "csv"
    json = "json"


ReportLang = StrEnum("ReportLang", {code: code for code in UI_LANGUAGES})  # report interface languages


DataOpt = Annotated[Path, typer.Option("--data", "-d", help="label<TAB>text TSV file/folder, or UMSAB folders.")]
ModelOpt = Annotated[str, typer.Option(help="'default', a head .npz from `voxpop train`, or a HF id / path.")]
DEMO_CONFIG = Path(__file__).parent / "demo.yaml"


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[bold red]error:[/] {escape(str(exc))}")  # messages may quote mention text: no markup
    return typer.Exit(code=2)


def _date_range(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """``--start``/``--end`` as dates; a malformed one exits with a one-line message."""
    try:
        return (date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None)
    except ValueError as exc:
        raise _fail(ValueError(f"dates must look like 2026-10-24: {exc}")) from None


@app.command()
def demo(
    directory: Annotated[Path, typer.Option(help="Where the demo's config, data and reports go.")] = DEMO_DIR,
    lang: Annotated[ReportLang, typer.Option(help="Report language.")] = ReportLang.en,
    storage: Annotated[str | None, typer.Option(
        help="Where the demo stores its data: a folder, or s3://BUCKET/PREFIX (credentials and endpoint from "
        "the AWS_* variables). Written into the demo's config. Default: data/ beside the config.")] = None,
) -> None:
    """Run the whole pipeline on the bundled multilingual sample and write the report."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "voxpop.yaml"
    if not config.exists():
        config.write_text(DEMO_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    if storage is not None:  # the storage line only: other edits of the demo config stay
        text = re.sub(r"(?m)^(storage:\n  path: ).*$", lambda m: m.group(1) + json.dumps(storage),
                      config.read_text(encoding="utf-8"), count=1)
        config.write_text(text, encoding="utf-8")
    console.print(f"[bold]voxpop demo[/] — config {config} (edit it and re-run to experiment)")
    summary = _listen(config, None)
    files = _report(config, lang.value, None, None, None)
    console.print()
    out.print(f"Parquet dataset: [bold]{summary['storage']}/mentions[/]  ({summary['total_stored']} mentions)")
    example_sql = "SELECT brand, count(*) FROM mentions GROUP BY 1"
    out.print(f'Query it:        voxpop query -c {config} "{example_sql}"')
    out.print(f"Trend report:    [bold]{files['trend']}[/]")
    out.print(f"Pain points:     [bold]{files['painpoints']}[/]")
    out.print(f"Summary:         {files['markdown']}")
    out.print(f"Explore it:      voxpop serve -c {config}   (then open http://127.0.0.1:8765/)", markup=False)
    _demo_alerts(config)


def _demo_alerts(config: Path) -> None:
    """What the demo's alert rule would have sent over the sample's history.

    The sample lies in the past, so the listen run's own evaluation finds no episode going on today.
    """
    from alerts import dry_run as replay  # noqa: PLC0415

    settings = _validate(config)
    if not settings.alerts.channels:
        return
    outcomes, first, last = replay(settings, start=None, end=None, days=366)
    sent = [o for o in outcomes if o.status == "would_send" and o.message is not None]
    where = ", ".join(str(c.file) if c.file else c.name for c in settings.alerts.channels)
    out.print(f"\nAlerts:          {len(sent)} the demo rule would have sent from {first} to {last} "
              f"(live ones go to {where}):", markup=False)
    for o in sent:
        assert o.message is not None  # noqa: S101 - filtered above
        title, body = o.message.render("text")
        out.print(f"\n=== {o.at:%Y-%m-%d %H:%M} UTC — {title}\n{body}", markup=False, highlight=False)
    out.print(f"\nTune the rules: voxpop alerts -c {config} --since 70d --dry-run", markup=False)


def _validate(config: Path) -> Settings:
    """Fail fast with a readable message before Prefect starts (its logs would add a traceback)."""
    from core.config import load_settings  # noqa: PLC0415
    from core.layout import StoreLayout  # noqa: PLC0415

    try:
        settings = load_settings(config)
    except VoxpopError as exc:
        raise _fail(exc) from None
    layout = StoreLayout.of(settings.storage.path)
    if layout.remote and (why := layout.unusable()):  # a bucket is checked once here, not by a traceback later
        raise _fail(StorageError(why))
    return settings


def _listen(config: Path, sources: list[str] | None, *, wait: bool = True,
            run: Callable[[Any], dict[str, Any]] | None = None) -> dict[str, Any]:
    """Run the listen flow (or ``run(progress)``, the backfill's) with Rich progress; print its table."""
    from flows.listen import listen as listen_flow  # noqa: PLC0415 - Prefect is slow to import; load on use
    from pipeline import ListenLock  # noqa: PLC0415

    settings = _validate(config)
    try:
        if not wait:  # busy: one line now, not a failed flow run's traceback
            ListenLock(settings.storage.path).probe()
        ensure_server()  # one that stops when this process dies, however it dies
        with RichListenProgress() as progress:
            summary = run(progress) if run is not None else listen_flow(
                config=str(config), sources=sources, progress=progress, skip_missing_credentials=True,
                raise_on_error=False, wait=wait)
    except VoxpopError as exc:
        raise _fail(exc) from None
    table = Table(title="listen", show_edge=False)
    for col in ("source", "pages", "fetched", "new rows", "duplicates", "counts updated", "no brand", "quarantined"):
        # min_width: on a narrow terminal Rich would shorten headers to "quaran…"; numbers must stay readable
        table.add_column(col, justify="right" if col != "source" else "left", min_width=len(col), no_wrap=True)
    for s in summary["sources"]:
        table.add_row(s["source"], str(s["pages"]), str(s["fetched"]), str(s["inserted"]), str(s["duplicates"]),
                      str(s["refreshed"]), str(s["no_brand"]), str(s["quarantined"]))
    console.print(table)
    for s in summary["sources"]:
        if s["quarantined"]:
            console.print(escape(f"{s['source']}: {quarantine_line(s)}"), highlight=False)
        if s["skipped"]:
            console.print(f"[yellow]skipped[/] {s['source']}: {escape(s['skipped'])}")
        if s["error"]:
            console.print(f"[bold red]failed[/] {s['source']}: {escape(s['error'])}")
    topics = summary.get("topics")
    if topics and topics.get("error"):
        console.print(f"[bold red]failed[/] topics: {escape(topics['error'])}")
    elif topics:
        console.print(f"topics: {len(topics['topics'])} topics, {topics['labelled']} of {topics['mentions']} "
                      f"mentions labelled ({topics['start']} to {topics['end']}, {topics['seconds']} s)")
    print_alert_summary(summary.get("alerts") or {})
    if any(s["error"] for s in summary["sources"]) or (topics and topics.get("error")):
        raise typer.Exit(code=1)
    return summary


_QUARANTINE_HINT = 'voxpop query "SELECT reason_code, location, reason FROM quarantine"'


def quarantine_line(source: dict[str, Any], top: int = 5) -> str:
    """The 'quarantined 30: bad_timestamp 22, bad_platform 8' line of one source (top reasons first)."""
    reasons = sorted(source.get("quarantine_reasons", {}).items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{code} {n}" for code, n in reasons[:top])
    more = f", {len(reasons) - top} more codes" if len(reasons) > top else ""
    detail = f": {shown}{more}" if shown else ""
    return f"quarantined {source['quarantined']}{detail} (details: {_QUARANTINE_HINT})"


def _report(config: Path, lang: str | None, days: int | None, start: date | None, end: date | None) -> dict[str, Any]:
    from flows.report import report as report_flow  # noqa: PLC0415

    _validate(config)
    try:
        ensure_server()
        return report_flow(config=str(config), lang=lang, days=days, start=start, end=end)
    except (VoxpopError, ValueError) as exc:
        raise _fail(exc) from None


@app.command()
def listen(
    config: ConfigOpt = Path("voxpop.yaml"),
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="Only these sources.")] = None,
    wait: Annotated[bool, typer.Option(
        help="While another listen runs on the same data, wait for it (then collect only what it left); "
             "--no-wait exits at once instead.")] = True,
) -> None:
    """Collect, score and store new mentions from the configured sources."""
    summary = _listen(config, source, wait=wait)
    out.print(f"stored in {summary['storage']} ({summary['total_stored']} mentions in total)")


def _rescore_range(config: Path, start: str | None, end: str | None, only: str | None,
                   workers: int | None) -> None:
    """``voxpop backfill --start/--end``: the rescore flow with its scoring on Dask workers."""
    from flows.rescore import rescore as rescore_flow  # noqa: PLC0415

    start_d, end_d = _date_range(start, end)
    _validate(config)
    try:
        ensure_server()
        summary = rescore_flow(config=str(config), start=start_d, end=end_d, only=only, workers=workers)
    except VoxpopError as exc:
        raise _fail(exc) from None
    out.print(f"re-scored {summary['rows']} mention(s) on {summary['days']} day(s): {summary['changed']} changed")


@app.command()
def backfill(  # noqa: PLR0917 - Typer: one parameter per command-line option
    export: Annotated[Path | None, typer.Argument(
        help="The export to import: a CSV/JSONL/Excel file or a folder of them.")] = None,
    config: ConfigOpt = Path("voxpop.yaml"),
    start: Annotated[str | None, typer.Option(help="Re-score the stored mentions from this day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="... up to this day (default: the newest).")] = None,
    only: Annotated[str | None, typer.Option(help="With --start/--end: only these steps (as rescore --only).")] = None,
    workers: Annotated[int | None, typer.Option(min=0, max=256, help=(
        "Score on this many local Dask worker processes (one model load each); 0: in this process. "
        "Default: scale.workers of the config (or its scale.scheduler)."))] = None,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help=(
        "A file-source option as key=value (format=csv, platform=google_play, date_format=%d.%m.%Y, ...)."))] = None,
) -> None:
    """Import a large export, or re-score a date range, with scoring spread over Dask workers (resumable)."""
    from flows.backfill import backfill as backfill_flow  # noqa: PLC0415

    if export is None:
        if start is None and end is None:
            raise _fail(VoxpopError("give an export to import, or --start/--end to re-score stored mentions"))
        _rescore_range(config, start, end, only, workers)
        return

    options = {}
    for item in option or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _fail(VoxpopError(f"--option {item!r}: write it as key=value, e.g. --option format=csv"))
        options[key.strip()] = value
    summary = _listen(config, None, run=lambda progress: backfill_flow(
        config=str(config), path=str(export), workers=workers, options=options, progress=progress))
    out.print(f"stored in {summary['storage']} ({summary['total_stored']} mentions in total)")


@app.command()
def report(
    config: ConfigOpt = Path("voxpop.yaml"),
    lang: Annotated[ReportLang | None, typer.Option(help="Interface language.")] = None,
    days: Annotated[int | None, typer.Option(min=1, help="Period length in days (default: window_days).")] = None,
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD (default: newest mention).")] = None,
) -> None:
    """Write the trend and pain-point report (HTML + Markdown)."""
    start_d, end_d = _date_range(start, end)
    files = _report(config, lang.value if lang else None, days, start_d, end_d)
    out.print(f"Trend report: {files['trend']}\nPain points:  {files['painpoints']}\nSummary:      {files['markdown']}")
    for d in files.get("delivered", []):
        line = f"sent to {d['channel']}" if d["status"] == "sent" else f"not delivered to {d['channel']}: {d['error']}"
        console.print(escape(display_safe(line)), highlight=False)


@app.command()
def topics(
    config: ConfigOpt = Path("voxpop.yaml"),
    top: Annotated[int, typer.Option(min=0, help="Topics listed.")] = 15,
) -> None:
    """Refit topics on the newest stored mentions and write their labels to the `topic` column."""
    import logging  # noqa: PLC0415

    from core.config import load_settings  # noqa: PLC0415
    from pipeline import refresh_topics  # noqa: PLC0415 - loads the topic model; no Prefect involved
    from storage import MentionStore  # noqa: PLC0415

    try:
        settings = load_settings(config)
        with console.status("fitting topics"):
            summary = refresh_topics(settings, MentionStore(settings.storage.path),
                                     logger=logging.getLogger("voxpop.topics"))
    except VoxpopError as exc:
        raise _fail(exc) from None
    table = Table("topic", "mentions", show_edge=False)
    for t in summary["topics"][:top]:
        table.add_row(Text(t["label"]), str(t["size"]))  # labels are words of mention text: never markup
    out.print(table)
    out.print(f"{len(summary['topics'])} topics; {summary['labelled']} of {summary['mentions']} mentions from "
              f"{summary['start']} to {summary['end']} labelled in {summary['seconds']} s")


@app.command()
def rescore(
    config: ConfigOpt = Path("voxpop.yaml"),
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (default: oldest stored).")] = None,
    end: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD (default: newest stored).")] = None,
    only: Annotated[str | None, typer.Option(
        help="Comma-separated steps: brands,lang,sentiment,aspects,topics (default: all).")] = None,
) -> None:
    """Re-apply brand rules and rescore stored mentions after a config or model change (resumable)."""
    import logging  # noqa: PLC0415

    from core.config import load_settings  # noqa: PLC0415
    from pipeline import get_scorer, parse_steps, rescore_steps  # noqa: PLC0415 - imports the scorer; load on use
    from pipeline import rescore as run_rescore  # noqa: PLC0415
    from storage import MentionStore  # noqa: PLC0415

    start_d, end_d = _date_range(start, end)
    try:
        parse_steps(only)  # an unknown step fails before the config is read
    except ValueError as exc:
        raise _fail(exc) from None
    try:
        settings = load_settings(config)
        steps = rescore_steps(settings, only)
        with Progress(*BAR, console=console) as bar:
            task_id = bar.add_task("rescoring days", total=None)
            summary = run_rescore(settings, MentionStore(settings.storage.path), lambda: get_scorer(settings),
                                  start=start_d, end=end_d, steps=steps,
                                  on_day=lambda _day, total: bar.update(task_id, total=total, advance=1),
                                  logger=logging.getLogger("voxpop.rescore"))
    except VoxpopError as exc:
        raise _fail(exc) from None
    if summary.resumed:
        out.print(f"resumed an interrupted run: {summary.resumed} of {summary.days} days were already done")
    if summary.restored:
        out.print(f"restored {summary.restored} mentions from the quarantine (no_brand_match) that a brand "
                  "matches again")
    if not summary.days:
        out.print("no stored mentions in that range; nothing to rescore")
    elif not summary.changed and not summary.restored:
        out.print(f"nothing changed: {summary.rows} mentions on {summary.days} days are up to date "
                  f"({', '.join(steps)})")
    else:
        columns = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_column.items()))
        out.print(f"{summary.changed} of {summary.rows} mentions changed on {summary.days} days: "
                  f"{summary.renamed} got another brand, {summary.removed} match no brand and moved to the "
                  f"quarantine (reason_code no_brand_match); columns: {columns or 'none'}")
        if summary.removed:
            sql = "SELECT record FROM quarantine WHERE reason_code = 'no_brand_match'"
            out.print(f'removed rows: voxpop query -c {config} "{sql}"', markup=False)
    topics_done = summary.topics
    if topics_done and topics_done.get("topics"):
        out.print(f"topics: {len(topics_done['topics'])} topics, {topics_done['changed']} labels changed")


@app.command()
def query(
    sql: Annotated[str, typer.Argument(
        help="SQL over the `mentions`, `quarantine`, `corrections` and `mentions_corrected` views.")],
    config: ConfigOpt = Path("voxpop.yaml"),
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    limit: Annotated[int, typer.Option(help="Rows shown in table format.")] = 50,
) -> None:
    """Run SQL on the scored mentions with DuckDB."""
    from core.config import load_settings  # noqa: PLC0415
    from storage import connect  # noqa: PLC0415

    try:
        settings = load_settings(config)
        with connect(settings.storage.path) as con:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description] if cur.description else []
            rows = cur.fetchall()
    except VoxpopError as exc:
        raise _fail(exc) from None
    except Exception as exc:  # noqa: BLE001 - any DuckDB error is the user's SQL; show it, no traceback
        raise _fail(ValueError(f"query failed: {exc}")) from None
    # Mention text is attacker-controlled: on a terminal, escape sequences and bidi controls are dropped;
    # piped JSON keeps the data exact; CSV cells never start a spreadsheet formula.
    shown = display_safe if sys.stdout.isatty() else str
    if fmt is OutputFormat.json:
        for row in rows:
            sys.stdout.write(shown(json.dumps(dict(zip(names, row, strict=True)), default=str,
                                              ensure_ascii=False)) + "\n")
    elif fmt is OutputFormat.csv:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([csv_cell(n) for n in names])
        writer.writerows([csv_cell(v) for v in row] for row in rows)
        sys.stdout.write(shown(buf.getvalue()))
    else:
        table = Table(*names, show_lines=False)
        for row in rows[:limit]:
            table.add_row(*(Text("" if v is None else display_safe(str(v))) for v in row))  # data, never markup
        out.print(table)
        if len(rows) > limit:
            console.print(f"({len(rows) - limit} more rows; use --limit or --format csv)")


@app.command()
def score(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Text file (one per line), CSV or JSONL with a `text` column.")
    ],
    *,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL, one object per input row.")],
    model: ModelOpt = "default",
    languages: Annotated[str, typer.Option(help="Comma-separated ISO codes to detect.")] = "az,tr,hy,ru,en",
    batch_size: Annotated[int, typer.Option(min=1)] = 64,
    taxonomy: Annotated[str, typer.Option(help="Aspect pack: ecommerce (default), banking, telecom, or an alias.")]
    = "ecommerce",
    encoding: Annotated[str, typer.Option(help="Text encoding of INPUT, e.g. cp1251; default: detected.")] = "auto",
) -> None:
    """Score texts: language, sentiment with probabilities, aspects; one JSON line per input row, in order."""
    from core.records import read_texts  # noqa: PLC0415
    from nlp import Scorer  # noqa: PLC0415

    try:
        rows = read_texts(input_path, encoding)
        scorer = Scorer(sentiment=model, languages=[c.strip() for c in languages.split(",") if c.strip()],
                        batch_size=batch_size, taxonomy=taxonomy)
    except VoxpopError as exc:
        raise _fail(exc) from None
    texts = [r.text for r in rows]
    with Progress(*BAR, console=console) as bar:
        task_id = bar.add_task("scoring", total=len(texts))
        scores = scorer.score(texts, on_progress=lambda n: bar.advance(task_id, n))
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as fh:
        for row, s in zip(rows, scores, strict=True):
            obj: dict[str, Any] = {"row": row.row}
            if row.id is not None:
                obj["id"] = row.id
            obj |= s.to_json()
            if row.error:  # the input row's own problem comes first
                obj["error"] = row.error
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    console.print(f"wrote {len(rows)} rows to {output} (model {scorer.model_version})")


@app.command("eval")
def eval_(
    data: Annotated[Path | None, typer.Option(
        "--data", "-d", help="label<TAB>text TSV file/folder, or UMSAB folders.")] = None,
    split: Annotated[str | None, typer.Option(
        help="Only this split (test, val, ...; with --real: dev or test).")] = None,
    model: ModelOpt = "default",
    real: Annotated[Path | None, typer.Option(
        help="The shared real sentiment data (../shared/data/sentiment): score every source's dev or test "
             "split, the model beside the plain baseline on the same rows.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the scores as JSON.")] = None,
) -> None:
    """Evaluate a sentiment model: macro-F1 per language and confusion, or real data beside the baseline."""
    from nlp.sentiment import LABELS, load_sentiment  # noqa: PLC0415
    from nlp.training import evaluate, load_labelled  # noqa: PLC0415

    if (data is None) == (real is None):
        raise _fail(VoxpopError("give --data FILE_OR_FOLDER, or --real ../shared/data/sentiment"))
    if real is not None:
        _eval_real(real, split or "test", model, json_out)
        return
    assert data is not None  # noqa: S101 - checked above
    try:
        dataset = load_labelled(data, split)
        sentiment = load_sentiment(model)
    except VoxpopError as exc:
        raise _fail(exc) from None
    with Progress(*BAR, console=console) as bar:
        task_id = bar.add_task("evaluating", total=len(dataset.texts))
        result = evaluate(sentiment, dataset, on_progress=lambda n: bar.advance(task_id, n))
    table = Table("language", "examples", "macro-F1", title=f"{sentiment.version} on {data}")
    for lang, f1 in result.macro_f1.items():
        table.add_row(lang, str(result.sizes.get(lang, len(dataset.texts))), f"{f1:.1f}")
    out.print(table)
    matrix = Table("gold \\ predicted", *LABELS, title="confusion (all languages)")
    for label, row in zip(LABELS, result.confusion["all"], strict=True):
        matrix.add_row(label, *map(str, row))
    out.print(matrix)
    if json_out is not None:
        json_out.write_text(json.dumps({"model": sentiment.version, **result.as_dict()}, indent=2), encoding="utf-8")


def _eval_real(root: Path, split: str, model: str, json_out: Path | None) -> None:
    """``voxpop eval --real``: every real source's split, the model beside the plain baseline."""
    import dataclasses  # noqa: PLC0415

    from nlp.sentiment import BASELINE_HEAD, Head, HeadSentiment, load_sentiment  # noqa: PLC0415
    from nlp.training.evaluation import compare_on_real, real_objective  # noqa: PLC0415

    if split not in {"dev", "test"}:
        raise _fail(VoxpopError(f"--split must be dev or test with --real, not {split!r}"))
    try:
        sentiment = load_sentiment(model)
        baseline = Head.load(BASELINE_HEAD)
        objective = real_objective(root, split)
    except VoxpopError as exc:
        raise _fail(exc) from None
    if isinstance(sentiment, HeadSentiment):
        shipped = sentiment

        def predict(texts: list[str]) -> tuple[Any, Any]:  # one encoder pass for both
            probs, vectors = shipped.predict_with_embeddings(texts)
            return probs, baseline.predict_proba(vectors)
    else:
        base_model = HeadSentiment(head=baseline)

        def predict(texts: list[str]) -> tuple[Any, Any]:
            return sentiment.predict_proba(texts), base_model.predict_proba(texts)
    with Progress(*BAR, console=console) as bar:
        task_id = bar.add_task(f"scoring {split} splits", total=len(objective.data.texts))
        result = compare_on_real(predict, (sentiment.version, "baseline"), objective, split,
                                 on_progress=lambda n: bar.advance(task_id, n))
    table = Table("source", "rows", "model", "baseline", "Δ",
                  title=f"macro-F1 on the {split} splits of {root}, same rows\nmodel: {sentiment.version}")
    for name, (a, b, n) in result.parts.items():
        table.add_row(name, f"{n:,}", f"{a:.1f}", f"{b:.1f}", f"{a - b:+.1f}")
    for group, (a, b) in result.groups.items():
        table.add_row(f"[bold]{group} (mean)[/bold]", "", f"{a:.1f}", f"{b:.1f}", f"{a - b:+.1f}")
    out.print(table)
    if json_out is not None:
        json_out.write_text(json.dumps(dataclasses.asdict(result), indent=2), encoding="utf-8")


@app.command()
def train(
    *,
    data: Annotated[Path | None, typer.Option(
        "--data", "-d", help="label<TAB>text TSV file/folder, or UMSAB folders.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the head and its model card.")] = Path(
        "voxpop-head"),
    val: Annotated[Path | None, typer.Option(help="Validation data; default: 20% held out from --data.")] = None,
    with_project_data: Annotated[bool, typer.Option(help="Add voxpop's own az/tr/hy/ru examples.")] = True,
    adapter: Annotated[bool, typer.Option(
        help="Also fine-tune a LoRA adapter on the encoder's top layers: more accurate, slower to train "
             "(about a minute per 1,000 examples on 2 cores).")] = False,
    corrections: Annotated[bool, typer.Option(
        "--corrections", help="Refit the shipped head (head only, no adapter) with the sentiments people "
        "corrected in `voxpop serve` added to the usual data; prints before/after on the real dev splits.")] = False,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Project config (with --corrections).",
                                                envvar="VOXPOP_CONFIG")] = None,
    real: Annotated[Path | None, typer.Option(help="The shared real sentiment data (with --corrections; "
                                                   "default ../shared/data/sentiment).")] = None,
    umsab: Annotated[Path | None, typer.Option(help="UMSAB folders (with --corrections; default "
                                                    "../shared/data/umsab).")] = None,
) -> None:
    """Retrain the sentiment head on your own labelled mentions (writes a head and its model card)."""
    from nlp.training import AdapterOptions, train_sentiment, user_splits  # noqa: PLC0415

    if corrections:
        _train_corrections(config or Path("voxpop.yaml"), out_dir, real, umsab)
        return
    if data is None:
        raise _fail(VoxpopError("give --data FILE_OR_FOLDER, or --corrections -c voxpop.yaml"))
    try:
        train_set, val_set, notes = user_splits(data, val, with_project_data=with_project_data)
    except (VoxpopError, OSError) as exc:
        raise _fail(exc) from None
    try:
        head, path = train_sentiment(train_set, val_set, out=out_dir, data_notes=notes,
                                     adapter=AdapterOptions() if adapter else None,
                                     log=lambda m: console.print(m, highlight=False))
    except (ValueError, VoxpopError) as exc:
        raise _fail(exc) from None
    out.print(f"validation macro-F1: {head.meta['val_macro_f1']}")
    out.print(f"wrote {path} and {out_dir / 'MODEL_CARD.md'}; use it with model.sentiment: {path}")


def _train_corrections(config: Path, out_dir: Path, real: Path | None, umsab: Path | None) -> None:
    """``voxpop train --corrections``: the head refit with the corrected mentions, before/after on dev."""
    from nlp.training.cache import CACHE_DIR  # noqa: PLC0415
    from nlp.training.card import save  # noqa: PLC0415
    from nlp.training.corrections import corrected_dataset, retrain_with_corrections  # noqa: PLC0415
    from nlp.training.real import SHARED_SENTIMENT  # noqa: PLC0415
    from storage.duck import corrected_sentiments  # noqa: PLC0415

    settings = _validate(config)
    real = real or SHARED_SENTIMENT
    umsab = umsab or SHARED_SENTIMENT.parent / "umsab"
    try:
        data = corrected_dataset(corrected_sentiments(settings.storage.path))
        result = retrain_with_corrections(data, umsab, real, CACHE_DIR,
                                          log=lambda m: console.print(m, highlight=False, markup=False))
    except (ValueError, VoxpopError, OSError) as exc:
        raise _fail(exc) from None
    table = Table("dev split", "before", "after", "Δ", "shipped",
                  title=f"macro-F1 on the real dev splits of {real}, head-only refits before and after adding "
                        f"{result.used} corrected mentions (shipped: the shipped head with its adapter)"
                        + (f" ({result.skipped} left out: in a dev or test split)" if result.skipped else ""))
    for group, after in result.after.items():
        before = result.before.get(group, float("nan"))
        table.add_row(group, f"{before:.1f}", f"{after:.1f}", f"{after - before:+.1f}",
                      f"{result.shipped[group]:.1f}" if group in result.shipped else "—")
    out.print(table)
    path = save(result.head, out_dir)
    out.print(f"wrote {path} and {out_dir / 'MODEL_CARD.md'}; use it with model.sentiment: {path}", markup=False)


@app.command()
def sources() -> None:
    """List the listener types a config's `sources:` can use."""
    from listeners import registry  # noqa: PLC0415

    width = max(map(len, registry.names()))
    for name in registry.names():
        out.print(f"{name:{width}} {registry.descriptions[name]}")


@app.command()
def check(
    config: ConfigOpt = Path("voxpop.yaml"),
    explain: Annotated[bool, typer.Option(help="List every setting with its type and meaning.")] = False,
) -> None:
    """Validate a config file and show what it sets up."""
    from core.config import describe_fields, load_settings  # noqa: PLC0415

    if explain:
        table = Table("setting", "type", "meaning", show_lines=False)
        for row in describe_fields():
            table.add_row(*row)
        out.print(table)
        return

    from core.layout import StoreLayout  # noqa: PLC0415
    from listeners import registry  # noqa: PLC0415
    from nlp.aspects import Taxonomy  # noqa: PLC0415

    try:
        settings = load_settings(config)
    except VoxpopError as exc:
        raise _fail(exc) from None
    errors: list[str] = []
    unusable = StoreLayout.of(settings.storage.path).unusable()
    if unusable:
        errors.append(unusable)
    try:  # the taxonomy the scorer will load, with the config's extra aspects
        Taxonomy.pack(settings.model.taxonomy, extra=settings.model.extra_aspects)
    except ValueError as exc:
        errors.append(f"model.extra_aspects: {exc}")
    for src in settings.sources:  # built as `listen` builds them: the same option checks, no request made
        problems, warnings = registry.check(src, settings)
        if not src.enabled:  # listen never builds a disabled source; say what enabling it would hit
            warnings, problems = [*problems, *warnings], []
            warnings = [f"{w} (source disabled)" for w in warnings]
        errors += problems
        for warning in warnings:
            console.print(f"[yellow]warning:[/] {escape(warning)}")
    from alerts.channels import check as check_channels  # noqa: PLC0415

    errors += check_channels(settings)  # offline: a named Secret block is not loaded
    if settings.alerts.rules and not settings.alerts.channels:
        console.print("[yellow]warning:[/] alerts: rules are set but no channel (alerts.channels); they only run "
                      "in voxpop alerts --dry-run", highlight=False)
    if errors:
        console.print(f"[bold red]error:[/] {escape(str(config))}: {len(errors)} problem(s)")
        for line in errors:
            console.print(f"  - {escape(line)}", highlight=False)
        raise typer.Exit(code=2)
    from alerts import resolve  # noqa: PLC0415

    alerts = (f", {len(resolve(settings))} alert rule(s) to {len(settings.alerts.channels)} channel(s)"
              if settings.alerts.channels else "")
    out.print(f"[green]ok[/] {config}: {len(settings.brands)} brand(s), {len(settings.competitors)} competitor(s), "
              f"{len(settings.sources)} source(s){alerts}; data in {settings.storage.path}")


def _since(text: str) -> tuple[int | None, date | None]:
    """``30d`` → 30 days; ``2026-10-01`` → that day; anything else exits with one line."""
    text = text.strip().lower()
    if text.endswith("d") and text[:-1].isdigit() and int(text[:-1]) >= 1:
        return int(text[:-1]), None
    try:
        return None, date.fromisoformat(text)
    except ValueError:
        raise _fail(ValueError(f"--since must be a number of days such as 30d or a date such as 2026-10-01, "
                               f"not {text!r}")) from None


@app.command()
def alerts(
    config: ConfigOpt = Path("voxpop.yaml"),
    *,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Replay the rules over stored history and show what would have fired; send nothing.")]
    = False,
    since: Annotated[str, typer.Option(help="With --dry-run: how far back, e.g. 30d or 2026-09-01.")] = "30d",
    until: Annotated[str | None, typer.Option(help="With --dry-run: last day (default: newest mention).")] = None,
    messages: Annotated[bool, typer.Option(help="Also print each message as a plain-text channel gets it.")]
    = False,
    default_rules: Annotated[bool, typer.Option(
        "--default-rules", help="With --dry-run: replay the default rules instead of alerts.rules.")] = False,
    suppressed: Annotated[bool, typer.Option(
        "--suppressed", help="With --dry-run: also list the alerts a cooldown or daily cap held back.")] = False,
) -> None:
    """Evaluate the alert rules now and deliver, or (--dry-run) show what they would have sent over history."""
    import uuid  # noqa: PLC0415

    from alerts import dry_run as replay  # noqa: PLC0415 - loads DuckDB and the report layer on use
    from alerts import evaluate_now  # noqa: PLC0415
    from alerts.engine import Outcome  # noqa: PLC0415
    from storage import MentionStore  # noqa: PLC0415

    settings = _validate(config)
    if not dry_run:
        try:
            summary = evaluate_now(settings, MentionStore(settings.storage.path), run_id=f"cli-{uuid.uuid4()}")
        except VoxpopError as exc:
            raise _fail(exc) from None
        if "skipped" in summary:
            out.print(f"alerts: {summary['skipped']}", markup=False)
            return
        print_alert_summary(summary)
        return
    days, start = _since(since)
    _, end = _date_range(None, until)
    try:
        if default_rules:
            settings = settings.model_copy(update={"alerts": settings.alerts.model_copy(update={"rules": None})})
        outcomes, first, last = replay(settings, start=start, end=end, days=days or 30)
    except VoxpopError as exc:
        raise _fail(exc) from None
    span = (last - first).days + 1
    out.print(f"alert rules replayed over {first} to {last} ({span} days), one evaluation per day; dry run: "
              "nothing was sent or recorded", markup=False)
    table = Table("sent at (UTC)", "rule", "alert", "figure", "baseline", "status", show_edge=False)
    shown: list[Outcome] = []
    held_back = 0
    for o in outcomes:
        e = o.alert.episode
        if o.status == "suppressed" and not suppressed:
            held_back += 1
            continue
        status = {"would_send": "would send", "held": f"held to {o.due_at:%H:%M}" if o.due_at else "held"}.get(
            o.status, o.status)
        if o.status == "suppressed":
            status = f"suppressed: {(o.reason or '').split(' (')[0]}"
        title = o.title or f"{e.brand}: {e.subject}"
        table.add_row(f"{o.at:%Y-%m-%d %H:%M}", e.rule.name, Text(display_safe(title)),
                      _figure(e.value), "" if e.baseline is None else _figure(e.baseline),
                      status)
        if o.status == "would_send":
            shown.append(o)
    out.print(table)
    per_brand = {b.name: 0 for b in [*settings.brands, *settings.competitors]}
    for o in shown:
        per_brand[o.alert.episode.brand] = per_brand.get(o.alert.episode.brand, 0) + 1
    weeks = span / 7
    busiest = max(per_brand.values(), default=0)
    out.print(f"{len(shown)} alerts would have been sent: "
              + ", ".join(f"{b} {n}" for b, n in per_brand.items())
              + f"; the busiest brand got {busiest / weeks:.1f} per week"
              + (f"; {held_back} more held back by a cooldown or daily cap (--suppressed lists them)"
                 if held_back else ""), markup=False)
    if messages:
        for o in shown:
            assert o.message is not None  # noqa: S101 - dry runs compose every message they would send
            title, body = o.message.render("text")
            out.print(f"\n=== {o.at:%Y-%m-%d %H:%M} UTC — {title}\n{body}", markup=False, highlight=False)


def _figure(value: float) -> str:
    """12 / 0.61 / 14.5: counts without decimals, shares and medians with what they need."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def print_alert_summary(summary: dict[str, Any]) -> None:
    """The alert lines of a run: what was sent, held, suppressed, and every failed delivery."""
    if summary.get("error"):
        console.print(f"[bold red]failed[/] alerts: {escape(display_safe(summary['error']))}")
    if "skipped" in summary or "as_of" not in summary:
        return
    console.print(f"alerts as of {summary['as_of']}: {summary['sent']} sent, {summary['failed']} failed, "
                  f"{summary['held']} held for quiet hours, {summary['suppressed']} suppressed", highlight=False)
    for a in summary["alerts"]:
        line = f"  {a['status']}: {a['title'] or a['rule']} ({a['brand']}, {a['event']})"
        if a["reason"] and a["status"] != "failed":
            line += f" — {a['reason']}"
        console.print(escape(display_safe(line)), highlight=False)
        for error in a["errors"]:
            console.print(f"  [bold red]failed[/] {escape(display_safe(error))}", highlight=False)
    for error in summary.get("errors", []):
        console.print(f"[bold red]alerts:[/] {escape(display_safe(error))}", highlight=False)


@app.command()
def serve(
    config: ConfigOpt = Path("voxpop.yaml"),
    host: Annotated[str | None, typer.Option(
        help="Interface to bind (default serve.host, 127.0.0.1); another needs VOXPOP_SERVE__TOKEN.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default serve.port, 8765).")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Disable corrections.")] = False,
) -> None:
    """Open the explorer: overview, mention list, corrections, export (a local web app over the store)."""
    from explorer import serve as run_server  # noqa: PLC0415 - Starlette and uvicorn load on use

    settings = _validate(config)
    try:
        run_server(settings, host=host, port=port, read_only=read_only or None,
                   on_ready=lambda url: out.print(f"voxpop explorer on {url} (Ctrl-C stops it)", markup=False))
    except VoxpopError as exc:
        raise _fail(exc) from None


def main() -> None:  # pragma: no cover - console entry point
    """Entry point for ``python -m voxpop``."""
    app()


@app.command()
def migrate(config: ConfigOpt = Path("voxpop.yaml")) -> None:
    """Convert a store of the old day-file layout into Delta tables, and an older contract to the current one."""
    from core.config import load_settings  # noqa: PLC0415
    from storage import migrate as run_migrate  # noqa: PLC0415 - pyarrow and deltalake load on use

    try:
        done = run_migrate(load_settings(config).storage.path)
    except VoxpopError as exc:
        raise _fail(exc) from None
    up = done.upgrade
    if up is not None and up.columns:
        kept = f", {len(up.ratings_unparsed)} not a 1-5 rating, kept in extras only" if up.ratings_unparsed else ""
        out.print(f"mentions: {up.rows} rows upgraded to the current contract (added {', '.join(up.columns)}; "
                  f"{up.ratings_filled} ratings filled from extras{kept})", markup=False)
    if not done.tables:
        if up is None or not up.columns:
            out.print(f"{done.root} is already in the Delta layout and the current contract; nothing to do")
        return
    for t in done.tables:
        twice = f" ({t.merged} stored twice, now once)" if t.merged else ""
        out.print(f"{t.name}: {t.rows_before} rows in {t.files} day files -> {t.rows_after} rows{twice}", markup=False)
        for line in t.skipped:
            out.print(f"  skipped {line}", markup=False)
    out.print(f"old folders kept in {done.kept_in}; delete them once you are satisfied", markup=False)


@app.command()
def forget(
    config: ConfigOpt = Path("voxpop.yaml"),
    author: Annotated[str | None, typer.Option(
        help="Handle of the author to forget, or - to read it from standard input (kept out of the shell "
             "history); hashed with the project's key, never stored or logged.")] = None,
    platform: Annotated[list[str] | None, typer.Option(
        help="With --author: only on this platform (repeatable; default every platform stored).")] = None,
    mention: Annotated[list[str] | None, typer.Option(help="A mention id to forget, e.g. x:1850... (repeatable).")]
    = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would go; change nothing.")] = False,
) -> None:
    """Erase an author's mentions or some mentions from every table of the store (GDPR Art. 17; docs/privacy.md)."""
    from core.config import load_settings  # noqa: PLC0415
    from pipeline import forget as run_forget  # noqa: PLC0415 - no model, no Prefect

    if author == "-":
        author = sys.stdin.readline().strip()
    try:
        settings = load_settings(config)
        done = run_forget(settings, author=author, platforms=platform, mention_ids=mention or [], dry_run=dry_run,
                          on_wait=lambda line: console.print(escape(line)))
    except VoxpopError as exc:
        raise _fail(exc) from None
    e = done.erasure
    table = Table("table", "rows" if not dry_run else "rows that would go", show_edge=False)
    for name, rows in e.removed.items():
        table.add_row(name, str(rows))
    out.print(table)
    if dry_run:
        out.print(f"dry run: {len(e.mention_ids)} mention(s) found; nothing was changed", markup=False)
        return
    out.print(f"forgot {len(e.mention_ids)} mention(s): {e.files_rewritten} file(s) rewritten, {e.files_dropped} "
              f"retired whole, {e.files_deleted} deleted from disk", markup=False)
    out.print(f"request id {done.request_id} (audit log {settings.storage.path / 'audit' / 'erasures.jsonl'}); "
              "note it in your register of erasure requests", markup=False)
    if not done.digests:
        console.print("no pseudonymisation key: the audit entry holds counts only, no mention digests")
    if not e.total():
        console.print("nothing stored matched; nothing to forget (already forgotten, another handle or platform?)")
    if done.unreachable:
        console.print(f"[yellow]warning[/] {len(done.unreachable)} file(s) under {escape(str(settings.storage.path))} "
                      "cannot be read by forget (damaged/ copies, temporaries); delete them to be sure: "
                      + escape(", ".join(str(p) for p in done.unreachable[:3])))
    console.print(escape(f"not reached (docs/privacy.md): backups and copies of the store, reports already written "
                         f"in {settings.report.out_dir}, alert messages already delivered, heads trained on "
                         "corrections, the embedding cache of `voxpop train` (~/.cache/voxpop)"), highlight=False)
