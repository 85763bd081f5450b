"""The ``file`` source (CSV / TSV / JSONL / plain-text exports) and ``sample``, the bundled demo data."""

from pathlib import Path

from core.config import Settings, Source
from core.errors import SourceError
from listeners.file.listener import FileListener
from listeners.file.options import COLUMN_ALIASES
from listeners.file.parse import day_first_of, normalize_platform, normalize_url, parse_timestamp
from listeners.protocol import registry

SAMPLE_PATH = Path(__file__).parent.parent / "_sample" / "mentions.jsonl"

registry.register("file", "csv", "jsonl", description="CSV/TSV/JSONL/plain-text exports")(FileListener.from_config)


@registry.register("sample", "demo", description="the bundled multilingual demo sample")
def _sample_factory(source: Source, settings: Settings) -> FileListener:  # noqa: ARG001 - factory signature
    if not SAMPLE_PATH.exists():
        raise SourceError(f"the bundled sample is missing at {SAMPLE_PATH}; run `make sample` to regenerate it")
    return FileListener(source.name, SAMPLE_PATH, fmt="jsonl", platform="file", extra_columns={"rating": "int"},
                        page_size=int(source.options.get("page_size", 1000)))


__all__ = ["COLUMN_ALIASES", "SAMPLE_PATH", "FileListener", "day_first_of", "normalize_platform", "normalize_url",
           "parse_timestamp"]
