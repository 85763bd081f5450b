"""Topics: the multilingual keyword tokenizer, BERTopic on precomputed embeddings, storage of both."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from deltalake import DeltaTable

from core.errors import ModelError
from nlp import Scorer, TopicModel, TopicTokenizer
from nlp.topics import STOPWORD_LANGUAGES, STOPWORDS_DIR, stopwords
from storage import MentionStore, connect
from tests.conftest import KeywordSentiment
from tests.test_storage import rec

BRANDS = ["Narmart", "Нармарт", "Նարմարտ", "#narmart", "Tezbazar", "Тезбазар", "Lumo"]

# Three storylines, each discussed in three languages; posts also carry filler and brand names labels must skip.
THEMES: dict[str, dict[str, list[str]]] = {
    "delivery": {"az": ["çatdırılma", "çatdırılması", "çatdırılmanı", "kuryer", "kuryerə", "gecikir"],
                 "ru": ["доставка", "доставку", "доставки", "курьер", "курьера", "опоздал"],
                 "en": ["delivery", "courier", "late", "parcel", "parcels"]},
    "price": {"az": ["qiymət", "qiymətlər", "qiyməti", "bahadır", "endirim"],
              "ru": ["цены", "цена", "цену", "дорого", "скидка", "скидки"],
              "en": ["price", "prices", "expensive", "discount", "fee"]},
    "app": {"az": ["tətbiq", "tətbiqi", "proqram", "xəta", "giriş"],
            "ru": ["приложение", "приложения", "вылетает", "ошибка", "вход"],
            "en": ["app", "crashes", "login", "checkout", "update"]},
}
LANGS = ("az", "ru", "en")
FILLER = ["və", "çox", "и", "очень", "the", "really", "rt", "amp", "😡", "https://t.co/x1", "@someone", "2026"]


def corpus(n_per_theme: int = 45, seed: int = 0, noise: int = 0) -> tuple[list[str], list[str], np.ndarray,
                                                                          list[str]]:
    """Synthetic mentions: words drawn per theme and language; embeddings = theme centre + language offset.

    The language offset is as large as the distance between themes, as with real multilingual encoders:
    without per-language centering the model would find language clusters, not subjects.
    """
    rng = np.random.default_rng(seed)
    dim = 32
    centres = rng.normal(size=(len(THEMES), dim)) * 3
    offsets = {lang: rng.normal(size=dim) * 3 for lang in LANGS}
    ids, texts, langs, vecs = [], [], [], []
    for k, by_lang in enumerate(THEMES.values()):
        for i in range(n_per_theme):
            lang = LANGS[i % len(LANGS)]
            picked = rng.choice(by_lang[lang], size=3, replace=False).tolist()
            brand = BRANDS[i % len(BRANDS)]
            texts.append(" ".join([brand, *picked, *rng.choice(FILLER, size=2).tolist()]))
            ids.append(f"x:{k}{i:04d}")
            langs.append(lang)
            vecs.append(centres[k] + offsets[lang] + rng.normal(scale=1.0, size=dim))
    for i in range(noise):
        ids.append(f"x:9{i:04d}")
        texts.append("Narmart " + rng.choice(FILLER))
        langs.append("en")
        vecs.append(rng.normal(size=dim) * 12)
    matrix = np.asarray(vecs, dtype=np.float32)
    return ids, texts, matrix / np.linalg.norm(matrix, axis=1, keepdims=True), langs


# ---- tokenizer -----------------------------------------------------------------------------------------


def fitted(texts: list[str], langs: list[str]) -> TopicTokenizer:
    return TopicTokenizer(BRANDS).fit(texts, langs)


def test_azerbaijani_inflections_collapse_and_show_the_base_form() -> None:
    texts = ["Çatdırılma yenə gecikir", "Çatdırılmanı 5 gündür gözləyirəm", "Çatdırılması çox pisdir",
             "catdirilma gecikir"]
    tok = fitted(texts, ["az"] * 4)
    keys = [tok.keywords(t, "az")[0] for t in texts]
    assert len(set(keys)) == 1  # çatdırılma, çatdırılmanı, çatdırılması and ASCII "catdirilma"
    assert tok.display(keys[0]) == "çatdırılma"
    # Two verb forms with no bare stem in the corpus still meet at their shared stem.
    tok = fitted(["bağlama gecikir", "bağlama gecikdi"], ["az", "az"])
    assert tok.keywords("gecikir", "az") == tok.keywords("gecikdi", "az") == ["gecik"]


def test_turkish_suffixes_and_apostrophes() -> None:
    texts = ["Kargom gelmedi", "Kargoya verildi ama kargo yok", "Kargodan haber yok", "Narmart'tan fiyatları"]
    tok = fitted(texts, ["tr"] * 4)
    assert tok.keywords(texts[0], "tr")[0] == tok.keywords(texts[2], "tr")[0] == "kargo"
    assert "kargo" in tok.keywords(texts[1], "tr")
    # The apostrophe suffix goes with the brand; "fiyatları" stays whole (no "fiyat" in this corpus).
    assert tok.keywords(texts[3], "tr") == ["fiyatlari"]


def test_russian_endings() -> None:
    texts = ["Доставка опять задерживается", "Доставку ждал неделю", "Нет доставки", "С доставкой беда"]
    tok = fitted(texts, ["ru"] * 4)
    stems = {tok.keywords(t, "ru")[0] for t in texts[:2]} | {tok.keywords(t, "ru")[0] for t in texts[2:]}
    assert len(stems) == 1
    assert tok.display(stems.pop()) in {"доставка", "доставку", "доставки", "доставкой"}


def test_armenian_suffixes() -> None:
    texts = ["Առաքումը նորից ուշացավ", "առաքում չկա", "Առաքումներից դժգոհ եմ"]
    tok = fitted(texts, ["hy"] * 3)
    assert {tok.keywords(t, "hy")[0] for t in texts} == {"առաքում"}


def test_english_plural_only_when_the_singular_is_attested() -> None:
    tok = fitted(["orders are late", "my order", "news today"], ["en"] * 3)
    assert tok.keywords("orders are late", "en") == ["order", "late"]
    assert tok.keywords("news today", "en") == ["news"]


def test_brands_handles_urls_numbers_emoji_and_foreign_scripts_are_dropped() -> None:
    tok = TopicTokenizer(BRANDS)
    text = ("RT @narmart: Narmart'tan Нармарте Նարմարտին NarMart-ın #NarmartAutumn kampaniya 50% 😍 "
            "https://narmart.example/x?y=1 www.narmart.az ქართული 中文 مرحبا")
    assert [k for _, k in tok.words(text)] == ["autumn", "kampaniya"]


def test_stopwords_of_every_language_are_removed() -> None:
    tok = TopicTokenizer()
    samples = {
        "en": "the courier and the app were really bad lol",
        "az": "və bu kuryer çox pis idi amma",
        "tr": "ve bu kurye çok kötü ama yine",
        "ru": "и это курьер очень плохо но опять",
        "hy": "և այս առաքիչը շատ վատ էր բայց",
    }
    got = {lang: [k for _, k in tok.words(t)] for lang, t in samples.items()}
    assert got["en"] == ["courier", "app", "bad"]
    assert got["az"] == ["kuryer", "pis"]
    assert got["tr"] == ["kurye", "kotu"]
    assert got["ru"] == ["курьер", "плохо"]
    assert got["hy"] == ["առաքիչը", "վատ"]


def test_stopword_lists_are_bundled_for_each_language() -> None:
    words = stopwords()
    for lang in STOPWORD_LANGUAGES:
        lines = [w for w in (STOPWORDS_DIR / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
                 if w.strip() and not w.startswith("#")]
        assert len(lines) >= 100, lang
        assert {"rt", "amp", "http"} <= set(lines), lang
    assert {"ve", "cox", "и", "եւ", "the"} <= words  # folded: "çox" → "cox", "և" → "եւ"


# ---- model ---------------------------------------------------------------------------------------------


def test_topics_span_languages_and_have_readable_labels() -> None:
    ids, texts, vecs, langs = corpus()
    result = TopicModel(exclude_terms=BRANDS).fit(ids, texts, vecs, langs)
    assert len(result.topics) == 3
    assert sorted(t.size for t in result.topics) == [45, 45, 45]
    for k, (name, by_lang) in enumerate(THEMES.items()):
        labels = {result.labels[i] for i in ids if i.startswith(f"x:{k}")}
        assert len(labels) == 1, (name, labels)  # one topic per subject, across az, ru and en
        words = labels.pop().split(" · ")
        assert len(words) == 3
        assert set(words) <= {w for ws in by_lang.values() for w in ws}, (name, words)
    delivery = next(t for t in result.topics if "kuryer" in t.keywords)
    assert "çatdırılma" in delivery.keywords  # çatdırılma, çatdırılması and çatdırılmanı counted as one
    assert not {"çatdırılması", "çatdırılmanı"} & set(delivery.keywords)


def test_without_language_centering_languages_split_subjects() -> None:
    ids, texts, vecs, langs = corpus()
    result = TopicModel(exclude_terms=BRANDS, center_languages=False).fit(ids, texts, vecs, langs)
    assert len(result.topics) > 3


def test_same_input_gives_the_same_labels_in_any_order() -> None:
    ids, texts, vecs, langs = corpus(seed=3)
    first = TopicModel(exclude_terms=BRANDS).fit(ids, texts, vecs, langs)
    order = np.random.default_rng(1).permutation(len(ids))
    second = TopicModel(exclude_terms=BRANDS).fit([ids[i] for i in order], [texts[i] for i in order], vecs[order],
                                                  [langs[i] for i in order])
    assert first.labels == second.labels
    assert first.topics == second.topics


def test_same_texts_and_vectors_under_other_ids_give_the_same_topics() -> None:
    """A bank's export re-imported: same posts and vectors, new ids (e.g. URL identity), other row order."""
    ids, texts, vecs, langs = corpus(seed=3, noise=30)
    texts = [t.replace("Narmart", "Kapital Bank").replace("Tezbazar", "Leobank").replace("Lumo", "ABB")
             for t in texts]
    first = TopicModel(exclude_terms=[*BRANDS, "Kapital Bank", "Leobank", "ABB$"]).fit(ids, texts, vecs, langs)
    perm = np.random.default_rng(3).permutation(len(ids))
    renamed = {mid: f"file:{perm[n]:05d}" for n, mid in enumerate(ids)}  # ids that sort in another order
    order = np.random.default_rng(11).permutation(len(ids))
    second = TopicModel(exclude_terms=[*BRANDS, "Kapital Bank", "Leobank", "ABB$"]).fit(
        [renamed[ids[i]] for i in order], [texts[i] for i in order], vecs[order], [langs[i] for i in order])
    assert len(first.topics) >= 3
    assert {renamed[mid]: label for mid, label in first.labels.items()} == second.labels
    assert first.topics == second.topics


