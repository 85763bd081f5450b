"""Synthetic scored mentions for report and flow tests (no model involved)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

PROBS = {
    "positive": {"positive": 0.8, "neutral": 0.15, "negative": 0.05},
    "neutral": {"positive": 0.2, "neutral": 0.6, "negative": 0.2},
    "negative": {"positive": 0.05, "neutral": 0.15, "negative": 0.8},
}


def scored(i: int, *, brand: str, day: date, sentiment: str, aspects: list[str] | None = None,
           text: str | None = None, lang: str = "en", platform: str = "x", competitor: bool = False,
           likes: int = 0, topic: str | None = None) -> dict[str, Any]:
    aspects = aspects or []
    probs = PROBS[sentiment]
    created = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(minutes=i % 600)
    return {
        "mention_id": f"{platform}:{i}", "platform": platform, "native_id": str(i),
        "url": f"https://example.test/{i}", "created_at": created, "collected_at": created + timedelta(hours=1),
        "source": "test", "brand": brand, "is_competitor": competitor, "brands": [brand], "matched_terms": [brand],
        "author_hash": f"{i:016x}", "author_handle": None, "thread_id": None, "parent_id": None,
        "likes": likes, "reposts": 0, "replies": 0, "views": None, "lang": lang, "lang_confidence": 0.9,
        "text": text or f"{brand} {sentiment} {' '.join(aspects)} mention number {i}",
        "sentiment": sentiment, "sentiment_score": probs["positive"] - probs["negative"],
        "sentiment_confidence": max(probs.values()), "sentiment_probs": probs, "aspects": aspects,
        "is_pain_point": sentiment == "negative" and bool(aspects), "topic": topic, "model_version": "test",
        "run_id": "r",
    }


def story(start: date = date(2026, 9, 1), days: int = 60, seed: int = 7) -> list[dict[str, Any]]:
    """Two brands over ``days`` days: steady chatter, then a delivery-complaint surge for 'Acme' near the end."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    i = 0
    for d in range(days):
        day = start + timedelta(days=d)
        for brand, competitor, n in (("Acme", False, 12), ("Rival", True, 8)):
            for _ in range(n + rng.randint(-2, 2)):
                i += 1
                sentiment = rng.choice(["positive", "neutral", "negative"])
                aspects = [rng.choice(["price", "support", "quality"])] if sentiment != "neutral" else []
                rows.append(scored(i, brand=brand, day=day, sentiment=sentiment, aspects=aspects,
                                   competitor=competitor, lang=rng.choice(["az", "tr", "en"]),
                                   platform=rng.choice(["x", "reddit"])))
        if d >= days - 12:  # the surge
            extra = 30 if d == days - 8 else 10
            for k in range(extra):
                i += 1
                rows.append(scored(i, brand="Acme", day=day, sentiment="negative", aspects=["delivery"],
                                   text=f"Acme courier lost my parcel again, day {d} case {k}", lang="az"))
    return rows


def with_topics(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give ``story`` rows topic labels, as the topic model would, with known growth patterns.

    - "delivery · courier · late": the surge's mentions (absent before: new, and what the spike is about);
    - "support · no answer": Acme's negative support mentions, every one from 1 Oct, every third before;
    - "price · expensive": Rival's price mentions, every other one throughout (steady);
    - "app · crash": three Acme mentions on the last day (new, but too few to rank);
    - some blank labels, which count as no topic.
    """
    last = max(r["created_at"] for r in rows).date()
    crashes = 0
    for k, r in enumerate(rows):
        day = r["created_at"].date()
        if "courier" in r["text"]:
            r["topic"] = "delivery · courier · late"
        elif r["brand"] == "Acme" and r["sentiment"] == "negative" and r["aspects"] == ["support"]:
            r["topic"] = "support · no answer" if day >= date(2026, 10, 1) or k % 3 == 0 else None
        elif r["brand"] == "Rival" and r["aspects"] == ["price"]:
            r["topic"] = "price · expensive" if k % 2 == 0 else None
        elif r["brand"] == "Acme" and day == last and r["sentiment"] == "neutral" and crashes < 3:
            r["topic"] = "app · crash"
            crashes += 1
        elif k % 17 == 0:
            r["topic"] = " " if k % 2 else ""
    return rows
