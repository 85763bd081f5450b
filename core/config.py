"""Project configuration: one YAML file (``voxpop.yaml``), validated with pydantic.

Layering follows praw's habit: explicit argument > ``VOXPOP_*`` environment variable > YAML file >
packaged default. Nested fields use ``__`` in environment names (``VOXPOP_STORAGE__PATH=/srv/vox``).
Secrets (the pseudonymisation key, API credentials) are ``SecretStr`` and belong in the environment or a
Prefect Secret block, never in the YAML file.
"""

from __future__ import annotations

import contextvars
import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from core.errors import ConfigError
from core.languages import HOME_LANGUAGES, SUPPORTED_LANGUAGES, UiLanguage
from core.location import is_remote, is_url, store_root
from core.redact import register

MIN_PSEUDONYM_KEY_LENGTH = 16
MAX_CONFIG_BYTES = 1_000_000  # a voxpop.yaml is a few KB; more is a mistake or an attack
_SECRET_WORDS = ("key", "secret", "token", "password")  # never echo what was given for these
_yaml_data: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("voxpop_yaml", default=None)


class _Model(BaseModel):
    """Strict base: unknown keys are errors, so a typo never silently disables a setting."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class Brand(_Model):
    """A brand (ours or a competitor's) and every way users write it."""

    name: str = Field(min_length=1, description="Display name used in reports and the `brand` column.")
    keywords: list[str] = Field(
        default_factory=list,
        description="Terms that identify the brand, in every script users write it in "
        "(Latin and Cyrillic Azerbaijani, Armenian, Turkish). Matched at word starts, case-insensitively, "
        "so suffixes like Narmart'tan or Нармарте still match. End a term with '$' to match whole words only "
        "(ABB$); the name and aliases spelled the same then obey it too.",
    )
    aliases: list[str] = Field(
        default_factory=list, description="Other names: old names, common misspellings, product lines."
    )
    handles: list[str] = Field(
        default_factory=list, description="Official social handles, with or without '@' (e.g. '@narmart')."
    )
    hashtags: list[str] = Field(default_factory=list, description="Brand hashtags, with or without '#'.")
    exclude: list[str] = Field(
        default_factory=list,
        description="A mention containing any of these terms is dropped for this brand (e.g. a homonym).",
    )

    @field_validator("handles")
    @classmethod
    def _strip_at(cls, v: list[str]) -> list[str]:
        return [h.strip().lstrip("@") for h in v if h.strip()]

    @field_validator("hashtags")
    @classmethod
    def _strip_hash(cls, v: list[str]) -> list[str]:
        return [h.strip().lstrip("#") for h in v if h.strip()]

    @model_validator(mode="after")
    def _has_terms(self) -> Brand:
        if not (self.keywords or self.aliases or self.handles or self.hashtags):
            raise ValueError(f"brand '{self.name}' needs at least one keyword, alias, handle or hashtag")
        return self

    def terms(self) -> list[str]:
        """Every surface form that identifies the brand, name first."""
        forms = [self.name, *self.keywords, *self.aliases, *(f"@{h}" for h in self.handles)]
        forms += [f"#{t}" for t in self.hashtags]
        return list(dict.fromkeys(forms))


class Source(_Model):
    """One place mentions come from. ``type`` names a listener (see ``voxpop sources``)."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Unique id of this source; keys its cursor, so keep it stable.",
    )
    type: str = Field(description="Listener type: sample, file, x, reddit, ... (`voxpop sources` lists them).")
    enabled: bool = Field(default=True, description="Set false to keep the entry but skip it.")
    queries: list[str] = Field(
        default_factory=list,
        description="Extra raw queries for search APIs; by default queries are built from the brands.",
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description=("Listener-specific options (for `file`: path, format, columns, platform, brand, date_format, "
                     "timezone, extra_columns; see 'File sources')."),
    )


class Storage(_Model):
    """Where scored mentions, quarantine and cursors live."""

    path: Path = Field(
        default=Path("voxpop-data"),
        description="Root folder of the Parquet dataset, or an s3://bucket/prefix URL on any S3-compatible store "
        "(credentials and endpoint from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL: docs/storage.md).",
    )
    retention_days: int | None = Field(
        default=None, ge=1, le=36500,
        description="Keep mentions this many days after they were posted: every listen run removes older "
        "ones with their embeddings, corrections and alert records, and quarantine entries older than that "
        "(docs/privacy.md). At least report.window_days; twice that keeps the period-over-period comparisons. "
        "Default: kept until removed by `voxpop forget`.",
    )

    @field_validator("path", mode="wrap")
    @classmethod
    def _location(cls, value: Any, handler: Any) -> Any:
        """An ``s3://`` URL stays a URL (``core.location``); anything else is a local path."""
        return store_root(value) if is_url(value) else handler(value)

    @field_serializer("path", when_used="json")
    def _location_text(self, value: Any) -> str:
        return str(value)


class Scale(_Model):
    """Where scoring runs: in the listen process, or spread over Dask workers (docs/scaling.md)."""

    workers: int = Field(
        default=0, ge=0, le=256,
        description="0: score in the listen process. N: start a local Dask cluster of N worker processes (one "
        "model load each) for listen and backfill runs; ignored when `scale.scheduler` is set.",
    )
    scheduler: str | None = Field(
        default=None, pattern=r"^(tcp|tls|inproc)://\S+$",
        description="Address of a running Dask scheduler (tcp://host:8786) whose workers score; they need voxpop "
        "installed and, for the default model, nothing else (it ships in the package).",
    )

    @property
    def distributed(self) -> bool:
        """Whether scoring goes to Dask workers."""
        return bool(self.workers or self.scheduler)


class Model(_Model):
    """Which models score mentions."""

    sentiment: str = Field(
        default="default",
        description="'default' (bundled multilingual-e5-small + voxpop head, offline) or a Hugging Face "
        "sequence-classification model id or local path, e.g. cardiffnlp/twitter-xlm-roberta-base-sentiment.",
    )
    batch_size: int = Field(
        default=256, ge=1, le=4096,
        description="Texts scored per batch; larger batches sort by length better (less padding), 256 is 2x "
        "faster than 64 on 2 cores.",
    )
    taxonomy: Literal["ecommerce", "retail", "delivery", "banking", "fintech", "telecom"] = Field(
        default="ecommerce",
        description="Industry pack of pain-point aspects (nlp/taxonomies/<name>.yaml): 'ecommerce' (alias "
        "'retail', 'delivery'), 'banking' (alias 'fintech': cards, fees, outages, ATMs, loans, transfers) or "
        "'telecom' (coverage, signal, internet speed, tariffs, roaming, billing).",
    )
    extra_aspects: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Aspects added to (or terms added to existing aspects of) the chosen taxonomy pack; "
        "same shape as entries of nlp/taxonomies/*.yaml.",
    )


