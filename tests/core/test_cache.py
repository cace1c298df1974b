"""The per-process cache: a value is served until the data changes, and then nothing made before is kept."""
import pytest

from app.core import cache
from app.core.cache import Cache


def test_a_value_is_kept_until_the_data_changes_and_then_dropped(app):
    with app.app_context():
        kept = Cache()
        assert kept.get("feed", lambda: "first") == "first"
        assert kept.get("feed", lambda: "second") == "first"
        cache.changed()
        assert kept.get("other", lambda: "third") == "third"
        assert list(kept._values) == [("other", cache.stamp())]  # the feed made before the change is not held
        assert kept.get("feed", lambda: "fourth") == "fourth"


def test_weighed_values_are_kept_within_the_byte_budget_oldest_dropped_first(app):
    with app.app_context():
        kept = Cache(size=10, budget=100, weigh=len)
        kept.get("a", lambda: b"x" * 40)
        kept.get("b", lambda: b"x" * 40)
        kept.get("a", lambda: b"made again")  # used again: now the most recent
        kept.get("c", lambda: b"x" * 40)  # 120 bytes would be held: the least recently used (b) goes
        assert [key for key, _stamp in kept._values] == ["a", "c"]
        assert kept.held == 80
        assert kept.get("b", lambda: b"y" * 10) == b"y" * 10


def test_a_value_larger_than_the_whole_budget_is_served_but_not_kept(app):
    with app.app_context():
        kept = Cache(budget=100, weigh=len)
        kept.get("small", lambda: b"x" * 10)
        assert kept.get("huge", lambda: b"x" * 101) == b"x" * 101
        assert [key for key, _stamp in kept._values] == ["small"]
        assert kept.get("huge", lambda: b"again") == b"again"


def test_a_budget_needs_a_weight():
    with pytest.raises(ValueError):
        Cache(budget=100)
