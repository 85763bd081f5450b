"""Source credentials: ``SecretStr`` fields read from the environment or a Prefect Secret block.

Secrets never pass through ``voxpop.yaml``. ``get_secret_value()`` is called only where a client is built,
so a credentials object can be logged, repr'd or sent to a task without leaking anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from voxpop.errors import MissingCredentialsError


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
    if block_name:
        try:
            from prefect.blocks.system import Secret  # noqa: PLC0415 - only when a block is configured

            value = Secret.load(str(block_name)).get()
        except Exception as exc:  # noqa: BLE001 - any failure to read the block is reported the same way
            raise MissingCredentialsError(
                f"source '{source}': cannot load Prefect Secret block '{block_name}' ({type(exc).__name__}); "
                f"create it with `prefect block create secret` or set {env_var}"
            ) from None
        return SecretStr(str(value))
    value = os.environ.get(env_var, "").strip()
    if not value:
        where = f" or name a Prefect Secret block in options.{block_option}" if block_option else ""
        raise MissingCredentialsError(f"source '{source}': {env_var} is not set{where}. {hint}")
    return SecretStr(value)