class Privacy(_Model):
    """How author identities are handled."""

    pseudonymize_authors: bool = Field(
        default=True,
        description="Store a keyed hash of the author handle instead of the handle (recommended; GDPR).",
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="Key for the author hash. Set VOXPOP_PRIVACY__PSEUDONYM_KEY (or name a Prefect Secret block "
        "in pseudonym_key_block); without either a random key is created once in pseudonym_key_file.",
    )
    pseudonym_key_block: str | None = Field(
        default=None, description="Prefect Secret block holding the key (for workers on several machines).")
    pseudonym_key_file: Path | None = Field(
        default=None,
        description="Where the generated key is kept (mode 0600), outside the dataset so a copy of the data "
        "does not carry it. Default: $XDG_CONFIG_HOME/voxpop/keys/<project>-<hash of the storage path>.key.",
    )

    @field_validator("pseudonym_key")
    @classmethod
    def _long_enough(cls, v: SecretStr | None) -> SecretStr | None:
        # An empty or short key makes every author hash recomputable from a list of handles.
        if v is not None and len(v.get_secret_value().strip()) < MIN_PSEUDONYM_KEY_LENGTH:
            raise ValueError(f"is empty or shorter than {MIN_PSEUDONYM_KEY_LENGTH} characters; set a long random "
                             "value (python -c 'import secrets; print(secrets.token_hex(32))') or unset it")
        return v


