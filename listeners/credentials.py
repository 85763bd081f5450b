"""Source credentials: ``SecretStr`` fields read from the environment or a Prefect Secret block.

Secrets never pass through ``voxpop.yaml``. ``get_secret_value()`` is called only where a client is built,
so a credentials object can be logged, repr'd or sent to a task without leaking anything.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import SecretStr

from core.errors import MissingCredentialsError
from core.redact import register

_blocks_unchecked: contextvars.ContextVar[bool] = contextvars.ContextVar("voxpop_blocks_unchecked", default=False)


@contextlib.contextmanager
def secret_blocks_unchecked() -> Iterator[None]:
    """Inside, a named Prefect Secret block counts as configured without being loaded.

    ``voxpop check`` runs offline and without a Prefect server; it still reports unset variables.
    """
    token = _blocks_unchecked.set(True)
    try:
        yield
    finally:
        _blocks_unchecked.reset(token)


def secret(
    source: str,
    env_var: str,
    *,
    options: Mapping[str, Any] | None = None,
    block_option: str | None = None,
    hint: str,
) -> SecretStr:
    """Read one secret: a Prefect Secret block named in ``options[block_option]``, else ``env_var``.

    Raises:
        MissingCredentialsError: naming the variable (and block option) to set, and where to get it.
    """
    block_name = (options or {}).get(block_option) if block_option else None
    if block_name and _blocks_unchecked.get():
        return SecretStr("")  # voxpop check: the block is named; loading it needs the Prefect API
    if block_name:
        try:
            value = load_secret_block(str(block_name))
        except MissingCredentialsError as exc:
            raise MissingCredentialsError(f"source '{source}': {exc} or set {env_var}") from None
        return SecretStr(value)
    value = os.environ.get(env_var, "").strip()
    if not value:
        where = f" or name a Prefect Secret block in options.{block_option}" if block_option else ""
        raise MissingCredentialsError(f"source '{source}': {env_var} is not set{where}. {hint}")
    register(value)  # from now on scrubbed from every error, log line and summary (core.redact)
    return SecretStr(value)


def load_secret_block(name: str) -> str:
    """The value of the Prefect Secret block ``name``, registered for redaction (Prefect is imported only here).

    Raises:
        MissingCredentialsError: when the block cannot be loaded (no API, no such block, wrong type).
    """
    try:
        from prefect.blocks.system import Secret  # noqa: PLC0415 - only when a block is configured

        value = str(Secret.load(name).get())
    except Exception as exc:  # noqa: BLE001 - any failure to read the block is reported the same way
        raise MissingCredentialsError(
            f"cannot load Prefect Secret block '{name}' ({type(exc).__name__}); create it with "
            "`prefect block create secret`"
        ) from None
    register(value)
    return value
