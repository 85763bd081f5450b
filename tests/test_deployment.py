"""End to end as an operator runs it: the README's "Running on Prefect" commands, run literally on a copy of
the checkout against a real local Prefect server. The scheduler itself must create the flow runs of
prefect.yaml (nothing is triggered by hand), a process worker must complete a listen run and a report run,
Parquet and the report must be on disk, and the README's way of stopping the worker must leave no run
crashed. Two Prefect defects this guards against: a SQLAlchemy release whose bulk UPDATE breaks the
scheduler (no run is ever scheduled), and a README that cannot be followed on a fresh machine."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from storage import MentionStore

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# What the README's section must contain, in this order (the test runs the README's lines themselves).
EXPECTED = [
    "prefect server start --host 127.0.0.1", "export PREFECT_API_URL=", "export VOXPOP_HOME=$PWD",
    "export VOXPOP_PRIVACY__PSEUDONYM_KEY=", "cp voxpop.example.yaml voxpop.yaml", "voxpop check -c voxpop.yaml",
    "prefect work-pool create voxpop --type process", "prefect deploy --all", "prefect worker start --pool voxpop",
    "prefect work-pool pause voxpop", "prefect flow-run ls --state-type RUNNING",
]
ROWS = [
    ("az", "Kapital Bank tətbiqi yenə açılmır, köçürmə alınmır"),
    ("az", "Kapital Bank kart xidmət haqqı artıb, əvvəl pulsuz idi"),
    ("ru", "Kapital Bank: приложение не работает второй день, ужас"),
    ("ru", "В ABB очередь в отделении час, плохо"),
    ("tr", "Leobank uygulaması harika, kart hemen geldi"),
    ("tr", "Kapital Bank müşteri hizmetleri çok kötü, kimse cevap vermiyor"),
    ("en", "Kapital Bank support fixed my card issue in ten minutes, thanks"),
    ("en", "ABB fees went up again, terrible"),
    ("az", "Leobank dəstəyi əla işləyir"),
    ("en", "Switched from ABB to Kapital Bank, the app is great"),
]
CONFIG = """project: Kapital Bank listening
brands: [{name: Kapital Bank, keywords: [Kapital Bank, Капитал Банк]}]
competitors: [{name: ABB, keywords: [ABB$]}, {name: Leobank, keywords: [Leobank]}]
sources: [{name: export, type: file, options: {path: exports/posts.jsonl, platform: review}}]
languages: [az, ru, tr, en]
storage: {path: voxpop-data}
topics: {enabled: false}
report: {out_dir: voxpop-reports}
"""
RUNS_SCRIPT = """
import asyncio, json
from prefect.client.orchestration import get_client
async def main():
    async with get_client() as c:
        names = {d.id: d.name for d in await c.read_deployments()}
        print(json.dumps([{"deployment": names.get(r.deployment_id), "auto": r.auto_scheduled,
                           "state": r.state_type.value, "name": r.state_name,
                           "start": r.start_time.isoformat() if r.start_time else None,
                           "end": r.end_time.isoformat() if r.end_time else None}
                          for r in await c.read_flow_runs(limit=200)]))
asyncio.run(main())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readme_commands(port: int) -> list[str]:
    """The shell lines of the README's Prefect section, in order, with the test's free port for 4200."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running on Prefect", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line.replace("4200", str(port)) for line in lines if line and not line.startswith("#")]


def _copy_checkout(dest: Path) -> Path:
    """A fresh-clone-like copy: the files git would check out (tracked or new, not ignored), so none of the
    local venv, data, reports or voxpop.yaml."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=False)
    if listed.returncode != 0:  # not a git checkout (an sdist): the same idea by name, top level only
        top = {".venv", "voxpop-demo", "data", "voxpop-data", "voxpop-reports", "voxpop.yaml", "test-artifacts"}
        shutil.copytree(ROOT, dest, ignore=lambda d, names: [n for n in names if (Path(d) == ROOT and n in top)
                                                             or n in {"__pycache__", ".pytest_cache", ".git"}])
        return dest
    for name in filter(None, listed.stdout.decode().split("\0")):
        src = ROOT / name
        if src.is_file() and name != "voxpop.yaml":
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def _short_schedules(prefect_yaml: Path) -> None:
    """Speed, not behaviour: the listen and daily report crons become 30 s intervals in the copy (the weekly
    report keeps its cron, so the scheduler is shown handling both kinds)."""
    text = prefect_yaml.read_text(encoding="utf-8")
    for cron in ('"5 * * * *"', '"30 6 * * *"'):
        assert f"cron: {cron}" in text
        text = text.replace(f"- cron: {cron}\n        timezone: UTC", "- interval: 30")
    prefect_yaml.write_text(text, encoding="utf-8")


