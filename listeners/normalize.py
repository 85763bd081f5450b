"""Turn source ``Mention`` objects into storage records: brand matching and author pseudonymisation.

Brand terms match at word starts in a normalised, ASCII-folded form, so "Narmart'tan", "#NarmartPayız",
"Нармарте" and "@narmart" all count. A term ending in ``$`` matches whole words only, and so does every other
term of the brand with the same form, its name included (``ABB`` with ``ABB$`` never matches "Abbas").
A mention that matches no tracked brand (or only through an excluded term) is dropped and counted, not
quarantined: search APIs return such noise by design.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from core.config import MIN_PSEUDONYM_KEY_LENGTH, Brand, Settings
from core.errors import ConfigError
from core.layout import StoreLayout
from core.redact import register
from core.text import match_form, term_pattern, whole_word_terms
from core.types import Mention
from listeners.credentials import secret

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _CompiledBrand:
    brand: Brand
    is_competitor: bool
    terms: tuple[tuple[str, Any], ...]  # (configured term, compiled pattern)
    exclude: Any


@dataclass
class NormalizeStats:
    """Counts for the run summary."""

    kept: int = 0
    no_brand: int = 0
    excluded: int = 0
    by_brand: dict[str, int] = field(default_factory=dict)


class BrandMatcher:
    """Finds which tracked brands a text mentions and through which configured terms."""

    def __init__(self, settings: Settings) -> None:
        compiled = []
        for brand, is_comp in settings.all_brands():
            # The name is one of the terms and obeys the same rule: `ABB$` among the keywords makes "ABB" whole-word.
            terms = tuple((t, term_pattern([w])) for t, w in zip(brand.terms(), whole_word_terms(brand.terms()),
                                                                 strict=True))
            compiled.append(_CompiledBrand(brand, is_comp, terms, term_pattern(whole_word_terms(brand.exclude))))
        self._brands = compiled
        self._by_name = {c.brand.name: c for c in compiled}

    def match(self, text: str, hint: str | None = None) -> tuple[list[tuple[str, bool]], list[str], bool]:
        """Return ([(brand, is_competitor)] in order of first appearance, matched terms, excluded?)."""
        form = match_form(text)
        hits: list[tuple[int, str, bool]] = []
        matched: list[str] = []
        excluded = False
        for c in self._brands:
            first = None
            terms = []
            for term, pattern in c.terms:
                m = pattern.search(form) if pattern else None
                if m:
                    terms.append(term)
                    first = m.start() if first is None else min(first, m.start())
            if first is None:
                continue
            if c.exclude is not None and c.exclude.search(form):
                excluded = True
                continue
            matched += terms
            hits.append((first, c.brand.name, c.is_competitor))
        if hint and hint in self._by_name and all(name != hint for _, name, _ in hits):
            hits.insert(0, (-1, hint, self._by_name[hint].is_competitor))
        hits.sort()
        return [(name, comp) for _, name, comp in hits], list(dict.fromkeys(matched)), excluded


class Pseudonymizer:
    """Keyed hash of author handles: stable per key, useless without it (HMAC-SHA256)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_settings(cls, settings: Settings) -> Pseudonymizer:
        """Key from the environment, else a Prefect Secret block, else a generated key kept outside the dataset.

        Whoever copies the dataset must not get the key with it, or every ``author_hash`` could be recomputed
        from a list of handles. A key that earlier versions generated inside the dataset is moved out on first
        use, so existing hashes stay stable.
        """
        privacy = settings.privacy
        if privacy.pseudonym_key is not None:
            return cls(_checked(privacy.pseudonym_key.get_secret_value(), "VOXPOP_PRIVACY__PSEUDONYM_KEY"))
        if privacy.pseudonym_key_block:
            value = secret("privacy", "VOXPOP_PRIVACY__PSEUDONYM_KEY", options={"block": privacy.pseudonym_key_block},
                           block_option="block", hint="")
            return cls(_checked(value.get_secret_value(), f"Prefect Secret block {privacy.pseudonym_key_block}"))
        layout = StoreLayout.of(settings.storage.path)
        key_file = privacy.pseudonym_key_file or layout.user_key_file(settings.project)
        if not key_file.exists():
            _create_key(key_file, layout.legacy_pseudonym_key)
        key = _checked(key_file.read_text(encoding="utf-8"), str(key_file))
        register(key.decode())
        return cls(key)

    @classmethod
    def existing(cls, settings: Settings) -> Pseudonymizer | None:
        """The configured key, or None when the generated one does not exist: never creates a key.

        ``voxpop forget`` recomputes author hashes; a new key would hash the handle to a value no stored
        row carries and silently forget nothing.
        """
        privacy = settings.privacy
        if privacy.pseudonym_key is None and not privacy.pseudonym_key_block:
            layout = StoreLayout.of(settings.storage.path)
            key_file = privacy.pseudonym_key_file or layout.user_key_file(settings.project)
            if not key_file.exists() and not layout.legacy_pseudonym_key.exists():
                return None
        return cls.from_settings(settings)

    def __call__(self, platform: str, handle: str | None) -> str | None:
        """The pseudonym of ``handle`` on ``platform`` (None without a handle): stable for one key."""
        if not handle:
            return None
        ident = f"{platform}:{handle.strip().lstrip('@').casefold()}".encode()
        return hmac.new(self._key, ident, hashlib.sha256).hexdigest()[:16]

    def audit_digest(self, mention_id: str) -> str:
        """What the erasure audit log keeps of a removed mention id: checkable with the key, unlistable without."""
        return hmac.new(self._key, f"forgotten-mention:{mention_id}".encode(), hashlib.sha256).hexdigest()[:24]


