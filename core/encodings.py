r"""Bytes of a user's file as text: the encoding detected (or the one given), and bad bytes kept visible.

Exports come as UTF-8, UTF-16 (Excel's "Unicode text") or a legacy code page (cp1251 Russian, cp1254
Turkish/Azerbaijani, cp1252 Western). One undecodable byte must not reject the whole file, and must not
silently turn into a replacement character either: every byte the chosen encoding cannot read becomes the
lone surrogate U+DC00 + byte, so the reader can quarantine exactly the row that holds it. Lone surrogates
(also what a broken ``\ud83d`` JSON escape gives) cannot be written as UTF-8, so the helpers here find and
escape them before text leaves for storage or output.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from typing import Any

__all__ = ["AUTO", "check_encoding", "decode", "escape_surrogates", "first_surrogate", "label"]

AUTO = "auto"
_ESCAPE = "voxpop.escape"
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Single-byte code pages of voxpop's languages, best first when charset-normalizer rates several alike:
# cp1254 reads Western text as cp1252 does and Turkish/Azerbaijani ğ ı ş İ too. (Armenian ARMSCII-8 has no
# Python codec: such files must be re-exported as UTF-8 or UTF-16.)
LEGACY = ("cp1254", "cp1252", "cp1251", "koi8_r", "cp866")
_SURROGATE = re.compile("[\ud800-\udfff]")
_HIGH = bytes(range(0x80, 0x100))
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _escape_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start:exc.end]), exc.end


codecs.register_error(_ESCAPE, _escape_bytes)


def check_encoding(value: Any) -> str:
    """``value`` if it is ``auto`` or a codec Python knows; raises ValueError otherwise."""
    if value == AUTO:
        return AUTO
    try:
        codecs.lookup(str(value))
    except LookupError:
        raise ValueError(f"{value!r} is not a known text encoding; use auto, utf-8, utf-16, cp1251, "
                         "cp1254, cp1252, ...") from None
    return str(value)


def label(encoding: str) -> str:
    """How messages name an encoding (``UTF-8`` for utf-8 and utf-8-sig)."""
    return "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding


def decode(data: bytes, encoding: str = AUTO) -> tuple[str, str]:
    """``data`` as text, and the encoding it was read with; bytes it cannot read become U+DC00 + byte.

    ``auto``: a byte-order mark decides; else UTF-16 when every other byte is NUL; else UTF-8 when the file
    is valid UTF-8 or the bytes of its UTF-8-shaped sequences are at least as many as the high bytes outside
    them (a UTF-8 export with a few bad bytes); else the code page of ``LEGACY`` that charset-normalizer
    finds most plausible, unless most of its non-ASCII characters would be stray letters (then UTF-8: the
    high bytes are bad bytes).
    """
    if encoding != AUTO:
        return data.decode(encoding, errors=_ESCAPE), encoding
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors=_ESCAPE), codec
    if utf16 := _utf16_without_bom(data):
        return data.decode(utf16, errors=_ESCAPE), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Bytes in UTF-8-shaped sequences (surrogates too: CESU-8 from Java or MySQL's utf8 is still UTF-8 gone
    # wrong, not a code page) against the high bytes outside them.
    rest = _UTF8_SEQUENCE.sub(b"", data)
    bad = len(rest) - len(rest.translate(None, _HIGH))
    if len(data) - len(rest) >= bad:
        return data.decode("utf-8", errors=_ESCAPE), "utf-8"
    return _legacy(data) or (data.decode("utf-8", errors=_ESCAPE), "utf-8")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _legacy(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only files that are not UTF-8 need it

    results = list(from_bytes(data, cp_isolation=list(LEGACY)))
    if not results:
        return None
    best = min(results, key=lambda r: (round(r.chaos, 2), -round(r.coherence, 2), LEGACY.index(r.encoding)))
    text = data.decode(best.encoding, errors=_ESCAPE)
    return (text, best.encoding) if _plausible(text) else None


def _plausible(text: str) -> bool:
    """Whether most non-ASCII characters (of the first 5,000) are letters in words, punctuation, symbols or digits."""
    total = stray = 0
    for m in itertools.islice(re.finditer(r"[^\x00-\x7f]", text), 5000):
        total += 1
        ch, i = m.group(), m.start()
        kind = unicodedata.category(ch)[0]
        if kind == "L":
            near = text[max(i - 1, 0):i] + text[i + 1:i + 2]
            stray += not any(c.isalpha() for c in near)
        elif kind not in "PSNZ":
            stray += 1  # a control character or an unreadable byte
    return stray * 2 <= total


def first_surrogate(text: str) -> tuple[int, str] | None:
    r"""(index, escape) of the first lone surrogate in ``text``, e.g. ``(8, "\ud83d")``; None when it has none."""
    m = _SURROGATE.search(text)
    return None if m is None else (m.start(), f"\\u{ord(m.group()):04x}")


def _escaped(text: str) -> str:
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _SURROGATE.search(text) else text


def escape_surrogates(value: Any) -> Any:
    """``value`` (text, or lists and dicts of it, keys too) with every lone surrogate written as its escape.

    Iterative, so a record nested as deep as JSON allows is copied without recursion.
    """
    root = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        item = parent[key]
        if isinstance(item, str):
            parent[key] = _escaped(item)
        elif isinstance(item, dict):
            parent[key] = copy = {(_escaped(k) if isinstance(k, str) else k): v for k, v in item.items()}
            stack.extend((copy, k) for k in copy)
        elif isinstance(item, list | tuple):
            parent[key] = copy = list(item)
            stack.extend((copy, i) for i in range(len(copy)))
    return root[0]