def test_same_input_gives_the_same_topics_in_another_process(tmp_path: Path) -> None:
    """Hash seeds and thread pools differ between processes (rebuilds); the fit must not depend on them."""
    import json
    import os
    import subprocess

    script = tmp_path / "fit.py"
    script.write_text(
        "import json, sys\n"
        "import numpy as np\n"
        "from tests.test_topics import BRANDS, corpus\n"
        "from nlp.topics import TopicModel\n"
        "ids, texts, vecs, langs = corpus(seed=5, noise=20)\n"
        "order = np.random.default_rng(int(sys.argv[1])).permutation(len(ids))\n"
        "r = TopicModel(exclude_terms=BRANDS).fit([ids[i] for i in order], [texts[i] for i in order],\n"
        "                                         vecs[order], [langs[i] for i in order])\n"
        "print(json.dumps({'labels': r.labels, 'topics': [[t.label, t.size] for t in r.topics]}, sort_keys=True))\n",
        encoding="utf-8")
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(__file__).parent.parent)}
        out = subprocess.run([sys.executable, str(script), seed], capture_output=True, text=True, env=env,
                             check=True, timeout=600)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert runs[0]["topics"]
    assert runs[0] == runs[1]


class FixedClusters:
    """A clusterer that returns given labels (HDBSCAN's outliers are hard to provoke on tidy synthetic data)."""

    def __init__(self, labels: list[int]) -> None:
        self.labels_ = np.asarray(labels)

    def fit(self, x: Any, y: Any = None) -> FixedClusters:
        assert len(x) == len(self.labels_)
        return self


