"""Star ratings are parsed in one place (core.ratings): what counts as 1-5 stars, and what is quarantined."""

from __future__ import annotations

from typing import Any

import pytest

from core.ratings import parse_rating, rating_or_none
from core.types import reason_code
from storage.schema import validate_record
from tests.test_storage import rec


@pytest.mark.parametrize(("value", "stars"), [
    (4, 4), (1, 1), (5.0, 5), ("4", 4), (" 4 ", 4), ("4.0", 4), ("4,0", 4), ("4/5", 4), ("4 / 5", 4),
    ("4 of 5", 4), ("2 out of 5", 2), ("★★★★", 4), ("★★★☆☆", 3), ("⭐⭐⭐⭐⭐", 5), (None, None), ("", None),
])
def test_star_ratings_in_their_usual_shapes(value: Any, stars: int | None) -> None:
    assert parse_rating(value) == stars


@pytest.mark.parametrize("value", [0, 6, -1, "0", "6", "4.5", 4.5, "4/10", "10/5", "five", "☆☆☆", True, "4 stars!",
                                   float("nan"), [4], "½"])
def test_anything_else_is_no_rating(value: Any) -> None:
    with pytest.raises(ValueError, match="rating must be 1 to 5 stars") as err:
        parse_rating(value)
    assert reason_code(str(err.value)) == "bad_rating"
    assert rating_or_none(value) is None


def test_the_contract_refuses_a_rating_outside_one_to_five() -> None:
    assert validate_record(rec(1, rating=4)) is None
    assert validate_record(rec(1, rating=None)) is None
    for bad in (0, 6, "4", True, 4.0):
        problem = validate_record(rec(1, rating=bad))
        assert problem is not None
        assert reason_code(problem) == "bad_rating"
