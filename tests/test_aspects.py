"""Tests for the pain-point aspect tagger, its taxonomy and the shared text normalisation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from core.languages import UI_LANGUAGES
from core.text import fold_ascii, normalize, tokenize_words
from nlp.aspects import DEFAULT_TAXONOMY_PATH, PACK_ALIASES, PACKS, AspectTagger, Taxonomy, stem_variants

LANGS = UI_LANGUAGES
ASPECTS = (
    "delivery", "price", "support", "quality", "website_app", "payment",
    "returns", "stock", "communication", "staff_store", "privacy", "marketing",
)  # fmt: skip
HELD_OUT = Path(DEFAULT_TAXONOMY_PATH).parent.parent / "data" / "aspects"
MIN_F1 = 0.75


@pytest.fixture(scope="module")
def tagger() -> AspectTagger:
    return AspectTagger()


def _tiny(**entries: Mapping[str, Any]) -> AspectTagger:
    return AspectTagger(Taxonomy.from_dict(entries))


# --------------------------------------------------------------------------- taxonomy


def test_packaged_taxonomy_is_complete() -> None:
    taxonomy = Taxonomy.load()
    assert taxonomy.names == ASPECTS
    assert len(taxonomy) == len(ASPECTS)
    for aspect in taxonomy:
        assert aspect.cx_area
        assert aspect.description
        for lang in LANGS:
            assert aspect.labels[lang], (aspect.name, lang)
            assert len(aspect.terms[lang]) >= 15, (aspect.name, lang, len(aspect.terms[lang]))
            assert len(aspect.examples[lang]) == 2, (aspect.name, lang)
            assert all(term == term.lower() for term in aspect.terms[lang]), (aspect.name, lang)
    assert taxonomy["delivery"].cx_area == "Shipping and delivery"
    assert taxonomy["support"].label("hy") == "Հաճախորդների աջակցություն"
    assert taxonomy["support"].label("xx") == "Customer support"
    assert "delivery" in taxonomy
    assert "nope" not in taxonomy
    with pytest.raises(KeyError):
        taxonomy["nope"]


def test_each_aspect_tags_its_own_examples(tagger: AspectTagger) -> None:
    for aspect in tagger.taxonomy:
        for lang in LANGS:
            for example in aspect.examples[lang]:
                assert aspect.name in tagger.tag(example, lang), (aspect.name, lang, example)


def test_extra_adds_terms_to_existing_and_new_aspects() -> None:
    extra = {
        "delivery": {"terms": {"en": ["teleport"]}, "label": {"en": "Shipping"}},
        "loyalty": {
            "cx_area": "Personalisation",
            "label": {"en": "Loyalty programme"},
            "terms": {"en": ["bonus points", "loyalty card"], "ru": ["бонус"]},
        },
    }
    taxonomy = Taxonomy.load(extra=extra)
    assert taxonomy.names == (*ASPECTS, "loyalty")
    assert "teleport" in taxonomy["delivery"].terms["en"]
    assert "courier" in taxonomy["delivery"].terms["en"]  # packaged terms are kept
    assert taxonomy["delivery"].label("en") == "Shipping"
    assert taxonomy["delivery"].label("az") == "Çatdırılma"
    tagger = AspectTagger(taxonomy)
    assert tagger.tag("They teleported my parcel to Mars") == ["delivery"]
    assert tagger.tag("Бонусы не начислили") == ["loyalty"]
    assert tagger.tag("my Bonus-Points vanished") == ["loyalty"]


def test_load_from_path(tmp_path: Path) -> None:
    path = tmp_path / "tax.yaml"
    path.write_text("aspects:\n  parking:\n    cx_area: Stores\n    terms: {en: ['parking']}\n", encoding="utf-8")
    taxonomy = Taxonomy.load(path)
    assert taxonomy.names == ("parking",)
    assert AspectTagger(taxonomy).tag("No PARKING spaces at all") == ["parking"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match="top-level 'aspects'"):
        Taxonomy.load(bad)


@pytest.mark.parametrize(
    ("name", "entry", "message"),
    [
        ("Bad-Name", {"cx_area": "x", "terms": {"en": ["a"]}}, "aspect name 'Bad-Name'"),
        ("parking", {"terms": {"en": ["parking"]}}, "'parking': missing required field 'cx_area'"),
        ("parking", {"cx_area": "x"}, "'parking': field 'terms' needs at least one term"),
        ("parking", {"cx_area": "x", "terms": {"en": []}}, "'parking': field 'terms' needs at least one"),
        ("parking", {"cx_area": "x", "term": {"en": ["p"]}}, "'parking': unknown field"),
        ("parking", {"cx_area": "x", "terms": {"en": [False]}}, "'parking': field 'terms' \\(en\\)"),
        ("parking", {"cx_area": "x", "terms": {"en": "parking"}}, "must be a list of strings"),
        ("parking", {"cx_area": "x", "terms": {"English": ["p"]}}, "invalid language code 'English'"),
        ("parking", {"cx_area": "x", "terms": {"en": ["$"]}}, "term '\\$' has no letters"),
        ("parking", {"cx_area": "", "terms": {"en": ["p"]}}, "'cx_area' must be a non-empty string"),
        ("parking", {"cx_area": "x", "terms": {"en": ["p"]}, "label": "Parking"}, "'label' must map"),
        ("parking", ["not", "a", "mapping"], "entry must be a mapping"),
    ],
)
def test_validation_errors_name_aspect_and_field(name: str, entry: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Taxonomy.from_dict({name: entry})


def test_extra_entries_are_validated_too() -> None:
    with pytest.raises(ValueError, match="'delivery': field 'terms' \\(en\\)"):
        Taxonomy.load(extra={"delivery": {"terms": {"en": [None]}}})
    with pytest.raises(ValueError, match="'newone': missing required field 'cx_area'"):
        Taxonomy.load(extra={"newone": {"terms": {"en": ["x"]}}})


# --------------------------------------------------------------------------- normalisation


def test_normalize_turkic_i_nfkc_zero_width_and_spaces() -> None:
    assert normalize("İADE İSTİYORUM") == "iade istiyorum"  # no stray combining dot
    assert normalize("IŞIK") == "işik"  # plain I -> i: language-agnostic, see module docs
    assert normalize("ılık") == "ılık"
    assert normalize("ＤＥＬＩＶＥＲＹ") == "delivery"  # full-width (NFKC)
    assert normalize("çat\u200bdırıl\u00adma") == "çatdırılma"  # zero-width space, soft hyphen
    assert normalize("  a \t\n b  ") == "a b"
    assert normalize("ուշացե՞լ է") == "ուշացել է"  # Armenian question mark inside the word
    assert normalize("\u0587") == "եւ"  # Armenian ligature
    assert normalize("") == ""


def test_fold_ascii() -> None:
    assert fold_ascii("çatdırılma gecikdi, şikayət, öz, gün, ağ") == "catdirilma gecikdi, sikayet, oz, gun, ag"
    assert fold_ascii("ÇATDIRILMA") == "CATDIRILMA"
    assert fold_ascii("hâlâ") == "hala"
    assert fold_ascii("ещё") == "еще"
    assert fold_ascii("чатдырылма ҝәлмәди") == "чатдырылма келмеди"
    assert fold_ascii("shikayet") == "shikayet"  # digraphs are kept
    assert fold_ascii("plain ascii") == "plain ascii"


def test_tokenize_words() -> None:
    assert tokenize_words("Narmart'tan aldım") == ["narmart", "tan", "aldım"]
    assert tokenize_words("#catdirilma #slow_delivery!!") == ["catdirilma", "slow", "delivery"]
    assert tokenize_words("Առաքումը ուշացավ, доставка 3 дня") == ["առաքումը", "ուշացավ", "доставка", "3", "дня"]
    assert tokenize_words("") == []


# --------------------------------------------------------------------------- matching rules


def test_stems_match_at_word_start_only() -> None:
    tagger = _tiny(ship={"cx_area": "x", "terms": {"en": ["ship"]}})
    assert tagger.tag("Shipping took ages") == ["ship"]
    assert tagger.tag("#shipping") == ["ship"]
    assert tagger.tag("slow_shipping") == ["ship"]
    assert tagger.tag("3shipments") == ["ship"]  # digits separate words
    assert tagger.tag("our relationship") == []
    assert tagger.tag("worship") == []


def test_dollar_means_whole_word_and_short_words_are_whole() -> None:
    tagger = _tiny(
        app={"cx_area": "x", "terms": {"en": ["app$"]}},
        ui={"cx_area": "x", "terms": {"en": ["ui"]}},
    )
    assert tagger.tag("the app is slow") == ["app"]
    assert tagger.tag("the APP.") == ["app"]
    assert tagger.tag("apple juice, apps, happy") == []
    assert tagger.tag("new UI sucks") == ["ui"]
    assert tagger.tag("uint8 overflow") == []


def test_phrases_allow_flexible_separators_and_inflection() -> None:
    tagger = _tiny(cs={"cx_area": "x", "terms": {"en": ["customer service"], "ru": ["служб поддерж"]}})
    for text in ("Customer  service!", "customer-service", "#CustomerService", "customers service"):
        assert tagger.tag(text) == ["cs"], text
    assert tagger.tag("написал в службу поддержки") == ["cs"]
    assert tagger.tag("customer was happy with the service") == []


def test_ascii_and_digraph_spellings_match(tagger: AspectTagger) -> None:
    for text in ("Çatdırılma gecikdi", "catdirilma gecikdi", "CATDIRILMA", "chatdirilma yoxdu", "ÇATDIRILMA"):
        assert "delivery" in tagger.tag(text), text
    assert "price" in tagger.tag("qiymetler cox bahadi")
    assert "returns" in tagger.tag("İADE ETMİYORLAR")


def test_exclude_blanks_other_meanings(tagger: AspectTagger) -> None:
    assert "staff_store" not in tagger.tag("their online store is a mess")
    assert "staff_store" not in tagger.tag("app store says the update failed")
    assert "staff_store" not in tagger.tag("Заказала в интернет-магазине")
    assert "staff_store" in tagger.tag("the online store is fine but the store on Nizami st is filthy")
    assert "delivery" not in tagger.tag("e-poçt ünvanımı dəyişdim")


@pytest.mark.parametrize(
    "text",
    [
        "my relationship with coffee is complicated",
        "he works at the shipyard",
        "stainless steel pans are great",
        "saw a huge ship at the port",
        "Bahar gəldi, ağaclar çiçək açıb",
        "qabaqcadan deyim ki film maraqlıdır",
        "zaman çok hızlı geçiyor",
        "küfür etmeyin lütfen",
        "Գինին շատ համով էր",
        "В первую очередь спасибо организаторам",
        "Это зависит от погоды",
        "Дорога до дачи заняла два часа",
        "Я очень ценю своих друзей",
        "прикладываю фото нашего кота",
        "отменная погода сегодня",
    ],
)
def test_no_false_positives_on_tricky_negatives(tagger: AspectTagger, text: str) -> None:
    assert tagger.tag(text) == [], tagger.explain(text)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Courier lost my parcel and support never replied", ["delivery", "support"]),
        ("az", "Kuryer 3 gün gecikdi, dəstək cavab vermir", ["delivery", "support"]),
        ("az", "kartımdan iki dəfə pul çıxıb", ["payment"]),
        ("tr", "Kargom hâlâ gelmedi, iade de etmiyorlar", ["delivery", "returns"]),
        ("tr", "Uygulama sürekli çöküyor", ["website_app"]),
        ("hy", "Առաքիչը ուշացավ, գինն էլ թանկ էր", ["delivery", "price"]),
        ("hy", "araqichy ushacav", ["delivery"]),
        ("ru", "Доставили бракованный товар", ["delivery", "quality"]),
        ("ru", "Продавец нахамил, нет в наличии ничего", ["stock", "staff_store"]),
    ],
)
def test_every_language(tagger: AspectTagger, lang: str, text: str, expected: list[str]) -> None:
    assert tagger.tag(text, lang) == expected
    assert tagger.tag(text) == expected  # lang is not needed


def test_mixed_script_text(tagger: AspectTagger) -> None:
    text = "Narmart kuryer опоздал на 3 дня, ответа от support нет, araqumy ushanum a, iade yok"
    assert tagger.tag(text) == ["delivery", "support", "returns"]


def test_output_is_unique_and_in_taxonomy_order(tagger: AspectTagger) -> None:
    text = "privacy! shipping shipping, price price, delivery, refund, courier"
    assert tagger.tag(text) == ["delivery", "price", "returns", "privacy"]


def test_empty_and_whitespace_text(tagger: AspectTagger) -> None:
    assert tagger.tag("") == []
    assert tagger.tag("   \n\t ") == []
    assert tagger.tag("\u200b") == []
    assert tagger.tag_many([]) == []


def test_long_text(tagger: AspectTagger) -> None:
    text = ("lorem ipsum dolor sit amet " * 1500)[:39_990] + " refund"
    assert len(text) > 39_990
    assert tagger.tag(text) == ["returns"]
    assert tagger.tag("x" * 40_000) == []


def test_tag_many(tagger: AspectTagger) -> None:
    texts = ["courier late", "", "Цены выросли"]
    assert tagger.tag_many(texts) == [["delivery"], [], ["price"]]
    assert tagger.tag_many(texts, ["en", None, "ru"]) == tagger.tag_many(texts)
    with pytest.raises(ValueError, match="langs has 1 items but texts has 3"):
        tagger.tag_many(texts, ["en"])


def test_explain_shows_matched_pieces(tagger: AspectTagger) -> None:
    assert tagger.explain("Kargo gecikti") == {"delivery": ["kargo", "gecik"]}


# --------------------------------------------------------------------------- held-out quality


def _micro_f1(tagger: AspectTagger, lang: str) -> tuple[float, int]:
    tp = fp = fn = rows = 0
    with (HELD_OUT / f"{lang}.test.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            gold, pred = set(row["aspects"]), set(tagger.tag(row["text"], lang))
            assert gold <= set(ASPECTS), row
            tp, fp, fn, rows = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred), rows + 1
    return (2 * tp / (2 * tp + fp + fn) if tp else 0.0), rows


@pytest.mark.parametrize("lang", LANGS)
def test_held_out_micro_f1(tagger: AspectTagger, lang: str) -> None:
    f1, rows = _micro_f1(tagger, lang)
    assert rows == 80
    assert f1 >= MIN_F1, f"{lang}: micro-F1 {f1:.3f} < {MIN_F1}"


# --------------------------------------------------------------------------- learned head


def _toy_head() -> Any:
    import numpy as np

    from nlp.training import AspectHead

    # dimension 0 → delivery, dimension 1 → support, "teleport" is not in the taxonomy
    weights = np.array([[10.0, 0, 0], [0, 10.0, 0], [0, 0, 10.0]], dtype=np.float32)
    return AspectHead(("delivery", "support", "teleport"), weights, np.full(3, -5.0, np.float32), 0.7)


def test_head_adds_confident_aspects_in_taxonomy_order(tmp_path: Path) -> None:
    import numpy as np

    head = _toy_head()
    tagger = AspectTagger(head=head)
    texts = ["waited at the door all week", "prices went up", "nothing here"]
    vectors = np.array([[1.0, 1.0, 1.0], [0, 0, 0], [0.4, 0, 0]], dtype=np.float32)
    assert tagger.tag_many(texts) == [[], ["price"], []]  # no vectors: terms alone
    assert tagger.tag_many(texts, vectors=vectors) == [["delivery", "support"], ["price"], []]
    head.save(tmp_path / "h.npz")
    from nlp.training import AspectHead

    loaded = AspectHead.load(tmp_path / "h.npz")
    assert loaded is not None
    assert loaded.digest == head.digest
    assert loaded.predict(vectors) == head.predict(vectors)
    assert AspectHead.load(tmp_path / "missing.npz") is None


def test_aspect_head_training_picks_c_and_threshold_by_cross_validation(tmp_path: Path) -> None:
    import numpy as np

    from nlp.training import ASPECT_C, ASPECT_THRESHOLDS, train_aspect_head

    class Words:
        """Fake encoder: one dimension per cue word, so the head can learn paraphrases."""

        name, dim = "words", 3
        cues = ("door", "nobody", "lovely")

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.array([[float(c in t.lower()) for c in self.cues] for t in texts], dtype=np.float32)

    rows = [{"text": f"stared at the door for {i} days", "aspects": ["delivery"]} for i in range(20)]
    rows += [{"text": f"nobody answered me, try {i}", "aspects": ["support"]} for i in range(20)]
    rows += [{"text": f"lovely weather {i}", "aspects": []} for i in range(20)]
    (tmp_path / "en.train.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    (tmp_path / "en.test.jsonl").write_text(json.dumps({"text": "the door again", "aspects": ["delivery"]}),
                                           encoding="utf-8")
    head = train_aspect_head(Words(), data_dir=tmp_path, log=lambda _: None)
    assert head.meta["C"] in ASPECT_C
    assert head.threshold in ASPECT_THRESHOLDS
    assert head.meta["test_micro_f1"]["en"] == {"terms": 0.0, "terms+head": 1.0}
    assert AspectTagger(head=head).tag_many(["nobody replies"], vectors=Words().encode(["nobody replies"])) == [
        ["support"]]


# --------------------------------------------------------------------------- industry packs, alternation


def test_final_consonant_alternation_is_one_documented_rule() -> None:
    assert stem_variants("dəstək", "az") == ("dəstək", "dəstəy")
    assert stem_variants("yanacaq", "az") == ("yanacaq", "yanacağ")
    assert stem_variants("destek", "tr") == ("destek", "desteğ")
    assert stem_variants("beklet", "tr") == ("beklet",)  # only the regular k→ğ in Turkish
    assert stem_variants("app$", "az") == ("app$",)  # whole words never alternate
    assert stem_variants("kök", "az") == ("kök",)  # too short
    assert stem_variants("поддержк", "ru") == ("поддержк",)  # Russian: endings, covered by the stem
    tagger = _tiny(help={"cx_area": "x", "terms": {"az": ["dəstək"], "tr": ["destek"], "ru": ["карт"]}})
    for text in ("Kapital Bank dəstəyi cavab vermir", "DƏSTƏYİ", "destəyi", "destəyinə yazdım",
                 "Leobank'ın desteği yok", "desteğe ulaşamadım", "карту", "картой", "карты"):
        assert tagger.tag(text) == ["help"], text
    assert tagger.tag("dəstəmaz") == []
    assert _tiny(late={"cx_area": "x", "terms": {"az": ["gecik"]}}).tag("zaman çok hızlı geçiyor") == []
    # The alternation belongs to the term's language: an English stem keeps its "k".
    assert _tiny(b={"cx_area": "x", "terms": {"en": ["bank"]}}).tag("banyo") == []


def test_default_pack_matches_azerbaijani_and_turkish_soft_forms(tagger: AspectTagger) -> None:
    assert "support" in tagger.tag("ABB dəstəyi heç nə etmir")
    assert "support" in tagger.tag("Müşteri desteği berbat")


def test_packs_have_labels_and_terms_in_every_language() -> None:
    for pack in PACKS:
        taxonomy = Taxonomy.pack(pack)
        tagger = AspectTagger(taxonomy)
        assert len(taxonomy) >= 8, pack
        for aspect in taxonomy:
            for lang in LANGS:
                assert aspect.labels.get(lang), (pack, aspect.name, lang)
                assert len(aspect.terms.get(lang, ())) >= 5, (pack, aspect.name, lang)
                for example in aspect.examples.get(lang, ()):
                    assert aspect.name in tagger.tag(example), (pack, aspect.name, example)
    assert Taxonomy.pack().names == Taxonomy.load().names == ASPECTS  # the default keeps today's taxonomy
    assert Taxonomy.pack("retail").names == ASPECTS
    assert Taxonomy.pack("fintech").names == Taxonomy.pack("banking").names
    assert {"cards", "fees", "outage", "atm", "loans", "transfers", "support"} <= set(Taxonomy.pack("banking").names)
    assert {"coverage", "signal", "internet_speed", "tariffs", "roaming", "billing", "support"} <= set(
        Taxonomy.pack("telecom").names)
    assert "payment" not in Taxonomy.pack("banking")


def test_unknown_pack_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown taxonomy 'bank'; choose one of: ecommerce, banking, telecom"):
        Taxonomy.pack("bank")


def test_config_selects_a_pack_and_rejects_unknown_names(tmp_path: Path) -> None:
    from typing import get_args

    from core.config import Model, settings_from_mapping
    from core.errors import ConfigError

    assert set(get_args(Model.model_fields["taxonomy"].annotation)) == {*PACKS, *PACK_ALIASES}
    base = {"brands": [{"name": "Kapital Bank", "keywords": ["kapital bank", "kapitalbank"]}]}
    assert settings_from_mapping(base, base=tmp_path).model.taxonomy == "ecommerce"
    chosen = settings_from_mapping({**base, "model": {"taxonomy": "banking"}}, base=tmp_path)
    assert chosen.model.taxonomy == "banking"
    with pytest.raises(ConfigError, match=r"model\.taxonomy: .*'ecommerce'.*'banking'.*'telecom'"):
        settings_from_mapping({**base, "model": {"taxonomy": "bank"}}, base=tmp_path)


# Bank-case rows (Kapital Bank, ABB, Leobank): text -> aspects expected with `model.taxonomy: banking`.
BANK_ROWS: list[tuple[str, str, set[str]]] = [
    ("az", "Kapital Bank kartımı səbəbsiz blokladı", {"cards"}),
    ("az", "Leobank kartı bu gün gəldi, dizaynı gözəldir", {"cards"}),
    ("az", "ABB-də köçürmə komissiyası çox yüksəkdir", {"fees", "transfers"}),
    ("az", "kart xidmət haqqı ildə 10 manat oldu, əvvəl pulsuz idi", {"cards", "fees"}),
    ("az", "Kapital Bank tətbiqi yenə çökür, heç nə işləmir", {"outage", "website_app"}),
    ("az", "Nizami küçəsindəki bankomat kartımı uddu", {"atm"}),
    ("az", "Kredit faizi Leobank-da daha aşağıdır", {"loans"}),
    ("az", "Kapital Bank dəstəyi iki gündür cavab vermir", {"support"}),
    ("ru", "Хочу заказать карту ABB, какие условия?", {"cards"}),
    ("ru", "Комиссия за перевод с карты на карту выросла", {"cards", "fees", "transfers"}),
    ("ru", "Плата за обслуживание теперь 5 манат", {"fees"}),
    ("ru", "Приложение Kapital Bank не работает с утра", {"outage", "website_app"}),
    ("ru", "Банкомат не выдал деньги, а со счёта списали", {"atm", "transfers"}),
    ("ru", "Одобрили кредит за один день, спасибо Leobank", {"loans"}),
    ("tr", "Kapital Bank kartım bloke oldu", {"cards"}),
    ("tr", "Havale komisyonu çok yüksek", {"fees", "transfers"}),
    ("tr", "Uygulama yine çalışmıyor, çöktü", {"outage", "website_app"}),
    ("tr", "ATM kartımı yuttu", {"atm"}),
    ("tr", "İhtiyaç kredisi başvurum reddedildi", {"loans"}),
    ("en", "Got my new Leobank card today", {"cards"}),
    ("en", "ABB charges a fee for every transfer now", {"fees", "transfers"}),
    ("en", "Kapital Bank app doesn't work again", {"outage", "website_app"}),
    ("en", "The ATM on Fuzuli street is always out of cash", {"atm"}),
    ("en", "Leobank loan approved in minutes", {"loans"}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), BANK_ROWS)
def test_banking_pack_tags_the_bank_case(lang: str, text: str, expected: set[str]) -> None:
    tagger = _banking()
    assert set(tagger.tag(text, lang)) == expected, tagger.explain(text)


def test_a_plain_card_mention_is_not_a_payment_with_the_banking_pack(tagger: AspectTagger) -> None:
    plain = ["Leobank kartı bu gün gəldi", "Хочу заказать карту ABB", "Kartım bloke oldu", "Got my new card"]
    assert all("payment" in tagger.tag(text) for text in plain[:3])  # the retail pack reads a card as checkout
    assert [_banking().tag(text) for text in plain] == [["cards"]] * 4


def test_scorer_uses_the_configured_pack() -> None:
    from nlp import Scorer
    from tests.conftest import KeywordSentiment

    scorer = Scorer(sentiment=KeywordSentiment(), taxonomy="banking")
    assert scorer.taxonomy.names == Taxonomy.pack("banking").names
    assert scorer.score(["Bankomat kartımı uddu", "Kartımı blokladılar"])[1].aspects == ["cards"]
    assert "banking" in scorer.model_version
    assert "banking" not in Scorer(sentiment=KeywordSentiment()).model_version


_BANKING: list[AspectTagger] = []


def _banking() -> AspectTagger:
    if not _BANKING:
        _BANKING.append(AspectTagger(Taxonomy.pack("banking")))
    return _BANKING[0]


def test_a_pack_includes_aspects_of_another_pack(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("aspects:\n  help:\n    cx_area: S\n    terms: {az: ['dəstək']}\n",
                                        encoding="utf-8")
    pack = tmp_path / "mine.yaml"
    pack.write_text("include: [base.help]\naspects:\n  atm:\n    cx_area: C\n    terms: {en: ['atm$']}\n",
                    encoding="utf-8")
    taxonomy = Taxonomy.load(pack)
    assert taxonomy.names == ("atm", "help")  # own aspects first
    assert AspectTagger(taxonomy).tag("ATM yox, dəstəyi də yox") == ["atm", "help"]
    for include, message in (("[base.nope]", "has no aspect 'nope'"), ("[other.help]", "another pack's aspect"),
                             ("base.help", "must be a list")):
        pack.write_text(f"include: {include}\naspects:\n  atm:\n    cx_area: C\n    terms: {{en: ['atm$']}}\n",
                        encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            Taxonomy.load(pack)


def test_links_and_handles_are_not_words_of_the_post() -> None:
    """Real tweets address brands by handle and carry links: "@acme_support" is not a complaint about support."""
    tagger = AspectTagger()
    assert tagger.tag("@AcmeSupport_desk thanks! https://t.co/app_delivery_ux www.shop.example/refund") == []
    assert tagger.tag("@acme the courier never came") == ["delivery"]


def test_typographic_apostrophes_match_like_straight_ones() -> None:
    tagger = AspectTagger()
    assert tagger.tag("ordered two weeks ago and it still hasn’t arrived") == tagger.tag(
        "ordered two weeks ago and it still hasn't arrived") == ["delivery"]
