"""End to end as an operator runs it: a real local Prefect server, `prefect deploy` from prefect.yaml,
a process worker executing the listen deployment, and Parquet on disk afterwards."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import MentionStore

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, str]]:
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "DO_NOT_TRACK": "1",
        "VOXPOP_HOME": str(ROOT),
    }
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            probe = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/api/health', timeout=2)"
            health = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False)
            if health.returncode == 0:
                break
            time.sleep(1)
        else:
            pytest.fail("Prefect server did not start: " + (tmp_path / "server.log").read_text()[-2000:])
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _prefect(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    result = subprocess.run([PREFECT, "--no-prompt", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=timeout, check=False)
    assert result.returncode == 0, f"prefect {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_deploy_from_prefect_yaml_and_run_listen_through_a_worker(tmp_path: Path, server: dict[str, str]) -> None:
    rows = [{"id": str(i), "platform": "x", "created_at": f"2026-10-0{1 + i % 5}T10:00:00Z",
             "text": f"Narmart kargo {i} gün gecikdi, rezalet" if i % 2 else f"Tezbazar çox bahalıdır {i}"}
            for i in range(12)]
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    config = tmp_path / "voxpop.yaml"
    config.write_text(
        "project: Deployed\nbrands: [{name: Narmart, keywords: [Narmart]}]\n"
        "competitors: [{name: Tezbazar, keywords: [Tezbazar]}]\n"
        "sources: [{name: export, type: file, options: {path: export.jsonl}}]\n"
        "storage: {path: data}\nreport: {out_dir: out}\n",
        encoding="utf-8",
    )
    _prefect(server, "work-pool", "create", "voxpop", "--type", "process")
    deployed = _prefect(server, "deploy", "--all")
    assert "listen-hourly" in deployed
    run = _prefect(server, "deployment", "run", "voxpop-listen/listen-hourly", "--param", f"config={config}")
    assert "Created flow run" in run
    _prefect(server, "worker", "start", "--pool", "voxpop", "--run-once", timeout=600)
    store = MentionStore(tmp_path / "data")
    assert store.count() == 12
    script = (
        "import asyncio\nfrom prefect.client.orchestration import get_client\n"
        "async def main():\n    async with get_client() as c:\n"
        "        print([r.state_type.value for r in await c.read_flow_runs()])\nasyncio.run(main())"
    )
    states = subprocess.run([sys.executable, "-c", script], env=server, capture_output=True, text=True, check=True,
                            timeout=120).stdout
    assert "COMPLETED" in states
