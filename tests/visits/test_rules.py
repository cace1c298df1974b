"""Visits' rules worked by hand: cadence interval and due date, the 5-3-2 bands, festivals, care on life events.
Each expected lunar date is also converted back with lunar-python, so a wrong literal fails loudly."""
from datetime import date

import pytest
from flask_babel import force_locale
from lunar_python import Solar

from app.archive.enums import LIFE_EVENTS, SpecialDateKind
from app.visits.rules import (
    BAND_LABELS,
    BANDS,
    BENCHMARK,
    DEFAULT_RULES,
    Rule,
    band_split,
    greeting_text,
    interval_for,
    next_due,
    overdue_days,
    recency_band,
    suggested_action,
)

TODAY = date(2026, 5, 20)


def lunar_of(day: date) -> tuple[int, int, int]:
    """(lunar year, month, day) of a solar date; a leap month comes back negative."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return lunar.getYear(), lunar.getMonth(), lunar.getDay()


def client(value_grade=None, strategy_layer=None, **others) -> dict[str, str | None]:
    return {"value_grade": value_grade, "strategy_layer": strategy_layer, **others}


# --- interval: which rule answers --------------------------------------------------------------------------


@pytest.mark.parametrize("classification, onsite, phone", [
    (client("A"), 30, 14),                          # key client by grade: a visit a month, a call a fortnight
    (client(strategy_layer="breakthrough"), 30, 14),  # key client by layer: the same
    (client("B"), 90, 45),                          # potential: a needs survey a quarter, a call every 45 days
    (client(strategy_layer="potential"), 90, 45),
    (client("C"), 180, None),                       # long-term: a planning meeting every half year, no phone clock
    (client(strategy_layer="long_term"), 180, None),
    (client("D"), None, 180),                       # D: only a call every half year
    (client(strategy_layer="risk"), None, None),    # no default rule for 风险关注
    (client(), None, None),                         # not classified at all
])
def test_default_rules_follow_the_issue(classification, onsite, phone):
    assert interval_for(classification, DEFAULT_RULES, "onsite") == onsite
    assert interval_for(classification, DEFAULT_RULES, "phone") == phone


def test_the_shortest_matching_interval_wins():
    # A long-term client graded B: 长期合作 says on-site every 180 days, B says every 90 → 90
    assert interval_for(client("B", "long_term"), DEFAULT_RULES, "onsite") == 90
    # both A and 重点突破 (30 each) plus an admin's custom 10-day rule on 重点突破 → 10
    custom = (*DEFAULT_RULES, Rule("strategy_layer", "breakthrough", "onsite", 10))
    assert interval_for(client("A", "breakthrough"), custom, "onsite") == 10
    assert interval_for(client("A", "breakthrough"), custom, "phone") == 14
    # the order the rules come in does not matter
    assert interval_for(client("A", "breakthrough"), reversed(custom), "onsite") == 10


def test_a_phone_rule_never_answers_for_onsite():
    phone_only = (Rule("value_grade", "A", "phone", 7),)
    assert interval_for(client("A"), phone_only, "phone") == 7
    assert interval_for(client("A"), phone_only, "onsite") is None


def test_a_rule_must_match_both_dimension_and_value():
    rules = (Rule("relationship_class", "vip", "phone", 20), Rule("value_grade", "B", "phone", 45))
    # a client graded A (not B) and with no relationship class matches neither
    assert interval_for(client("A"), rules, "phone") is None
    # "vip" under a different dimension does not count
    assert interval_for(client(strategy_layer="vip"), rules, "phone") is None
    assert interval_for(client("A", relationship_class="vip"), rules, "phone") == 20
    # a dimension missing from the classification, or no rules at all, match nothing
    assert interval_for({}, rules, "phone") is None
    assert interval_for(client("B"), (), "phone") is None


# --- due date and overdue ----------------------------------------------------------------------------------


def test_next_due_counts_from_the_last_done_touch():
    # last on-site visit 2026-04-25, every 30 days → 2026-05-25
    assert next_due(date(2026, 4, 25), 30, since=date(2025, 1, 1)) == date(2026, 5, 25)
    # across a month end and a year end: 2025-12-20 + 14 → 2026-01-03
    assert next_due(date(2025, 12, 20), 14, since=date(2025, 1, 1)) == date(2026, 1, 3)


def test_next_due_counts_from_archiving_when_never_touched():
    # archived 2026-03-01, never called, phone every 45 days → 2026-04-15
    assert next_due(None, 45, since=date(2026, 3, 1)) == date(2026, 4, 15)


@pytest.mark.parametrize("due, days", [
    (date(2026, 5, 13), 7),    # due a week ago: 7 days overdue
    (date(2026, 5, 20), 0),    # due today
    (date(2026, 5, 23), -3),   # due in three days
    (date(2025, 12, 31), 140),  # across New Year: Jan 31 + Feb 28 + Mar 31 + Apr 30 + May 20 = 140
])
def test_overdue_days(due, days):
    assert overdue_days(due, TODAY) == days


# --- the 5-3-2 bands ---------------------------------------------------------------------------------------


def test_bands_and_benchmark():
    assert BANDS == ("deep", "ordinary", "forgotten")
    assert set(BAND_LABELS) == set(BANDS) == set(BENCHMARK)
    assert BENCHMARK == {"deep": 20, "ordinary": 30, "forgotten": 50}
    assert sum(BENCHMARK.values()) == 100


@pytest.mark.parametrize("last_touch, band", [
    (TODAY, "deep"),                   # touched today
    (date(2026, 4, 20), "deep"),       # 30 days ago: still deep
    (date(2026, 4, 19), "ordinary"),   # 31 days ago
    (date(2026, 2, 19), "ordinary"),   # 90 days ago: 9 (Feb) + 31 + 30 + 20 = 90
    (date(2026, 2, 18), "forgotten"),  # 91 days ago
    (None, "forgotten"),               # never touched
])
def test_recency_band_at_the_30_and_90_day_edges(last_touch, band):
    assert recency_band(last_touch, TODAY) == band


def test_recency_band_with_edited_thresholds():
    # 14 / 60 days instead of 30 / 90: 20 days ago is ordinary, 61 days ago forgotten
    assert recency_band(date(2026, 4, 30), TODAY, deep_days=14, ordinary_days=60) == "ordinary"
    assert recency_band(date(2026, 3, 20), TODAY, deep_days=14, ordinary_days=60) == "forgotten"
    assert recency_band(date(2026, 5, 6), TODAY, deep_days=14, ordinary_days=60) == "deep"


def test_band_split_in_percent():
    # 3 + 7 + 10 = 20 clients: 3/20 = 15%, 7/20 = 35%, 10/20 = 50%
    assert band_split({"deep": 3, "ordinary": 7, "forgotten": 10}) == {"deep": 15.0, "ordinary": 35.0,
                                                                       "forgotten": 50.0}
    # 1 + 1 + 1: 33.33…% each → 33.3
    assert band_split({"deep": 1, "ordinary": 1, "forgotten": 1}) == {"deep": 33.3, "ordinary": 33.3,
                                                                      "forgotten": 33.3}
    # 2/3 = 66.66…% → 66.7; a band missing from the counts is 0
    assert band_split({"deep": 2, "forgotten": 1}) == {"deep": 66.7, "ordinary": 0.0, "forgotten": 33.3}


def test_band_split_rounds_half_up():
    # of 16 clients: 1/16 = 6.25% → 6.3 (Python's round() gives 6.2), 14/16 = 87.5%
    assert band_split({"deep": 1, "ordinary": 1, "forgotten": 14}) == {"deep": 6.3, "ordinary": 6.3,
                                                                       "forgotten": 87.5}
    # 1/80 = 1.25% → 1.3; 3/80 = 3.75% → 3.8; 76/80 = 95%
    assert band_split({"deep": 1, "ordinary": 3, "forgotten": 76}) == {"deep": 1.3, "ordinary": 3.8,
                                                                       "forgotten": 95.0}


def test_band_split_with_no_clients():
    assert band_split({}) == {"deep": 0.0, "ordinary": 0.0, "forgotten": 0.0}
    assert band_split({"deep": 0, "ordinary": 0, "forgotten": 0}) == {"deep": 0.0, "ordinary": 0.0,
                                                                      "forgotten": 0.0}


# --- Care on life events -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, action", [
    (SpecialDateKind.MARRIAGE, "送上祝福/贺礼"),
    (SpecialDateKind.NEW_CHILD, "道贺、送小礼物"),
    (SpecialDateKind.SCHOOL, "道贺、送学习用品"),
    (SpecialDateKind.BEREAVEMENT, "致电慰问、送花圈/挽联（按当地习俗）"),
    (SpecialDateKind.ILLNESS, "探望或电话问候、送花篮/果篮"),
])
def test_each_life_event_has_its_suggested_action(app, kind, action):
    with app.test_request_context(), force_locale("zh_CN"):
        assert suggested_action(kind) == action


def test_yearly_dates_and_festivals_suggest_nothing_beyond_the_greeting():
    assert {SpecialDateKind.MARRIAGE, SpecialDateKind.NEW_CHILD, SpecialDateKind.SCHOOL,
            SpecialDateKind.BEREAVEMENT, SpecialDateKind.ILLNESS} == LIFE_EVENTS
    assert all(suggested_action(kind) is None for kind in set(SpecialDateKind) - LIFE_EVENTS)
    assert suggested_action(None) is None  # a festival


def test_the_words_to_copy_fit_the_occasion(app):
    with app.test_request_context(), force_locale("zh_CN"):
        birthday = greeting_text(SpecialDateKind.BIRTHDAY, "黎红霞", "生日", "张伟")
        assert birthday == "黎红霞您好，祝您生日快乐，万事如意！——张伟"
        assert greeting_text(None, "黎红霞", "春节", "张伟") == "黎红霞您好，祝您春节快乐，万事如意！——张伟"
        condolence = greeting_text(SpecialDateKind.BEREAVEMENT, "钱文博", "亲人去世", "张伟")
        assert condolence.startswith("钱文博您好，惊闻噩耗") and "节哀顺变" in condolence
        assert condolence.endswith("——张伟")
        assert not any(word in condolence for word in ("快乐", "恭喜", "祝", "亲人去世"))
        get_well = greeting_text(SpecialDateKind.ILLNESS, "钱文博", "本人生病", "张伟")
        assert "早日康复" in get_well and "快乐" not in get_well
        assert "恭喜新婚" in greeting_text(SpecialDateKind.MARRIAGE, "黎红霞", "结婚", "张伟")
