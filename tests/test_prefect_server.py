"""The CLI leaves no Prefect API server behind, whatever kills it (issue 19, finding 8).

The real thing (slow): the installed ``voxpop listen`` in a subprocess with a private PREFECT_HOME; once
its temporary server answers, the CLI process alone is killed, and every process it had started must be
gone within 30 s. The fast tests check the server's parent watch and the reaping of stale servers with
stand-in processes. Processes are read from /proc (Linux).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import ListenLock
from voxpop import cli
from voxpop.prefect_server import MODULE, reap_stale

VOXPOP = Path(sys.executable).with_name("voxpop")
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of ``pid``, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in {"Z", "X"}  # a zombie has exited; only its parent's wait is due


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _descendants(pid: int) -> set[int]:
    parents = {int(p.name): s[1] for p in Path("/proc").iterdir() if p.name.isdigit() and (s := _stat(int(p.name)))}
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _server_port(pids: set[int]) -> int | None:
    """The port of a temporary Prefect server among ``pids`` that answers its health check."""
    for pid in pids:
        if match := re.search(r"--port (\d+)", _cmdline(pid)):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{match[1]}/api/health", timeout=2) as response:
                    if response.status == 200:
                        return int(match[1])
            except OSError:
                continue
    return None


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_cli_leaves_no_prefect_server_running(tmp_path: Path, sig: signal.Signals) -> None:
    (tmp_path / "exports").mkdir()
    rows = [{"id": str(i), "platform": "x", "created_at": "2026-10-01T10:00:00Z", "text": f"Narmart late {i}"}
            for i in range(5)]
    (tmp_path / "exports" / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text("brands: [{name: Narmart, keywords: [Narmart]}]\n"
                   "sources:\n  - {name: export, type: file, options: {path: exports}}\n"
                   "storage: {path: data}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect-home"), "PYTHONPATH": str(ROOT),
            "VOXPOP_PRIVACY__PSEUDONYM_KEY": "k" * 32}
    with (tmp_path / "cli.log").open("wb") as log:
        cli = subprocess.Popen([str(VOXPOP), "listen", "-c", str(cfg)], env=env, cwd=tmp_path, stdout=log,
                               stderr=subprocess.STDOUT)
    family: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        while (port := _server_port(family := _descendants(cli.pid))) is None:
            assert cli.poll() is None, (tmp_path / "cli.log").read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, "the temporary Prefect server never answered"
            time.sleep(0.5)
        family = _descendants(cli.pid)  # everything the CLI started, the server included
        os.kill(cli.pid, sig)
        cli.wait(timeout=60)
        deadline = time.monotonic() + 30
        while (left := {pid for pid in family if _alive(pid)}) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not left, f"still running 30 s after {sig.name} of the CLI (server port {port}): " + "; ".join(
            _cmdline(pid)[:160] for pid in sorted(left))
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
        for pid in family:  # whatever this test started and left behind
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


# ---- the parts, with stand-in processes ------------------------------------------------------------------


def _sleeper(*marker: str, watch: bool = False) -> subprocess.Popen[bytes]:
    code = "import os, time\n"
    if watch:
        code += "from voxpop.prefect_server import watch_parent\nwatch_parent(os.getppid(), grace=2)\n"
    code += "time.sleep(120)\n"
    return subprocess.Popen([sys.executable, "-c", code, *marker], stdin=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_server_stops_itself_once_its_parents_pipe_closes() -> None:
    server = _sleeper(watch=True)
    try:
        time.sleep(1)
        assert server.poll() is None  # the parent is alive: it keeps running
        assert server.stdin is not None
        server.stdin.close()  # what the OS does to the pipe when the CLI dies, however it dies
        assert server.wait(timeout=15) == -signal.SIGTERM
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_stale_servers_are_reaped_only_when_their_cli_is_gone_and_they_are_ours(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a CLI that died
    stale, alive, stranger = _sleeper(MODULE), _sleeper(MODULE), _sleeper("something-else")
    notes = tmp_path / "voxpop-servers"
    notes.mkdir()
    for proc, parent in ((stale, gone.pid), (alive, os.getpid()), (stranger, gone.pid)):
        (notes / f"{proc.pid}.json").write_text(json.dumps({"pid": proc.pid, "parent": parent, "port": 1}),
                                                encoding="utf-8")
    (notes / "garbled.json").write_text("{", encoding="utf-8")
    try:
        assert reap_stale(notes) == 1
        assert stale.wait(timeout=10) == -signal.SIGTERM
        assert alive.poll() is None  # its CLI still runs
        assert stranger.poll() is None  # the pid is no longer a voxpop server: left alone
        assert sorted(p.name for p in notes.iterdir()) == [f"{alive.pid}.json"]
    finally:
        for proc in (stale, alive, stranger):
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_listen_no_wait_says_who_holds_the_store_in_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text("brands: [{name: Narmart, keywords: [Narmart]}]\n"
                   "sources:\n  - {name: export, type: file, options: {path: exports}}\n"
                   "storage: {path: data}\n", encoding="utf-8")
    with ListenLock(tmp_path / "data"):
        result = CliRunner().invoke(cli.app, ["listen", "--no-wait", "-c", str(cfg)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: another listen on {tmp_path / 'data'} is running (pid {os.getpid()})")
    assert "Traceback" not in result.output
