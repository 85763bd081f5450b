"""Labelled sentiment data: UMSAB folders, ``label<TAB>text`` files, and the splits built from them.

Two layouts are understood, alone or mixed in one folder:

- TSV files ``label<TAB>text``; the language is the file name's first dot-separated part
  (``az.test.tsv`` → az) and the split is any later part (``az.test.tsv`` → test).
- UMSAB-style folders ``<language>/{split}_text.txt`` + ``{split}_labels.txt`` (labels 0/1/2).

Labels may be written negative/neutral/positive, neg/neu/pos or 0/1/2.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import SourceError
from nlp.sentiment import LABELS

LABELLED_DIR = Path(__file__).parents[1] / "data" / "labelled"
UMSAB_LABELS = {"0": "negative", "1": "neutral", "2": "positive"}
LABEL_ALIASES = {**UMSAB_LABELS, "neg": "negative", "neu": "neutral", "pos": "positive",
                 **{label: label for label in LABELS}}
UMSAB_LANGS = {"arabic": "ar", "english": "en", "french": "fr", "german": "de", "hindi": "hi",
               "italian": "it", "portuguese": "pt", "spanish": "es"}
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
OWN_LANGS = ("az", "tr", "hy", "ru")  # the project's own hand-written examples, weighted up beside UMSAB


@dataclass
class Dataset:
    """Texts with labels and a language code per text."""

    texts: list[str]
    labels: list[str]
    langs: list[str]

    def __add__(self, other: Dataset) -> Dataset:
        return Dataset(self.texts + other.texts, self.labels + other.labels, self.langs + other.langs)

    def y(self) -> np.ndarray:
        """Label indices in ``LABELS`` order."""
        return np.array([LABELS.index(label) for label in self.labels])


def load_umsab(root: Path, split: str) -> Dataset:
    """UMSAB-style folders: ``<language>/{split}_text.txt`` and ``{split}_labels.txt``, line-aligned."""
    data = Dataset([], [], [])
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        text_file, label_file = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
        if not text_file.exists():
            continue
        texts = text_file.read_text(encoding="utf-8").splitlines()
        labels = label_file.read_text(encoding="utf-8").splitlines()
        if len(texts) != len(labels):
            msg = f"{folder}: {len(texts)} texts but {len(labels)} labels"
            raise ValueError(msg)
        lang = UMSAB_LANGS.get(folder.name, folder.name[:2])
        for text, label in zip(texts, labels, strict=True):
            data.texts.append(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
            data.labels.append(UMSAB_LABELS.get(label.strip(), label.strip()))
            data.langs.append(lang)
    return data


def load_tsv(paths: Sequence[Path]) -> Dataset:
    """``label<TAB>text`` files; the language is the file name's first part (``az.train.tsv`` → az).

    Labels may be negative/neutral/positive, neg/neu/pos or UMSAB's 0/1/2.
    """
    data = Dataset([], [], [])
    for path in paths:
        lang = path.name.split(".")[0].lower()
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            if not line.strip():
                continue
            raw_label, sep, text = line.partition("\t")
            label = LABEL_ALIASES.get(raw_label.strip().lower())
            if not sep or label is None or not text.strip():
                msg = f"{path}:{n}: expected label<TAB>text with label in {LABELS} (or 0/1/2), got {line[:60]!r}"
                raise SourceError(msg)
            data.texts.append(text)
            data.labels.append(label)
            data.langs.append(lang)
    return data


def load_labelled(path: str | Path, split: str | None = None) -> Dataset:
    """Everything labelled under ``path`` (a TSV file or a folder), optionally only one ``split``."""
    path = Path(path)
    if path.is_file():
        return load_tsv([path])
    if not path.is_dir():
        raise SourceError(f"{path} does not exist; give a TSV file or a folder of TSV files / UMSAB folders")
    data = Dataset([], [], [])
    for tsv in sorted(path.glob("*.tsv")):
        parts = tsv.name.lower().split(".")[1:-1]
        if split is None or split in parts:
            data = data + load_tsv([tsv])
    umsab_split = split or next(
        (s for s in ("test", "val") if any(path.glob(f"*/{s}_text.txt"))), None
    )
    if umsab_split is not None and any(path.glob(f"*/{umsab_split}_text.txt")):
        data = data + load_umsab(path, umsab_split)
    if not data.texts:
        which = f" for split '{split}'" if split else ""
        raise SourceError(f"no labelled examples found under {path}{which}; expected *.tsv files "
                          "(label<TAB>text) or <language>/<split>_text.txt + <split>_labels.txt")
    return data


def split_holdout(data: Dataset, fraction: float = 0.2, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Deterministic stratified split (per language and label) when no validation set is given."""
    rng = np.random.default_rng(seed)
    keep: list[int] = []
    hold: list[int] = []
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(data.langs, data.labels, strict=True)):
        groups.setdefault(key, []).append(i)
    for idx in groups.values():
        order = rng.permutation(idx).tolist()
        cut = max(1, round(len(order) * fraction)) if len(order) > 1 else 0
        hold += order[:cut]
        keep += order[cut:]

    def take(ids: list[int]) -> Dataset:
        ids = sorted(ids)
        return Dataset([data.texts[i] for i in ids], [data.labels[i] for i in ids], [data.langs[i] for i in ids])

    return take(keep), take(hold)


def umsab_splits(root: Path) -> tuple[Dataset, Dataset, Dataset]:
    """The shipped head's data: UMSAB train + the project's ``*.train.tsv``, UMSAB val, the project's ``*.test.tsv``."""
    own_train = load_tsv(sorted(LABELLED_DIR.glob("*.train.tsv")))
    own_test = load_tsv(sorted(LABELLED_DIR.glob("*.test.tsv")))
    return load_umsab(root, "train") + own_train, load_umsab(root, "val"), own_test


def user_splits(data: Path, val: Path | None = None, *, with_project_data: bool = True) -> tuple[Dataset, Dataset, str]:
    """``voxpop train``'s data: train and validation sets, and the model card's note on where they come from.

    ``data``'s ``*.train.tsv`` files if it has any, else all of it; without ``val``, 20% of it is held out.
    """
    train = load_labelled(data, "train") if any(data.glob("*.train.tsv")) else load_labelled(data)
    held = load_labelled(val) if val is not None else None
    if held is None:
        train, held = split_holdout(train)
    notes = f"  - user data from `{data}` ({len(train.texts)} examples)"
    if with_project_data:
        train = train + load_tsv(sorted(LABELLED_DIR.glob("*.train.tsv")))
        notes += "\n  - voxpop's own az/tr/hy/ru examples and en fee cases (`nlp/data/labelled/*.train.tsv`)"
    return train, held, notes
