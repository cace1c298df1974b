"""The one empty-value rule every service writes through (core.records), worked on real columns."""
from app.archive.models import Client
from app.core.records import apply, stored_value
from app.visits.enums import Satisfaction
from app.visits.models import Interaction

COLUMNS = Interaction.__table__.c


def test_an_empty_optional_enum_is_null_never_an_empty_string():
    # A StrEnum is a str: the old rule turned a cleared satisfaction into '' and corrupted the visit.
    assert stored_value(COLUMNS["satisfaction"], None) is None
    assert stored_value(COLUMNS["satisfaction"], "") is None
    assert stored_value(COLUMNS["satisfaction"], Satisfaction.SATISFIED) is Satisfaction.SATISFIED


def test_an_empty_required_text_takes_the_column_default():
    assert stored_value(COLUMNS["summary"], None) == ""
    assert stored_value(Client.__table__.c["short_name"], None) == ""


def test_an_empty_optional_value_is_null():
    assert stored_value(COLUMNS["next_date"], "") is None
    assert stored_value(COLUMNS["client_key"], "") is None  # unique: two empty keys must not collide


def test_values_pass_through():
    assert stored_value(COLUMNS["summary"], "电话确认") == "电话确认"
    assert stored_value(COLUMNS["duration_minutes"], 0) == 0
    assert stored_value(COLUMNS["extra_services"], []) == []


def test_apply_sets_columns_only():
    visit = Interaction(summary="旧")
    apply(visit, {"summary": None, "satisfaction": "", "contact_ids": [1, 2], "id": 99})
    assert (visit.summary, visit.satisfaction, visit.id) == ("", None, None)
    assert not hasattr(visit, "contact_ids")
