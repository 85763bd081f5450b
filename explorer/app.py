"""The explorer web app (Starlette + Jinja2): overview → mention list → one mention, with corrections.

Pages are rendered on the server with autoescaping (mention text, handles, URLs, topic labels and
hashtags are attacker-controlled); the two vendored scripts (htmx for the correction forms, uPlot for the
time series) are served from ``static/``, and the page's own behaviour lives in ``static/app.js``, so
the Content-Security-Policy can forbid inline scripts. Every filter lives in the URL.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import AsyncIterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from core.languages import UI_LANGUAGES
from explorer.data import Explorer
from explorer.filters import Filters
from explorer.security import CSRF_FIELD, Guard, csrf_ok, is_loopback
from reports.i18n import Formatter, strings
from storage import SENTIMENTS

HERE = Path(__file__).parent
UI_COOKIE = "vp_ui"
MAX_FORM_BYTES = 64 * 1024


@cache
def _app_strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load((HERE / "strings.yaml").read_text(encoding="utf-8"))


def ui_strings(lang: str) -> dict[str, str]:
    """The report strings of ``lang`` plus the explorer's own, English where a key is missing."""
    table = _app_strings()
    return {**strings(lang), **table["en"], **table.get(lang, {})}


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link, else None (a ``javascript:`` link in mention data is never a link)."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pseudonym"] = lambda h: f"user-{h[:6]}" if h else "—"
    env.globals["safe_url"] = safe_url
    return env