def test_outliers_get_no_topic(monkeypatch: pytest.MonkeyPatch) -> None:
    import hdbscan

    from nlp.topics import content_order

    ids, texts, vecs, langs = corpus(noise=6)
    cluster = {mid: (int(mid[2]) if mid[2] != "9" else -1) for mid in ids}  # x:<theme><n>, x:9... is noise
    vecs16 = vecs.astype(np.float16).astype(np.float32)
    fixed = [cluster[ids[i]] for i in content_order(ids, texts, langs, vecs16)]  # the order the fit uses
    monkeypatch.setattr(hdbscan, "HDBSCAN", lambda **kw: FixedClusters(fixed))
    result = TopicModel(exclude_terms=BRANDS).fit(ids, texts, vecs, langs)
    assert len(result.topics) == 3
    assert [result.labels[i] for i in ids if i.startswith("x:9")] == [None] * 6
    assert None not in {result.labels[i] for i in ids if not i.startswith("x:9")}
    assert set(result.labels.values()) - {None} == {t.label for t in result.topics}


def test_small_or_empty_corpora_give_no_topics() -> None:
    ids, texts, vecs, langs = corpus(n_per_theme=10)
    result = TopicModel().fit(ids, texts, vecs, langs)
    assert result.topics == []
    assert result.labels == dict.fromkeys(ids)
    assert TopicModel().fit([], [], np.zeros((0, 8)), []).labels == {}
    ids, _, vecs, _ = corpus()
    emoji_only = TopicModel().fit(ids, ["😡🔥"] * len(ids), vecs)
    assert set(emoji_only.labels.values()) == {None}