class Report(_Model):
    """Report defaults."""

    lang: UiLanguage = Field(default="en", description="Interface language.")
    out_dir: Path = Field(
        default=Path("voxpop-reports"),
        description="Where HTML/Markdown reports go; refused inside voxpop's source folders (`reports` there is "
        "the report package).",
    )
    window_days: int = Field(
        default=14, ge=1, le=366, description="Current period length for growth comparisons."
    )
    send_to: list[str] = Field(
        default_factory=list, description="Alert channels (alerts.channels names) that get the Markdown summary "
        "of every scheduled report.")
    email_to: list[str] = Field(
        default_factory=list, description="Alert channels that get the summary with both HTML reports attached "
        "(a mailto:// channel e-mails them over SMTP).")


class Topics(_Model):
    """Topic model: BERTopic on the stored sentence embeddings, fitted at the end of each listen run."""

    enabled: bool = Field(
        default=True,
        description="Fit topics after each listen run that stored new mentions and write the `topic` column.",
    )
    window_days: int | None = Field(
        default=None, ge=7, le=366,
        description="Days of mentions topics are fitted on, counted back from the newest mention. Default: "
        "twice report.window_days and at least 28, so a report's period and the one before it share one set "
        "of topics. Older mentions keep the labels they had.",
    )
    min_topic_size: int = Field(
        default=10, ge=2, le=100_000,
        description="Fewest mentions a topic may have; on large windows it grows to 1% of the window.",
    )


_QUIET_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
ALERT_RULE_TYPES = ("volume_spike", "negative_share", "pain_point", "emerging_topic", "high_reach_negative")


def _check_timezone(v: str | None) -> str | None:
    if v is None:
        return v
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {v!r}; use an IANA name such as Asia/Baku, Europe/Istanbul or UTC"
                         ) from None
    return v


class AlertChannel(_Model):
    """Where alerts go. Apprise URLs carry tokens, so they come from the environment or a Prefect Secret block."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Id of the channel, named by rules.")
    url_env: str | None = Field(
        default=None, pattern=_ENV_NAME,
        description="Environment variable holding the channel's Apprise URL (slack://..., tgram://..., "
        "workflows://..., discord://..., mailto://..., json://...).")
    url_block: str | None = Field(
        default=None, description="Prefect Secret block holding the channel's Apprise URL (for deployments).")
    file: Path | None = Field(
        default=None, description="Append each alert as plain text to this local file (no credentials needed).")
    console: bool = Field(default=False, description="Print each alert on standard output (no credentials needed).")
    lang: UiLanguage | None = Field(default=None, description="Message language for this channel (default: "
                                    "alerts.lang).")

    @model_validator(mode="before")
    @classmethod
    def _no_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and "url" in data:
            raise ValueError("a channel URL carries its tokens, so it never goes in voxpop.yaml: put it in an "
                             "environment variable and name that in url_env (or a Prefect Secret block in url_block)")
        return data

    @model_validator(mode="after")
    def _one_target(self) -> AlertChannel:
        given = [k for k in ("url_env", "url_block", "file") if getattr(self, k)] + (["console"] if self.console
                                                                                      else [])
        if len(given) != 1:
            raise ValueError(f"channel '{self.name}' needs exactly one of url_env, url_block, file or console "
                             f"(got {', '.join(given) or 'none'})")
        return self


class AlertRule(_Model):
    """One alert rule; unset thresholds take the defaults of its type (docs/alerts.md)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Id of the rule; keys its episodes, keep it "
                      "stable.")
    type: Literal["volume_spike", "negative_share", "pain_point", "emerging_topic", "high_reach_negative"] = Field(
        description="volume_spike, negative_share, pain_point, emerging_topic or high_reach_negative.")
    enabled: bool = Field(default=True, description="Set false to keep the rule but never evaluate it.")
    brands: Literal["own", "competitors", "all"] | list[str] = Field(
        default="own", description="Whose mentions: 'own' (brands), 'competitors' (an opportunity), 'all', or a "
        "list of brand names.")
    sentiment: Literal["any", "negative", "positive"] = Field(
        default="negative", description="volume_spike: which mentions are counted ('any': all of them).")
    sensitivity: float | None = Field(
        default=None, gt=0,
        description="The threshold, per type: volume_spike robust deviations above the 14-day median (3); "
        "negative_share rise of the negative share (0.25 = 25 points); pain_point growth against the previous "
        "window (1.0 = +100%); emerging_topic growth score (now+1)/(before+1) (4); high_reach_negative "
        "engagement = likes + reposts + replies (1000).")
    min_volume: int | None = Field(
        default=None, ge=1,
        description="Fewest mentions that may fire, per type: volume_spike that day (12), negative_share in the "
        "window and in the baseline (20), pain_point complaints in the window (20), emerging_topic mentions in "
        "the window (20); high_reach_negative: views that also qualify a mention (50000).")
    window_days: int | None = Field(
        default=None, ge=1, le=90, description="Days of the current window (negative_share 3, pain_point and "
        "emerging_topic 7, high_reach_negative 2); compared with the window before it.")
    cooldown_hours: float = Field(
        default=72, ge=0, description="After an alert for a brand, this rule stays silent for that brand so long.")
    quiet_hours: str | None = Field(
        default=None, description="HH:MM-HH:MM in the rule's time zone; an alert due then is sent when they end.")
    timezone: str | None = Field(default=None, description="IANA time zone of quiet hours and the daily cap "
                                 "(default: alerts.timezone).")
    daily_cap: int = Field(default=3, ge=1, description="Most alerts this rule sends per day (rule time zone).")
    notify_end: bool = Field(default=False, description="Also send one message when an episode ends.")
    channels: list[str] | None = Field(default=None, description="Channel names (default: every channel).")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return _check_timezone(v)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str | None) -> str | None:
        if v is not None and not _QUIET_HOURS.match(v.strip()):
            raise ValueError(f"quiet_hours must look like 22:00-08:00 (got {v!r})")
        return v.strip() if v else v