class Operator:
    """Runs README lines in one simulated shell: exports persist, long-running commands go to the background."""

    def __init__(self, cwd: Path, env: dict[str, str], logs: Path) -> None:
        self.cwd, self.env, self.logs = cwd, env, logs
        self.background: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []

    def run(self, line: str, timeout: int = 300) -> str:
        if line.startswith("export "):
            name = line.split()[1].split("=", 1)[0]
            result = self._bash(f"{line}\nprintf %s \"${name}\"", timeout)
            self.env[name] = result
            return result
        return self._bash(line, timeout)

    def _bash(self, script: str, timeout: int) -> str:
        result = subprocess.run(["bash", "-c", script], cwd=self.cwd, env=self.env, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=timeout, check=False)
        assert result.returncode == 0, f"{script!r} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def start(self, line: str, name: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(["bash", "-c", f"exec {line}"], cwd=self.cwd, env=dict(self.env),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.background.append((proc, log))
        return proc

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def flow_runs(self) -> list[dict[str, Any]]:
        result = subprocess.run([sys.executable, "-c", RUNS_SCRIPT], env=self.env, capture_output=True, text=True,
                                timeout=120, check=True)
        return json.loads(result.stdout)

    def stop_all(self) -> None:
        for proc, log in reversed(self.background):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            log.close()


@pytest.fixture
def operator(tmp_path: Path) -> Iterator[Operator]:
    clone = _copy_checkout(tmp_path / "voxpop")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "VOXPOP_"))}
    env.update({
        "HOME": str(home),  # the README's ~/.prefect (server database) and ~/.voxpop-key land here
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",  # stands for `. .venv/bin/activate`
        "VIRTUAL_ENV": str(BIN.parent),
        "PYTHONPATH": str(clone),  # stands for the clone's own editable install
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        # Only to make the test fast: shorter server and worker loops than the defaults.
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
        "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS": "3",  # not 100 future runs per 30 s deployment
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PREFECT_LOGGING_LEVEL": "INFO",
    })
    logs = tmp_path / "logs"
    logs.mkdir()
    op = Operator(clone, env, logs)
    try:
        yield op
    finally:
        op.stop_all()


def _wait(what: str, check: Any, timeout: float, detail: Any) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(3)
    pytest.fail(f"timed out waiting for {what}\n{detail()}")


def _wait_health(port: int, op: Operator) -> None:
    probe = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/api/health', timeout=2)"

    def healthy() -> bool:
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False).returncode == 0

    _wait("the Prefect server", healthy, 180, lambda: op.log("server"))


def _follow_readme(op: Operator, commands: list[str], port: int) -> tuple[subprocess.Popen[bytes], list[str]]:
    """Run the README's lines up to the worker; returns the worker and the "stopping a worker" lines."""
    clone = op.cwd
    server = worker = None
    stop_lines: list[str] = []
    for line in commands:
        if line.startswith(". .venv/bin/activate"):
            continue  # the fixture's PATH is the activated venv
        if line.startswith("prefect server start"):
            server = op.start(line, "server")
            _wait_health(port, op)
        elif line.startswith("prefect worker start"):
            worker = op.start(line, "worker")
        elif worker is not None:
            stop_lines.append(line)  # the "stopping a worker" block, run once the runs are checked
        else:
            op.run(line)
            if line.startswith("test -e voxpop.yaml || cp"):
                # The README says "then edit brands, sources"; this is the bank's edit.
                assert "Narmart" in (clone / "voxpop.yaml").read_text(encoding="utf-8")
                (clone / "voxpop.yaml").write_text(CONFIG, encoding="utf-8")
    assert server is not None
    assert worker is not None
    return worker, stop_lines