def _checked(key: str, origin: str) -> bytes:
    """The key as bytes; an empty or short one would make every author hash recomputable, so it is refused."""
    if len(key.strip()) < MIN_PSEUDONYM_KEY_LENGTH:
        raise ConfigError(f"the pseudonymisation key from {origin} is empty or shorter than "
                          f"{MIN_PSEUDONYM_KEY_LENGTH} characters; restore it from a backup (author hashes depend on "
                          "it) or, for a new dataset only, delete it so a new one is generated")
    return key.strip().encode()


def _create_key(key_file: Path, legacy: Path) -> None:
    """Write a new random key (or move the one an older version left in the dataset), owner-only."""
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    moved = legacy.exists()
    value = legacy.read_text(encoding="utf-8").strip() if moved else secrets.token_hex(32)
    with contextlib.suppress(FileExistsError):  # a concurrent first run won the race: use its key
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(value)
            fh.flush()
            os.fsync(fh.fileno())
    if moved and key_file.read_text(encoding="utf-8").strip() == value:
        legacy.unlink(missing_ok=True)
        log.warning("moved the pseudonymisation key out of the dataset to %s (back it up: author hashes "
                    "depend on it)", key_file)


_X_HOSTS = {"x.com", "twitter.com", "www.x.com", "www.twitter.com", "mobile.x.com", "mobile.twitter.com"}


def private_url(url: str | None, author: str | None) -> str | None:
    """``url`` without the author's handle in its path, or None when no handle-free link is known.

    A link like ``x.com/<handle>/status/<id>`` would undo pseudonymisation; X also serves the same post
    at ``x.com/i/web/status/<id>``. For other sites a link that names its author is not stored.
    """
    if not url or not author:
        return url
    parts = urlsplit(url)
    segments = parts.path.split("/")
    handle = author.strip().lstrip("@").casefold()
    if handle not in {unquote(seg).lstrip("@").casefold() for seg in segments}:
        return url
    if parts.hostname in _X_HOSTS and "status" in segments[:-1]:
        return f"https://x.com/i/web/status/{segments[segments.index('status') + 1]}"
    return None


class Normalizer:
    """Mentions → storage records (without the NLP columns, which the scorer adds)."""

    def __init__(self, settings: Settings, *, source: str, run_id: str) -> None:
        self.matcher = BrandMatcher(settings)
        self.pseudonymize = Pseudonymizer.from_settings(settings)
        self.keep_handles = not settings.privacy.pseudonymize_authors
        self.source = source
        self.run_id = run_id
        self.stats = NormalizeStats()

    def __call__(self, mentions: list[Mention]) -> list[dict[str, Any]]:
        """Records for the mentions that are about a tracked brand."""
        collected_at = datetime.now(UTC)
        out = []
        for m in mentions:
            brands, terms, excluded = self.matcher.match(m.text, m.brand_hint)
            if not brands:
                if excluded:
                    self.stats.excluded += 1
                else:
                    self.stats.no_brand += 1
                continue
            brand, is_comp = brands[0]
            self.stats.kept += 1
            self.stats.by_brand[brand] = self.stats.by_brand.get(brand, 0) + 1
            out.append(
                {
                    "mention_id": m.mention_id,
                    "platform": m.platform,
                    "native_id": m.native_id,
                    "url": m.url if self.keep_handles else private_url(m.url, m.author),
                    "created_at": m.created_at,
                    "collected_at": collected_at,
                    "source": self.source,
                    "brand": brand,
                    "is_competitor": is_comp,
                    "brands": [b for b, _ in brands],
                    "matched_terms": terms,
                    "author_hash": self.pseudonymize(m.platform, m.author),
                    "author_handle": m.author if self.keep_handles else None,
                    "thread_id": m.thread_id,
                    "parent_id": m.parent_id,
                    "likes": m.likes,
                    "reposts": m.reposts,
                    "replies": m.replies,
                    "views": m.views,
                    "text": m.text,
                    "run_id": self.run_id,
                    "extras": dict(m.extras) or None,
                    "rating": m.rating,
                }
            )
        return out

