"""An upstream API that echoes the request back must not make voxpop print or store a credential.

The real thing: the installed ``voxpop listen`` in a subprocess, its temporary Prefect server and database
in a private PREFECT_HOME, against an echoing fake on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from listeners.bluesky import HANDLE_ENV, PASSWORD_ENV
from listeners.x import TOKEN_ENV

TOKEN = "AAAAAAAAAAAAAAAAAAAAAEchoedBearer%2Btoken"  # noqa: S105 - fakes
PASSWORD = "abcd-efgh-ijkl-mnop"  # noqa: S105
HANDLE = "cx-team-secret.bsky.social"
VOXPOP = Path(sys.executable).with_name("voxpop")


class _Echo(BaseHTTPRequestHandler):
    seen: list[str] = []  # noqa: RUF012 - the requests the fake saw, to prove the echo really carried secrets

    def _reply(self) -> None:
        status = int(self.path.split("/")[1].removeprefix("s"))  # /s401/... answers 401
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        echo = json.dumps({"path": self.path, "headers": dict(self.headers), "body": body})
        self.seen.append(echo)
        # The echo sits in every field a client may quote: X problem and error bodies, XRPC errors.
        data = json.dumps({"error": "InvalidRequest", "message": echo, "title": echo, "detail": echo,
                           "type": "about:blank", "status": status,
                           "errors": [{"message": echo, "detail": echo, "title": echo}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._reply()

    def do_POST(self) -> None:
        self._reply()

    def log_message(self, *args: object) -> None:
        pass


def _forms(*values: str) -> set[str]:
    return {f for v in values for f in (v, quote(v, safe=""), quote_plus(v))}


@pytest.mark.slow
def test_echoed_credentials_reach_no_output_and_no_prefect_database(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        cfg = tmp_path / "voxpop.yaml"
        cfg.write_text(f"""project: echo
storage:
  path: {tmp_path / 'data'}
brands:
  - name: Kapital Bank
    keywords: [kapital bank]
sources:
""" + "".join(f"""  - name: x-{status}
    type: x
    options: {{api_base: "{url}/s{status}", max_retries: 1}}
""" for status in (400, 401, 403)) + "".join(f"""  - name: bluesky-{status}
    type: bluesky
    options: {{pds_url: "{url}/s{status}", api_base: "{url}/s{status}", max_retries: 1}}
""" for status in (400, 401)), encoding="utf-8")
        home = tmp_path / "prefect-home"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env |= {TOKEN_ENV: TOKEN, HANDLE_ENV: HANDLE, PASSWORD_ENV: PASSWORD, "PREFECT_HOME": str(home),
                "VOXPOP_PRIVACY__PSEUDONYM_KEY": "k" * 32}
        result = subprocess.run([str(VOXPOP), "listen", "-c", str(cfg)], env=env, capture_output=True, text=True,
                                timeout=400, check=False, cwd=tmp_path)
    finally:
        server.shutdown()
    output = result.stdout + result.stderr
    assert output.count("failed x-") == 3, output  # every source was refused, and said so
    assert output.count("failed bluesky-") == 2, output
    seen = "".join(_Echo.seen)
    assert TOKEN in seen  # the fake did echo the bearer token ...
    assert PASSWORD in seen  # ... and the app password
    for secret in _forms(TOKEN, PASSWORD, HANDLE):
        assert secret not in output, f"{secret!r} printed"
    assert home.is_dir()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    stored = [p for p in home.rglob("*") if p.is_file()] + [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in stored), "no Prefect database was written"
    for path in stored:
        blob = path.read_bytes()
        for secret in _forms(TOKEN, PASSWORD, HANDLE):
            assert secret.encode() not in blob, f"{secret!r} stored in {path.relative_to(tmp_path)}"