class Alerts(_Model):
    """Alert rules evaluated at the end of every listen run, and the channels they deliver to."""

    enabled: bool = Field(default=True, description="Evaluate the rules after each listen run (when a channel is "
                          "configured).")
    timezone: str = Field(default="UTC", description="Default IANA time zone of quiet hours and daily caps.")
    lang: UiLanguage | None = Field(default=None, description="Message language (default: report.lang).")
    report_url: str | None = Field(
        default=None, pattern=r"^https?://",
        description="Where your team opens the published reports; linked from every alert.")
    channels: list[AlertChannel] = Field(default_factory=list, description="Delivery channels.")
    rules: list[AlertRule] | None = Field(
        default=None, description="Alert rules; unset: the default rules (docs/alerts.md).")
    retries: int = Field(default=3, ge=1, le=10, description="Delivery attempts per channel, with backoff.")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return _check_timezone(v) or v

    @model_validator(mode="after")
    def _references(self) -> Alerts:
        names = [c.name for c in self.channels]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"alert channel names must be unique: {dupes}")
        rules = [r.name for r in self.rules or []]
        dupes = sorted({n for n in rules if rules.count(n) > 1})
        if dupes:
            raise ValueError(f"alert rule names must be unique: {dupes}")
        for rule in self.rules or []:
            unknown = sorted(set(rule.channels or []) - set(names))
            if unknown:
                raise ValueError(f"rule '{rule.name}' names unknown channel(s) {unknown}; configured: {names}")
        return self


class Serve(_Model):
    """The explorer web app (`voxpop serve`)."""

    host: str = Field(default="127.0.0.1", description="Interface the explorer binds to; any other than loopback "
                      "needs serve.token.")
    port: int = Field(default=8765, ge=1, le=65535, description="Port of the explorer.")
    token: SecretStr | None = Field(
        default=None, description="Token (at least 16 characters) the browser must give when the explorer serves "
        "beyond 127.0.0.1; set VOXPOP_SERVE__TOKEN, never in the file.")
    read_only: bool = Field(default=False, description="Disable corrections in the explorer.")


