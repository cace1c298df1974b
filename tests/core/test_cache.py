"""The per-process cache: a value is served until the data changes, and then nothing made before is kept."""
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