class ExplorerApp:
    """Request handlers around one ``Explorer``."""

    def __init__(self, explorer: Explorer, *, project: str, default_lang: str, author: str | None = None) -> None:
        self.x = explorer
        self.project = project
        self.default_lang = default_lang if default_lang in UI_LANGUAGES else "en"
        self.author = author or _os_user()
        self.env = _env()

    # ---- helpers ------------------------------------------------------------------------------
    def _lang(self, request: Request) -> str:
        lang = request.cookies.get(UI_COOKIE, "")
        return lang if lang in UI_LANGUAGES else self.default_lang

    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        """Render ``template`` in the request's interface language."""
        lang = self._lang(request)
        html = self.env.get_template(template).render(
            t=ui_strings(lang), f=Formatter(lang), lang=lang, langs=UI_LANGUAGES, project=self.project,
            csrf=request.state.csrf, read_only=self.x.read_only, path=request.url.path,
            labels={a.name: a.label(lang) for a in self.x.taxonomy},
            here=request.url.path + (f"?{request.url.query}" if request.url.query else ""), **ctx)
        return HTMLResponse(html, status_code=status)

    async def _form(self, request: Request) -> dict[str, str] | Response:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return PlainTextResponse("form too large", status_code=413)
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if not csrf_ok(request, form):
            return PlainTextResponse("missing or wrong CSRF token: reload the page and try again", status_code=403)
        return form

    def _who(self, request: Request) -> str:
        return request.state.user or self.author

    # ---- pages --------------------------------------------------------------------------------
    async def overview(self, request: Request) -> Response:
        """The overview: brands, charts, spikes, pain points, topics, breakdowns."""
        filters = Filters.parse(request.query_params)
        data = self.x.overview(filters)
        filters = self.x.resolved(filters)
        chart = {"days": data["series"]["days"], "brands": data["series"]["brands"],
                 "base": urlencode(filters.params(start=None, end=None, page=1, brand=()))}
        return self.render(request, "overview.html", d=data, filters=filters, choices=self.x.choices(), chart=chart)

    async def mentions(self, request: Request) -> Response:
        """The filtered, sorted, paginated mention list."""
        filters = self.x.resolved(Filters.parse(request.query_params))
        page = self.x.mentions(filters)
        return self.render(request, "mentions.html", page=page, filters=filters, choices=self.x.choices())

    async def mention(self, request: Request, *, status: int = 200, message: str | None = None) -> Response:
        """One mention with its correction forms (the fragment alone for htmx)."""
        mention_id = request.path_params["mention_id"]
        row = self.x.mention(mention_id)
        if row is None:
            return self.render(request, "missing.html", status=404, mention_id=mention_id)
        proposals = self.x.exclude_proposals(mention_id) if row["irrelevant"] else []
        back = request.query_params.get("back") or ""
        template = "_mention_detail.html" if request.headers.get("hx-request") else "mention.html"
        return self.render(request, template, status=status, m=row, sentiments=SENTIMENTS,
                           aspects=[a.name for a in self.x.taxonomy],
                           proposals=proposals, excludes=self.x.excludes().get(row["brand"], []),
                           back=back if back.startswith("/") and not back.startswith("//") else "",
                           message=message)

    async def correct(self, request: Request) -> Response:
        """Store a sentiment, aspect or irrelevant correction (CSRF-checked)."""
        form = await self._form(request)
        if isinstance(form, Response):
            return form
        if self.x.read_only:
            return PlainTextResponse("read-only: corrections are disabled", status_code=403)
        irrelevant = {"true": True, "false": False}.get(form.get("irrelevant", ""))
        try:
            made = self.x.correct(request.path_params["mention_id"], author=self._who(request),
                                  sentiment=form.get("sentiment") or None, add_aspect=form.get("add_aspect") or None,
                                  remove_aspect=form.get("remove_aspect") or None, irrelevant=irrelevant,
                                  note=(form.get("note") or "")[:2000] or None)
        except LookupError:
            return PlainTextResponse("no such mention", status_code=404)
        except ValueError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        t = ui_strings(self._lang(request))
        return await self._after_write(request, t["saved"] if made else t["nothing_changed"])

    async def exclude(self, request: Request) -> Response:
        """Accept a proposed exclude term (CSRF-checked)."""
        form = await self._form(request)
        if isinstance(form, Response):
            return form
        if self.x.read_only:
            return PlainTextResponse("read-only: corrections are disabled", status_code=403)
        term = (form.get("term") or "").strip()
        try:
            self.x.accept_exclude(request.path_params["mention_id"], term, author=self._who(request))
        except LookupError:
            return PlainTextResponse("no such mention", status_code=404)
        except ValueError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        return await self._after_write(request, ui_strings(self._lang(request))["saved"])

    async def _after_write(self, request: Request, message: str) -> Response:
        if request.headers.get("hx-request"):
            return await self.mention(request, message=message)
        back = request.query_params.get("back")
        url = request.url.path.rsplit("/", 1)[0] + (f"?{urlencode({'back': back})}" if back else "")
        return RedirectResponse(url, status_code=303)

    async def export(self, request: Request) -> Response:
        """The filtered mentions as a CSV or Parquet download."""
        fmt = request.path_params["fmt"]
        if fmt not in {"csv", "parquet"}:
            return PlainTextResponse("export as .csv or .parquet", status_code=404)
        filters = Filters.parse(request.query_params)
        body = self.x.export(filters, fmt)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="mentions-{stamp}.{fmt}"'})

    async def ui(self, request: Request) -> Response:
        """Set the interface language (a cookie) and go back."""
        lang = request.query_params.get("lang", "")
        nxt = request.query_params.get("next", "/")
        if not nxt.startswith("/") or nxt.startswith("//"):
            nxt = "/"
        response = RedirectResponse(nxt, status_code=303)
        if lang in UI_LANGUAGES:
            response.set_cookie(UI_COOKIE, lang, samesite="strict", httponly=True)
        return response


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local user"


def create_app(explorer: Explorer, *, project: str, default_lang: str = "en", host: str = "127.0.0.1",
               token: SecretStr | None = None, author: str | None = None) -> Guard:
    """The ASGI app, wrapped in the security guard (headers, Host check, token, CSRF)."""
    h = ExplorerApp(explorer, project=project, default_lang=default_lang, author=author)
    routes = [
        Route("/", h.overview),
        Route("/mentions", h.mentions),
        Route("/export.{fmt:str}", h.export),
        Route("/ui", h.ui),
        Route("/favicon.ico", lambda _request: Response(status_code=204)),
        Route("/mentions/{mention_id:path}/correct", h.correct, methods=["POST"]),
        Route("/mentions/{mention_id:path}/exclude", h.exclude, methods=["POST"]),
        Route("/mentions/{mention_id:path}", h.mention),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        explorer.close()

    app = Starlette(routes=routes, lifespan=lifespan)

    async def not_found(request: Request, exc: Exception) -> Response:  # noqa: ARG001
        return PlainTextResponse("not found", status_code=404)

    app.add_exception_handler(404, not_found)
    hosts = {host.lower(), "127.0.0.1", "localhost", "::1"} if is_loopback(host) else None
    return Guard(app, hosts=hosts, token=token)


__all__ = ["CSRF_FIELD", "ExplorerApp", "create_app", "safe_url", "ui_strings"]