def test_invalid_input_is_explained() -> None:
    with pytest.raises(ValueError, match="same length"):
        TopicModel().fit(["x:1"], ["a", "b"], np.zeros((2, 4)))
    with pytest.raises(ValueError, match="unique"):
        TopicModel(min_docs=1).fit(["x:1", "x:1"], ["a", "b"], np.zeros((2, 4)))
    with pytest.raises(ValueError, match="min_topic_size"):
        TopicModel(min_topic_size=1)


def test_missing_bertopic_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "bertopic", None)
    ids, texts, vecs, langs = corpus()
    with pytest.raises(ModelError, match="pip install bertopic"):
        TopicModel().fit(ids, texts, vecs, langs)


def test_min_cluster_size_grows_with_the_corpus() -> None:
    model = TopicModel(min_topic_size=10)
    assert (model.cluster_size(200), model.cluster_size(5000)) == (10, 50)


# ---- storage + assignment ------------------------------------------------------------------------------


def test_embeddings_round_trip_and_are_idempotent(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    rng = np.random.default_rng(0)
    vecs = {f"x:{i}": rng.normal(size=16).astype(np.float32) for i in range(6)}
    records = [rec(i, day_offset=i % 2) for i in range(6)] + [rec(99, text="  ")]
    vecs["x:99"] = np.ones(16, dtype=np.float32)
    result = store.upsert(records, embeddings=vecs, encoder="enc-a")
    assert (result.inserted, result.quarantined) == (6, 1)
    emb = store.embeddings(store.days())
    assert emb.encoder == "enc-a"
    assert sorted(emb.ids) == [f"x:{i}" for i in range(6)]  # the quarantined record's vector is not kept
    for mid, row in zip(emb.ids, emb.vectors, strict=True):
        np.testing.assert_allclose(row, vecs[mid], rtol=1e-3, atol=1e-3)
    assert emb.vectors.dtype == np.float32
    # Again, with one vector changed: same rows, newest wins.
    vecs["x:0"] = np.zeros(16, dtype=np.float32)
    store.upsert(records[:1], embeddings={"x:0": vecs["x:0"]}, encoder="enc-a")
    again = store.embeddings(store.days())
    assert sorted(again.ids) == sorted(emb.ids)
    assert not again.vectors[again.ids.index("x:0")].any()
    current = DeltaTable(tmp_path / "embeddings").file_uris()
    files = sorted(Path(f).parent.relative_to(tmp_path).as_posix() for f in current)
    assert files == ["embeddings/mention_date=2026-10-24", "embeddings/mention_date=2026-10-25"]  # one file a day
    with connect(tmp_path) as con:  # analysts can join them (docs/schema.md: the table's snapshot, no glob)
        con.register("vectors", DeltaTable(tmp_path / "embeddings").to_pyarrow_dataset())
        n = con.execute("SELECT count(*) FROM mentions JOIN vectors USING (mention_id)").fetchone()
    assert n == (6,)


def test_embeddings_of_the_dominant_encoder_are_used(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    t0 = datetime(2026, 10, 24, tzinfo=UTC)
    store.upsert_embeddings([(f"x:{i}", t0, np.ones(8)) for i in range(5)], "big")
    store.upsert_embeddings([(f"x:{i}", t0 + timedelta(days=1), np.ones(4)) for i in range(5, 7)], "small")
    store.upsert_embeddings([(f"x:{i}", t0, np.ones(8)) for i in range(7, 8)], "other")
    emb = store.embeddings([t0.date(), (t0 + timedelta(days=1)).date()])
    assert (emb.encoder, len(emb.ids), emb.vectors.shape, emb.skipped) == ("big", 5, (5, 8), 3)
    assert store.embeddings([]).ids == []


def test_set_topics_rewrites_only_the_topic_column_of_given_days(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(i, day_offset=i % 3, topic="old") for i in range(9)])
    days = store.days()
    labelled = store.set_topics({"x:1": "delivery · courier · late", "x:4": None}, days[1:])
    assert labelled == 1
    with connect(tmp_path) as con:
        rows = dict(con.execute("SELECT mention_id, topic FROM mentions").fetchall())
        likes = con.execute("SELECT sum(likes) FROM mentions").fetchone()[0]
    assert rows == {"x:0": "old", "x:3": "old", "x:6": "old", "x:1": "delivery · courier · late", "x:4": None,
                    "x:7": None, "x:2": None, "x:5": None, "x:8": None}
    assert likes == 9


def _themed_records(n_per_theme: int, start: datetime) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
    ids, texts, vecs, langs = corpus(n_per_theme=n_per_theme)
    records = [rec(i, day_offset=0, mention_id=f"x:{mid[2:]}", native_id=mid[2:], text=text, lang=lang,
                   created_at=start + timedelta(hours=3 * i))
               for i, (mid, text, lang) in enumerate(zip(ids, texts, langs, strict=True))]
    return records, dict(zip(ids, vecs, strict=True))


def test_topic_window_defaults_to_twice_the_report_window(settings_factory: Any) -> None:
    assert settings_factory().topic_window_days() == 28
    assert settings_factory(report={"window_days": 30}).topic_window_days() == 60
    assert settings_factory(topics={"window_days": 10}).topic_window_days() == 10


# ---- scorer --------------------------------------------------------------------------------------------


class CountingEncoder:
    name = "counting"
    dim = 4

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Any) -> np.ndarray:
        self.calls += 1
        return np.tile(np.arange(4, dtype=np.float32), (len(texts), 1))


