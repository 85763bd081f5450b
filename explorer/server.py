"""``voxpop serve``: the explorer over a configured store, on uvicorn, loopback unless a token is set."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import SecretStr

from core.config import Settings
from explorer.app import create_app
from explorer.data import Explorer
from explorer.security import Guard, check_bind
from nlp.aspects import Taxonomy


def build(settings: Settings, *, host: str | None = None, read_only: bool | None = None,
          token: SecretStr | None = None, author: str | None = None) -> Guard:
    """The ASGI app for ``settings`` (arguments beat ``settings.serve``); refuses an unsafe bind first."""
    host = host or settings.serve.host
    token = token if token is not None else settings.serve.token
    check_bind(host, token)
    explorer = Explorer(settings.storage.path, brands=[b.name for b in settings.brands],
                        competitors=[c.name for c in settings.competitors], window_days=settings.report.window_days,
                        taxonomy=Taxonomy.pack(settings.model.taxonomy, extra=settings.model.extra_aspects),
                        read_only=settings.serve.read_only if read_only is None else read_only)
    return create_app(explorer, project=settings.project, default_lang=settings.report.lang, host=host,
                      token=token, author=author)


def serve(settings: Settings, *, host: str | None = None, port: int | None = None, read_only: bool | None = None,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Build the app and serve it until interrupted (Ctrl-C)."""
    import uvicorn  # noqa: PLC0415 - only the server needs it

    app = build(settings, host=host, read_only=read_only)
    host = host or settings.serve.host
    port = port or settings.serve.port
    shown = f"[{host}]" if ":" in host else host
    if on_ready is not None:
        on_ready(f"http://{shown}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)
