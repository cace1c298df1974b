"""The regime's pinned day and the seeds' key-client cadence, shared by the visits HTTP tests."""
from datetime import date, datetime, time, timedelta

import pytest

from app.visits.enums import Channel, GradeDimension
from tests.factories import CadenceRuleFactory

TODAY = date(2027, 2, 1)


def at(days_ago: int) -> datetime:
    """10:00 on the day ``days_ago`` before TODAY (a negative number is in the future)."""
    return datetime.combine(TODAY - timedelta(days=days_ago), time(10))


@pytest.fixture
def frozen(app, monkeypatch):
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", TODAY)
    return TODAY


@pytest.fixture
def regime(db):
    """The seeds' key-client rules: A on-site every 30 days, phone every 14; 重点突破 phone every 7."""
    CadenceRuleFactory(value="A", channel=Channel.ONSITE, interval_days=30)
    CadenceRuleFactory(value="A", channel=Channel.PHONE, interval_days=14)
    CadenceRuleFactory(dimension=GradeDimension.STRATEGY_LAYER, value="breakthrough", channel=Channel.PHONE,
                       interval_days=7)
    db.session.commit()