class HeadModel:
    """A sentiment model with its own encoder: the scorer stores that encoder's vectors."""

    version = "fake-head"

    def __init__(self) -> None:
        self.encoder = CountingEncoder()

    def predict_proba(self, texts: Any) -> np.ndarray:
        return np.tile([0.1, 0.2, 0.7], (len(texts), 1))


def test_scorer_keeps_the_default_models_vectors_and_encodes_once() -> None:
    from nlp.sentiment import Head, HeadSentiment

    encoder = CountingEncoder()
    head = Head([np.eye(4, 3, k=-1, dtype=np.float32)], [np.zeros(3, dtype=np.float32)], 1.0, {})
    scorer = Scorer(sentiment=HeadSentiment(head=head, encoder=encoder))
    scores = scorer.score(["great", "", "fine"])
    assert encoder.calls == 1
    assert scorer.encoder is encoder
    assert scores[0].sentiment == "positive"
    assert scores[0].embedding is not None
    assert scores[0].embedding.tolist() == [0, 1, 2, 3]
    assert scores[1].embedding is None
    assert "embedding" not in scores[0].columns()


class JointModel(HeadModel):
    """Like a HeadSentiment that returns probabilities and embeddings from one pass itself."""

    def __init__(self) -> None:
        super().__init__()
        self.joint_calls = 0

    def predict_with_embeddings(self, texts: Any) -> tuple[np.ndarray, np.ndarray]:
        self.joint_calls += 1
        return np.tile([0.7, 0.2, 0.1], (len(texts), 1)), np.ones((len(texts), 4), dtype=np.float32)


def test_scorer_prefers_the_models_joint_method() -> None:
    model = JointModel()
    scores = Scorer(sentiment=model).score(["a", "b"])
    assert (model.joint_calls, model.encoder.calls) == (1, 0)
    assert scores[0].sentiment == "negative"
    assert scores[1].embedding is not None
    assert scores[1].embedding.tolist() == [1, 1, 1, 1]


def test_scorer_without_an_encoder_embeds_nothing() -> None:
    assert Scorer(sentiment=KeywordSentiment()).score(["late"])[0].embedding is None
    enc = CountingEncoder()
    scored = Scorer(sentiment=KeywordSentiment(), encoder=enc).score(["late delivery"])
    assert scored[0].sentiment == "negative"
    assert scored[0].embedding is not None


def test_topics_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from voxpop.cli import app

    records, vecs = _themed_records(45, datetime(2026, 10, 1, tzinfo=UTC))
    MentionStore(tmp_path / "data").upsert(records, embeddings=vecs, encoder="enc")
    cfg = tmp_path / "v.yaml"
    cfg.write_text("brands: [{name: Narmart, keywords: [Narmart]}]\nstorage: {path: data}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["topics", "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    assert re.search(r"3 topics; \d+ of 135 mentions from 2026-10-01 to 2026-10-17 labelled", result.output)
    assert " · " in result.output
