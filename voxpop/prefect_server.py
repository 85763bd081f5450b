"""The CLI's temporary Prefect API server, started so that it never outlives the CLI.

Without an API URL, Prefect 3.8 starts a temporary local server (``SubprocessASGIServer``: uvicorn in a
plain child process) and stops it from an ``atexit`` hook, which SIGKILL and SIGTERM skip: every killed
CLI left one running (issue 19). So the CLI starts that server itself before a flow runs, and makes it
Prefect's: ``SubprocessASGIServer()`` is one instance per port, so the flow engine and the log and event
workers, whichever thread asks, all get this server and start no other.

Why this way:

- The server watches its parent. Its stdin is a pipe from the CLI, which the OS closes however the CLI
  dies; it also checks that its parent pid is unchanged (a forked child could keep the pipe open). Then it
  stops itself: SIGTERM to itself so uvicorn shuts down cleanly, a hard exit after 10 s. This works on
  every OS; ``prctl(PR_SET_PDEATHSIG)`` is Linux-only and fires when the *thread* that started the child
  ends, and a shared process group only helps when the whole group is signalled, not the CLI's pid alone.
- Each server is noted in ``PREFECT_HOME/voxpop-servers/<pid>.json``; the next start stops any noted
  server whose CLI is gone (one that could not stop itself, say a stopped process), after checking from
  its command line that the pid is still that server.
- Running flows without a server is no option: Prefect 3 has no in-process API for its flow engine, and
  bypassing Prefect in the CLI would drop the run history and task retries it has today.

This module imports only the standard library at load time: the server process runs its watchdog before
it imports uvicorn and Prefect (seconds on a busy machine).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from core.errors import VoxpopError

MODULE = "voxpop.prefect_server"
_APP = "prefect.server.api.server:create_app"
_GRACE_SECONDS = 10.0


def ensure_server() -> None:
    """Start the guarded temporary server, unless Prefect needs none (an API URL is set) or may start none."""
    from prefect.server.api.server import SubprocessASGIServer  # noqa: PLC0415 - Prefect is slow to import
    from prefect.settings import get_current_settings  # noqa: PLC0415

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return  # a configured server, or an error from Prefect itself that says what to set
    home = Path(settings.home).expanduser()
    private_home(home)  # before the server creates its database there
    server = SubprocessASGIServer()
    if server.running:
        return
    notes = home / "voxpop-servers"
    reap_stale(notes)
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
           **settings.to_environment_variables(exclude_unset=True)}  # what Prefect's own launch passes
    timeout = settings.server.ephemeral.startup_timeout_seconds
    for _attempt in range(3):  # another process may take the free port first
        port = _free_port()
        process = subprocess.Popen([sys.executable, "-P", "-m", MODULE, "--parent", str(os.getpid()),  # noqa: S603
                                    "--port", str(port)], stdin=subprocess.PIPE, env=env)
        note = notes / f"{process.pid}.json"
        notes.mkdir(mode=0o700, parents=True, exist_ok=True)
        note.write_text(json.dumps({"pid": process.pid, "parent": os.getpid(), "port": port}), encoding="utf-8")
        if _healthy(process, port, timeout):
            break
        _stop(process)
        note.unlink(missing_ok=True)
    else:
        raise VoxpopError(f"Prefect's temporary server did not answer within {timeout} s; raise "
                          "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or set PREFECT_API_URL to a running server")
    server.port, server.server_process, server.running = port, process, True

    def stop() -> None:
        server.stop()
        note.unlink(missing_ok=True)

    atexit.register(stop)  # registered before Prefect's workers start, so it runs after they drained


def private_home(home: Path) -> None:
    """Owner-only Prefect home: the temporary server's database keeps run states and logs, which quote errors."""
    with contextlib.suppress(OSError):  # a read-only or foreign home: Prefect itself will say so
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        home.chmod(0o700)
        for db in home.glob("*.db*"):
            db.chmod(0o600)


def reap_stale(notes: Path) -> int:
    """Stop the noted servers whose CLI is gone; returns how many were still running."""
    reaped = 0
    for note in notes.glob("*.json"):
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
            pid, parent = int(data["pid"]), int(data["parent"])
        except (OSError, ValueError, KeyError, TypeError):
            note.unlink(missing_ok=True)
            continue
        if _running(parent):
            continue  # its CLI still runs (another listen, a report): not stale
        if _running(pid) and MODULE in _cmdline(pid):
            reaped += 1
            _signal_and_wait(pid)
        note.unlink(missing_ok=True)
    return reaped


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(process: subprocess.Popen[bytes], port: int, timeout: float) -> bool:
    """Wait until the server answers its health check; False if it exits first or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health",
                                                                  timeout=2) as response:
            if response.status == 200:
                return True
        time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, another user's
    return True


def _cmdline(pid: int) -> str:
    """The command line of ``pid`` where the OS shows it (Linux /proc); empty elsewhere, so nothing is stopped."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _signal_and_wait(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


# ---- the server process -----------------------------------------------------------------------------


def watch_parent(parent: int, grace: float = _GRACE_SECONDS) -> None:
    """Stop this process once ``parent`` is gone: stdin reached EOF, or the parent pid changed."""
    gone = threading.Event()

    def read_to_eof() -> None:
        with contextlib.suppress(OSError, ValueError):
            sys.stdin.buffer.read()  # returns when the parent's end of the pipe is closed
        gone.set()

    def watch() -> None:
        while not gone.wait(0.5) and os.getppid() == parent:
            pass
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's clean shutdown
        time.sleep(grace)
        os._exit(1)

    threading.Thread(target=read_to_eof, name="parent-pipe", daemon=True).start()
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    """``python -P -m voxpop.prefect_server --parent PID --port N``: Prefect's API until the parent is gone."""
    parser = argparse.ArgumentParser(prog=MODULE)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if os.getppid() != args.parent:
        return  # the CLI died before this process got going
    watch_parent(args.parent)
    import uvicorn  # noqa: PLC0415 - only after the watchdog runs

    uvicorn.run(_APP, factory=True, host="127.0.0.1", port=args.port, log_level="error", lifespan="on")


if __name__ == "__main__":
    main()
