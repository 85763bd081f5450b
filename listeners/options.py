"""Source ``options:``: validation with errors that name each option, and the base model of the HTTP listeners.

``parse_options`` turns pydantic's errors into a ConfigError listing every bad option and, for a typo, the
allowed names. ``HttpOptions`` and the annotated field types below are what the HTTP listeners share, so
a URL or language-code check is written once.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.config import Source
from core.errors import ConfigError

_HTTP_URL = re.compile(r"^https?://[^/\s]+")

# Option fields every HTTP listener has; each model sets its own default (``min_interval_seconds: MinInterval = 1``).
MinInterval = Annotated[float, Field(ge=0, description="Minimum gap between requests.")]
MaxWait = Annotated[float, Field(ge=0, description="Longest rate-limit wait before failing.")]
MaxRetries = Annotated[int, Field(ge=1, le=10, description="Attempts per request on 5xx / timeouts.")]
Timeout = Annotated[float, Field(gt=0, description="HTTP timeout per request.")]

OptionsT = TypeVar("OptionsT", bound=BaseModel)


def parse_options(model: type[OptionsT], source: Source) -> OptionsT:
    """Validate a source's ``options`` against ``model``; errors name each option and what is allowed."""
    try:
        return model(**source.options)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"])
            msg = (f"unknown option; allowed: {', '.join(model.model_fields)}"
                   if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, "))
            lines.append(f"  - options.{loc}: {msg}")
        head = f"source '{source.name}' (type {source.type}): invalid options"
        problems = tuple(f"source '{source.name}' (type {source.type}): {line.strip().removeprefix('- ')}"
                         for line in lines)
        raise ConfigError("\n".join([head, *lines]), problems) from None


def lang_codes(value: str | list[str] | None) -> list[str]:
    """A ``lang`` option (one code, several or none) as a list."""
    return [value] if isinstance(value, str) else list(value or [])


class HttpOptions(BaseModel):
    """Base of the HTTP listeners' ``options:``: unknown keys fail, URLs and language codes are checked alike.

    It declares no fields, so each platform keeps its own field order (the "allowed:" hint of a typo lists
    them); the shared fields come as the annotated types above, the wording of the checks as class variables.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url_example: ClassVar[str] = "https://example.org"  # the error for a URL that is not http(s) shows it
    lang_pattern: ClassVar[re.Pattern[str]] = re.compile(r"^[a-z]{2,3}$")
    lang_rule: ClassVar[str] = "be ISO 639-1 like 'az' or 'tr'"  # completes "language codes must ..."

    @field_validator("api_base", "pds_url", "reddit_url", check_fields=False)
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not _HTTP_URL.match(v):
            raise ValueError(f"must be an http(s) URL like {cls.url_example}, not {v!r}")
        return v.rstrip("/")

    @field_validator("lang", check_fields=False)
    @classmethod
    def _lang_codes(cls, v: str | list[str] | None) -> str | list[str] | None:
        bad = [c for c in lang_codes(v) if not cls.lang_pattern.match(c)]
        if bad:
            raise ValueError(f"language codes must {cls.lang_rule}, not {bad}")
        return v


def check_brand(source: Source, brands: list[str], value: str | None, option: str = "brand") -> None:
    """A source option naming the brand its items are about must name a configured brand or competitor."""
    if value is not None and value not in brands:
        raise ConfigError(f"source '{source.name}': options.{option} '{value}' is not a configured brand or "
                          f"competitor; use one of: {', '.join(brands)}")