class Settings(BaseSettings):
    """The whole project configuration (one ``voxpop.yaml``)."""

    model_config = SettingsConfigDict(
        env_prefix="VOXPOP_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    project: str = Field(default="voxpop", min_length=1, description="Project name shown in reports.")
    brands: list[Brand] = Field(min_length=1, description="Your brand(s).")
    competitors: list[Brand] = Field(default_factory=list, description="Competitors to benchmark against.")
    sources: list[Source] = Field(default_factory=list, description="Where mentions come from.")
    languages: list[str] = Field(
        default_factory=lambda: list(HOME_LANGUAGES),
        min_length=1,
        description="Languages to detect (ISO 639-1). Text in other languages is stored as 'und'.",
    )
    storage: Storage = Field(default_factory=Storage, description="Dataset location.")
    model: Model = Field(default_factory=Model, description="Model choice.")
    privacy: Privacy = Field(default_factory=Privacy, description="Privacy options.")
    report: Report = Field(default_factory=Report, description="Report options.")
    topics: Topics = Field(default_factory=Topics, description="Topic model options.")
    alerts: Alerts = Field(default_factory=Alerts, description="Alert rules and channels.")
    serve: Serve = Field(default_factory=Serve, description="Explorer web app options (`voxpop serve`).")
    scale: Scale = Field(default_factory=Scale, description="Distributed scoring on Dask workers (docs/scaling.md).")

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, v: list[str]) -> list[str]:
        bad = [code for code in v if code not in SUPPORTED_LANGUAGES]
        if bad:
            raise ValueError(f"unsupported language(s) {bad}; allowed: {', '.join(SUPPORTED_LANGUAGES)}")
        return list(dict.fromkeys(v))

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        names = [b.name.casefold() for b in [*self.brands, *self.competitors]]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"brand names must be unique across brands and competitors: {dupes}")
        channels = {c.name for c in self.alerts.channels}
        if unknown := sorted(set(self.report.send_to + self.report.email_to) - channels):
            raise ValueError(f"report.send_to/email_to name unknown alert channel(s) {unknown}; configured: "
                             f"{sorted(channels)}")
        known = {b.name for b in [*self.brands, *self.competitors]}
        for rule in self.alerts.rules or []:
            if isinstance(rule.brands, list) and (unknown := sorted(set(rule.brands) - known)):
                raise ValueError(f"alert rule '{rule.name}' names unknown brand(s) {unknown}; configured: "
                                 f"{sorted(known)}")
        keep = self.storage.retention_days
        if keep is not None and keep < self.report.window_days:
            raise ValueError(f"storage.retention_days ({keep}) is shorter than report.window_days "
                             f"({self.report.window_days}): a report would cover days already removed; raise it "
                             "or shorten the report window")
        src = [s.name for s in self.sources]
        dupes = sorted({n for n in src if src.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique: {dupes}")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - part of the hook's signature
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Explicit arguments beat the environment, which beats the YAML file."""
        return init_settings, env_settings, _YamlSource(settings_cls)

    def topic_window_days(self) -> int:
        """``topics.window_days``, or its default derived from the report window."""
        return self.topics.window_days or max(28, 2 * self.report.window_days)

    def all_brands(self) -> list[tuple[Brand, bool]]:
        """Brands then competitors, each with its ``is_competitor`` flag."""
        return [(b, False) for b in self.brands] + [(c, True) for c in self.competitors]

    def resolve_paths(self, base: Path) -> Settings:
        """Make relative paths relative to the config file's folder, not the working directory."""
        data = self.model_copy(deep=True)
        if not is_remote(data.storage.path) and not data.storage.path.is_absolute():
            data.storage.path = (base / data.storage.path).resolve()
        for channel in data.alerts.channels:
            if channel.file is not None and not channel.file.is_absolute():
                channel.file = (base / channel.file).resolve()
        if not data.report.out_dir.is_absolute():
            data.report.out_dir = (base / data.report.out_dir).resolve()
        for src in data.sources:
            p = src.options.get("path")
            if isinstance(p, str) and not Path(p).is_absolute():
                src.options["path"] = str((base / p).resolve())
        return data


class _YamlSource(PydanticBaseSettingsSource):
    """Feeds the parsed YAML (held in a context variable) to pydantic-settings at the lowest priority."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:  # noqa: ARG002
        return (_yaml_data.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_yaml_data.get() or {})


def load_settings(path: str | Path, **overrides: Any) -> Settings:
    """Read, validate and return the configuration at ``path``.

    Raises:
        ConfigError: with one line per problem, naming the field and what is allowed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        if len(text) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: {len(text):,} characters is far more than a configuration; check the file")
        raw = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} not found; copy voxpop.example.yaml to {path} and edit it"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of settings, not {type(raw).__name__}")
    return settings_from_mapping(raw, origin=str(path), base=path.resolve().parent, **overrides)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: a 1 KB file of nested aliases would otherwise expand to gigabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            raise yaml.composer.ComposerError(None, None, f"YAML aliases (*{event.anchor}) are not allowed; "
                                              "write the value out", event.start_mark)
        return super().compose_node(parent, index)


