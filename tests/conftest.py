"""Shared fixtures. No test may reach the network: only loopback connections are allowed."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pytest

from core.config import Settings, settings_from_mapping

if TYPE_CHECKING:  # importing the fakes loads every listener's client library; only the API tests need them
    from tests.fakes import FakeApiHarness

HarnessT = TypeVar("HarnessT", bound="FakeApiHarness")

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (host.startswith(("127.", "/")) or host in {"localhost", "::1"}):
        return _real_connect(self, address)
    if self.family == socket.AF_UNIX:
        return _real_connect(self, address)
    msg = f"test tried to reach {address!r}; tests may only talk to 127.0.0.1"
    raise RuntimeError(msg)


@pytest.fixture(scope="session", autouse=True)
def _private_config_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Generated pseudonymisation keys go to the user's config folder: a temporary one, never the real one."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


class KeywordSentiment:
    """Deterministic stand-in for the real model in fast tests: a few words decide the class."""

    version = "test-keywords"
    NEG = ("late", "gecik", "bad", "terrible", "broken", "rezalet", "ужас", "плохо", "վատ", "expensive", "bahalı")
    POS = ("great", "love", "əla", "super", "harika", "отлично", "լավ", "thanks")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for t in texts:
            low = t.lower()
            if any(w in low for w in self.NEG):
                out.append([0.8, 0.15, 0.05])
            elif any(w in low for w in self.POS):
                out.append([0.05, 0.15, 0.8])
            else:
                out.append([0.2, 0.6, 0.2])
        return np.array(out)


BRANDS = {
    "project": "Test",
    "brands": [{"name": "Narmart", "keywords": ["Narmart", "Нармарт", "Նարմարտ"], "handles": ["@narmart"]}],
    "competitors": [
        {"name": "Tezbazar", "keywords": ["Tezbazar", "Тезбазар"], "exclude": ["tezbazar.fake"]},
        {"name": "Lumo", "keywords": ["Lumo"]},
    ],
}


@pytest.fixture
def settings_factory(tmp_path: Path) -> Any:
    def make(**extra: Any) -> Settings:
        raw = {**BRANDS, "storage": {"path": str(tmp_path / "data")}, **extra}
        return settings_from_mapping(raw, base=tmp_path)

    return make


@pytest.fixture
def start_harness(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[HarnessT], HarnessT]]:
    """Start a fake-API harness with its credentials in the environment; stopped when the test ends."""
    started: list[FakeApiHarness] = []

    def start(harness: HarnessT) -> HarnessT:
        harness.start()
        started.append(harness)
        for key, value in harness.env().items():
            monkeypatch.setenv(key, value)
        return harness

    yield start
    for harness in reversed(started):
        harness.stop()


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API server per test module that runs flows in-process."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 for the session (started by the first test that asks for it)."""
    import logging

    from tests.fakes.s3 import moto_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The AWS variables a user sets, pointing at the fake (children inherit them), and a short lock lease."""
    from tests.fakes.s3 import aws_env

    for name, value in aws_env(s3_endpoint).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VOXPOP_LOCK_LEASE_SECONDS", "3")  # a killed run's lock lapses in 3 s, not 60
    return s3_endpoint