def _completed_listen_then_report(op: Operator) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A completed listen run and a report run completed after it, if there are such runs yet."""
    runs = op.flow_runs()
    listens = [r for r in runs if r["deployment"] == "listen-hourly" and r["state"] == "COMPLETED"]
    if not listens:
        return None
    first = min(r["end"] for r in listens)
    reports = [r for r in runs if r["deployment"] == "report-daily" and r["state"] == "COMPLETED"
               and r["start"] > first]
    return (listens[0], reports[0]) if reports else None


def test_readme_prefect_section_schedules_and_completes_listen_and_report(operator: Operator) -> None:
    port = _free_port()
    commands = readme_commands(port)
    positions = [next((i for i, c in enumerate(commands) if e in c), -1) for e in EXPECTED]
    assert (operator.cwd / "nlp" / "data" / "stopwords").is_dir()  # the copy holds every source file
    assert not (operator.cwd / ".venv").exists()
    assert -1 not in positions, f"README lacks {[e for e, p in zip(EXPECTED, positions, strict=True) if p < 0]}"
    assert positions == sorted(positions), "README's Prefect commands are out of order"
    op = operator
    clone = op.cwd
    _short_schedules(clone / "prefect.yaml")
    (clone / "exports").mkdir()
    rows = [{"id": f"r{i}", "created_at": f"2026-11-{10 + i:02d}T09:00:00Z", "text": text, "author": f"user{i}"}
            for i, (_lang, text) in enumerate(ROWS)]
    (clone / "exports" / "posts.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")

    worker, stop_lines = _follow_readme(op, commands, port)
    assert op.env["PREFECT_API_URL"] == f"http://127.0.0.1:{port}/api"
    assert (Path(op.env["HOME"]) / ".voxpop-key").stat().st_mode & 0o077 == 0

    # The scheduler (not a hand-triggered run: this test never calls `prefect deployment run`) creates runs
    # for every deployment, the interval ones and the weekly cron.
    def scheduled() -> set[str]:
        names = {r["deployment"] for r in op.flow_runs() if r["auto"]}
        return names if names >= {"listen-hourly", "report-daily", "report-weekly-az"} else set()

    _wait("scheduled flow runs", scheduled, 90, lambda: op.log("server"))
    listen, report = _wait("a completed listen run, then a completed report run",
                           lambda: _completed_listen_then_report(op), 600,
                           lambda: json.dumps(op.flow_runs(), indent=1)[-3000:] + op.log("worker"))
    assert listen["auto"]
    assert report["auto"]
    assert MentionStore(clone / "voxpop-data").count() == len(ROWS)
    html = sorted((clone / "voxpop-reports").glob("*.html"))
    assert html, f"no report in {clone / 'voxpop-reports'}"
    assert any("Kapital Bank" in p.read_text(encoding="utf-8") for p in html)
    assert not list((clone / "reports").glob("*.html"))

    # The README's way to stop the worker: pause the pool, wait until nothing runs, then Ctrl-C.
    assert stop_lines
    assert stop_lines[0].startswith("prefect work-pool pause")
    op.run(stop_lines[0])
    _wait("running flow runs to finish",
          lambda: not [r for r in op.flow_runs() if r["state"] in {"RUNNING", "PENDING"}], 300,
          lambda: json.dumps(op.flow_runs(), indent=1)[-3000:])
    op.run(stop_lines[1])
    worker.send_signal(signal.SIGINT)
    assert worker.wait(timeout=60) == 0, op.log("worker")
    runs = op.flow_runs()
    assert not [r for r in runs if r["state"] == "CRASHED"], json.dumps(runs, indent=1)