def _register_secrets(value: Any) -> None:
    """Hand every secret of the settings to the redaction filter (``core.redact``)."""
    if isinstance(value, SecretStr):
        register(value.get_secret_value())
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _register_secrets(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            _register_secrets(item)
    elif isinstance(value, dict):
        for item in value.values():
            _register_secrets(item)


def settings_from_mapping(
    raw: dict[str, Any], *, origin: str = "config", base: Path | None = None, **overrides: Any
) -> Settings:
    """Validate an already-parsed mapping (what ``load_settings`` does after reading YAML)."""
    token = _yaml_data.set(raw)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: invalid configuration\n" + format_validation_error(exc)) from None
    finally:
        _yaml_data.reset(token)
    settings = settings.resolve_paths(base or Path.cwd())
    _refuse_out_dir_in_sources(settings.report.out_dir, origin)
    _register_secrets(settings)
    return settings


# voxpop's own folders (next to this package): reports written there would mix generated HTML into the
# source tree, e.g. `out_dir: reports` beside a config in the checkout's root is the `reports` package.
_SOURCE_ROOT = Path(__file__).resolve().parent.parent
_SOURCE_DIRS = ("benchmarks", "docs", "flows", "listeners", "nlp", "reports", "storage", "tests", "voxpop")


def _refuse_out_dir_in_sources(out_dir: Path, origin: str) -> None:
    """One-line ConfigError when ``report.out_dir`` is (inside) one of voxpop's source folders."""
    for name in _SOURCE_DIRS:
        folder = _SOURCE_ROOT / name
        if out_dir == folder or folder in out_dir.parents:
            raise ConfigError(
                f"{origin}: report.out_dir {out_dir} is inside voxpop's source folder {folder}; "
                "set report.out_dir to a folder outside it, e.g. voxpop-reports"
            )


def format_validation_error(exc: ValidationError) -> str:
    """One readable line per error: ``  - brands.0.handles: Input should be a valid list (got 'x')``."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = _allowed_fields(err["loc"][:-1])
            msg = f"unknown field; allowed here: {', '.join(allowed)}" if allowed else "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        got = err.get("input")
        secret = any(word in str(part).lower() for part in err["loc"] for word in _SECRET_WORDS)
        shown = err["type"] not in {"missing", "extra_forbidden"} and not isinstance(got, dict) and not secret
        suffix = f" (got {got!r:.60})" if shown else ""
        lines.append(f"  - {loc}: {msg}{suffix}")
    return "\n".join(lines)


def _allowed_fields(loc: tuple[Any, ...]) -> list[str]:
    """Walk the model tree along ``loc`` to list the field names valid at that place."""
    model: type[BaseModel] = Settings
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        ann = field.annotation
        inner = getattr(ann, "__args__", (ann,))
        nxt = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nxt is None:
            return []
        model = nxt
    return sorted(model.model_fields)


def describe_fields(model: type[BaseModel] = Settings, prefix: str = "") -> list[tuple[str, str, str]]:
    """(dotted name, type, description) for every field, for docs and ``voxpop check --explain``."""
    rows: list[tuple[str, str, str]] = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        inner = getattr(ann, "__args__", (ann,))
        inner = tuple(x for a in inner for x in (getattr(a, "__args__", None) or (a,)))  # list[Rule] | None
        sub = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        type_name = re.sub(r"\b(typing|pathlib|pydantic\.types|voxpop\.config)\.", "", str(ann))
        rows.append((prefix + name, type_name.replace("<class '", "").replace("'>", ""), field.description or ""))
        if sub is not None:
            rows.extend(describe_fields(sub, prefix=f"{prefix}{name}{'[]' if 'list' in str(ann) else ''}."))
    return rows
