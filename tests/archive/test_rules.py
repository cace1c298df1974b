"""The archive's rules worked by hand: assessment score, value grade, client-name key, special dates.
Each expected lunar date is also converted back with lunar-python, so a wrong literal fails loudly."""
from datetime import date
from fractions import Fraction
from types import SimpleNamespace

import pytest
from lunar_python import Solar

from app.archive.enums import SpecialDateKind
from app.archive.occurrences import next_on
from app.archive.overview import upcoming_dates
from app.archive.rules import (
    CRITERIA,
    CRITERIA_LABELS,
    DEFAULT_THRESHOLDS,
    DEFAULT_WEIGHTS,
    YearlyDate,
    assessment_breakdown,
    assessment_score,
    check_thresholds,
    grade_for_score,
    normalise_name,
    parse_birthday,
    parse_date,
    two_places,
)


def lunar_of(day: date) -> tuple[int, int, int]:
    """(lunar year, month, day) of a solar date; a leap month comes back negative."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return lunar.getYear(), lunar.getMonth(), lunar.getDay()


def all_scored(value: int) -> dict[str, int]:
    return dict.fromkeys(CRITERIA, value)


# --- the criteria and their defaults -------------------------------------------------------------------------


def test_nine_criteria_each_with_a_label_and_default_weights_summing_to_100():
    assert CRITERIA == ("share_of_wallet", "effort", "deal_risk", "strategic_value", "payment_risk",
                        "delivery", "awareness", "need", "affordability")
    assert set(CRITERIA_LABELS) == set(CRITERIA) == set(DEFAULT_WEIGHTS)
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert DEFAULT_THRESHOLDS == {"A": 80, "B": 60, "C": 40}


# --- assessment score ----------------------------------------------------------------------------------------


def test_all_fives_score_100_and_all_ones_score_0():
    assert assessment_score(all_scored(5), DEFAULT_WEIGHTS) == 100
    assert assessment_score(all_scored(1), DEFAULT_WEIGHTS) == 0
    assert assessment_score(all_scored(3), DEFAULT_WEIGHTS) == 50


MIXED = {"share_of_wallet": 5, "effort": 3, "deal_risk": 4, "strategic_value": 2, "payment_risk": 5,
         "delivery": 4, "awareness": 1, "need": 3, "affordability": 2}


def test_a_mixed_client_with_the_default_weights():
    # weight × (score − 1) / 4, summed:
    #   share 20×4/4 = 20   effort 10×2/4 = 5   deal risk 10×3/4 = 7.5   strategic 15×1/4 = 3.75
    #   payment 10×4/4 = 10   delivery 10×3/4 = 7.5   awareness 5×0/4 = 0   need 10×2/4 = 5   afford 10×1/4 = 2.5
    # = 61.25 out of a total weight of 100 → 61.25 → 61, grade B
    assert assessment_score(MIXED, DEFAULT_WEIGHTS) == 61
    assert grade_for_score(61, DEFAULT_THRESHOLDS) == "B"


def test_a_zero_weight_criterion_does_not_count_and_need_not_be_scored():
    weights = {**DEFAULT_WEIGHTS, "awareness": 0}
    scores = {key: value for key, value in MIXED.items() if key != "awareness"}
    # the same 61.25 points, now out of 95: 61.25 / 95 × 100 = 64.47 → 64
    assert assessment_score(scores, weights) == 64
    # a weight-0 criterion scored 5 does not lift a client scored 1 on the only weighted criterion
    assert assessment_score({"share_of_wallet": 1, "effort": 5}, {"share_of_wallet": 1, "effort": 0}) == 0


def test_half_points_round_up_and_keys_outside_the_criteria_are_ignored():
    # (3 − 1)/4 = 0.5 and (4 − 1)/4 = 0.75, equal weights → 0.625 → 62.5 → 63 (not banker's 62)
    assert assessment_score({"need": 3, "affordability": 4}, {"need": 1, "affordability": 1}) == 63
    assert assessment_score({"need": 5, "mood": 1}, {"need": 1, "mood": 50}) == 100


@pytest.mark.parametrize("scores, weights, message", [
    ({**MIXED, "need": 0}, DEFAULT_WEIGHTS, "Score for need"),
    ({**MIXED, "need": 6}, DEFAULT_WEIGHTS, "Score for need"),
    ({**MIXED, "need": 3.5}, DEFAULT_WEIGHTS, "Score for need"),
    (MIXED, dict.fromkeys(CRITERIA, 0), "At least one criterion"),
    (MIXED, {}, "At least one criterion"),
    (MIXED, {**DEFAULT_WEIGHTS, "effort": -10}, "must not be negative"),
])
def test_invalid_scores_and_weights_are_refused(scores, weights, message):
    with pytest.raises(ValueError, match=message):
        assessment_score(scores, weights)


# --- breakdown and 信息不足 ----------------------------------------------------------------------------------


def test_the_breakdown_of_a_full_assessment_adds_up_to_its_score():
    parts = assessment_breakdown(MIXED, DEFAULT_WEIGHTS)
    # the points of test_a_mixed_client_with_the_default_weights, criterion by criterion
    assert [(line.key, line.score, line.weight, line.points) for line in parts.lines][:4] == [
        ("share_of_wallet", 5, 20, 20), ("effort", 3, 10, 5), ("deal_risk", 4, 10, Fraction(15, 2)),
        ("strategic_value", 2, 15, Fraction(15, 4))]
    assert parts.exact == Fraction(245, 4) and parts.score == 61 == assessment_score(MIXED, DEFAULT_WEIGHTS)
    assert (parts.known_weight, parts.total_weight, parts.missing) == (100, 100, ())
    assert str(parts.lines[0].label) == "Share of wallet after winning"


def test_unknown_criteria_are_left_out_and_the_known_weights_renormalised():
    scores = {**MIXED, "delivery": None, "awareness": None}
    parts = assessment_breakdown(scores, DEFAULT_WEIGHTS)
    # without delivery (7.5 points) and awareness (0): 53.75 points out of a weight of 85 → 63.24 → 63
    # share of wallet now weighs 20/85: 100 × 20/85 = 23.53 points, not 20
    assert parts.known_weight == 85 and parts.exact == Fraction(5375, 85) and parts.score == 63
    assert parts.lines[0].points == Fraction(2000, 85)
    assert sum(line.points for line in parts.lines if line.points is not None) == parts.exact
    assert [line.key for line in parts.missing] == ["delivery", "awareness"]
    assert [line.points for line in parts.lines if line.score is None] == [None, None]
    # an absent key is the same as null
    assert assessment_score({k: v for k, v in scores.items() if v is not None}, DEFAULT_WEIGHTS) == 63
    # an unknown criterion neither lifts nor sinks a client scored 3 on everything else
    assert assessment_score({**all_scored(3), "need": None, "effort": None}, DEFAULT_WEIGHTS) == 50


# share of wallet 20 + strategic value 15 + effort 10 + awareness 5 = 50 of the 100 weight
HALF_THE_WEIGHT = ("share_of_wallet", "strategic_value", "effort", "awareness")


def test_a_grade_needs_the_scored_criteria_to_carry_half_the_weight():
    scores = {key: 5 if key in HALF_THE_WEIGHT else None for key in CRITERIA}
    assert assessment_score(scores, DEFAULT_WEIGHTS) == 100  # exactly half: enough
    parts = assessment_breakdown({**scores, "awareness": None}, DEFAULT_WEIGHTS)  # 45 of 100: too little
    assert (parts.known_weight, parts.exact, parts.score) == (45, None, None)
    assert all(line.points is None for line in parts.lines)
    assert len(parts.missing) == 6 and "awareness" in [line.key for line in parts.missing]
    # weight decides, not the count: five of the nine criteria scored, but the light ones, 45 of 100: no grade
    light = dict.fromkeys(("deal_risk", "payment_risk", "delivery", "need", "awareness"), 5)
    assert sum(DEFAULT_WEIGHTS[key] for key in light) == 45
    assert assessment_score(light, DEFAULT_WEIGHTS) is None
    assert assessment_score({**light, "affordability": 1}, DEFAULT_WEIGHTS) == 82  # 55: 45 of 55 at full marks
    assert assessment_score({}, DEFAULT_WEIGHTS) is None


def test_a_criterion_weighted_zero_is_never_missing_and_never_counts():
    weights = {**DEFAULT_WEIGHTS, "awareness": 0}
    parts = assessment_breakdown({**MIXED, "awareness": None}, weights)
    assert parts.missing == () and parts.score == 64  # as in test_a_zero_weight_criterion_does_not_count...
    # half of 95 is 47.5: share 20 + strategic 15 + effort 10 = 45 is not enough, + deal risk 10 = 55 is
    known = {"share_of_wallet": 5, "strategic_value": 5, "effort": 5, "awareness": 5}
    assert assessment_score(known, weights) is None
    assert assessment_score({**known, "deal_risk": 1}, weights) == 82  # 45 of 55 weight at full marks


@pytest.mark.parametrize("value, shown", [
    (20, "20"), (Fraction(15, 2), "7.5"), (Fraction(5375, 85), "63.24"), (Fraction(2000, 85), "23.53"),
    (Fraction(1, 8), "0.13"), (0, "0"),
])
def test_points_are_shown_to_two_places_rounded_half_up(value, shown):
    assert str(two_places(value)) == shown


# --- value grade ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("score, grade", [
    (100, "A"), (80, "A"), (79, "B"), (60, "B"), (59, "C"), (40, "C"), (39, "D"), (0, "D"),
])
def test_grade_at_and_around_each_default_threshold(score, grade):
    assert grade_for_score(score, DEFAULT_THRESHOLDS) == grade


@pytest.mark.parametrize("score, grade", [(90, "A"), (89, "B"), (70, "B"), (69, "C"), (50, "C"), (49, "D")])
def test_grade_with_thresholds_an_admin_raised(score, grade):
    assert grade_for_score(score, {"A": 90, "B": 70, "C": 50}) == grade


@pytest.mark.parametrize("thresholds, message", [
    ({"A": 60, "B": 60, "C": 40}, "A > B > C"),
    ({"A": 50, "B": 60, "C": 40}, "A > B > C"),
    ({"A": 80, "B": 30, "C": 40}, "A > B > C"),
    ({"A": 110, "B": 60, "C": 40}, "within 0–100"),
    ({"A": 80, "B": 60, "C": -1}, "within 0–100"),
    ({"A": 80, "B": 60}, "grade C are missing"),
])
def test_thresholds_out_of_order_are_refused(thresholds, message):
    with pytest.raises(ValueError, match=message):
        check_thresholds(thresholds)
    with pytest.raises(ValueError):
        grade_for_score(70, thresholds)


def test_default_thresholds_pass_the_check():
    assert check_thresholds(DEFAULT_THRESHOLDS) is None


# --- client name key -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("one, other", [
    ("ＡＢＣ科技", "abc科技"),                                   # full-width letters and case
    ("重庆市 第一人民医院", "重庆市第一人民医院"),                   # spaces
    ("四川华西软件有限公司", "四川华西软件"),                        # legal-form suffix
    ("四川华西软件股份有限公司", "四川华西软件有限公司"),
    ("重庆市第一人民医院（南院）", "重庆市第一人民医院(南院)"),        # full- and half-width brackets
    ("重庆市第一人民医院【南院】", "重庆市第一人民医院 南院"),
])
def test_two_spellings_of_one_client_share_a_key(one, other):
    assert normalise_name(one) == normalise_name(other)


def test_different_clients_keep_different_keys():
    assert normalise_name("重庆市第一人民医院") == "重庆市第一人民医院"
    assert normalise_name("重庆市第一人民医院") != normalise_name("重庆市第二人民医院")
    assert normalise_name(None) == ""


# --- Life events: once, on their own day ---------------------------------------------------------------------


def special(kind, year, month, day, n=1):
    return SimpleNamespace(id=n, kind=kind, year=year, month=month, day=day, is_lunar=False, is_leap_month=False,
                           remind_days=7)


def test_a_life_event_falls_on_its_own_day_and_a_birthday_every_year():
    loss = special(SpecialDateKind.BEREAVEMENT, 2027, 1, 29)
    assert next_on(loss, date(2027, 1, 1)) == next_on(loss, date(2028, 2, 1)) == date(2027, 1, 29)
    assert next_on(special(SpecialDateKind.ILLNESS, None, 1, 29), date(2027, 1, 1)) is None  # no year: no day
    assert next_on(special(SpecialDateKind.BIRTHDAY, 1970, 1, 29), date(2028, 2, 1)) == date(2029, 1, 29)


def test_a_life_event_stays_on_the_client_page_for_a_week_after():
    loss = special(SpecialDateKind.BEREAVEMENT, 2027, 1, 29)
    assert [(u.on, u.days) for u in upcoming_dates([loss], date(2027, 2, 5))] == [(date(2027, 1, 29), -7)]
    assert upcoming_dates([loss], date(2027, 2, 6)) == []  # eight days on
    assert len(upcoming_dates([loss], date(2030, 1, 1), passed=float("inf"))) == 1  # the contact page: always


# --- dates typed in a spreadsheet ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2024/5/6", "2024-05-06", "2024.5.6", "2024年5月6日", "2024 年 5 月 6 日",
                                   "２０２４／５／６", "2024-05-06 00:00:00", "2024-05-06 08:30:00"])
def test_a_date_is_read_however_it_was_typed(typed):
    assert parse_date(typed) == date(2024, 5, 6)


@pytest.mark.parametrize("typed", ["", "2024", "5/6", "2024-13-01", "2023-02-29", "2024-5-6-7", "去年", "24/5/6"])
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


@pytest.mark.parametrize(("typed", "expected"), [
    ("1975年3月8日", YearlyDate(3, 8, 1975)),
    ("1980/12/1", YearlyDate(12, 1, 1980)),
    ("1972.6.30", YearlyDate(6, 30, 1972)),
    ("1980-12-01 00:00:00", YearlyDate(12, 1, 1980)),          # an Excel date cell
    ("3月15日", YearlyDate(3, 15)),                               # no year
    ("03-15", YearlyDate(3, 15)),
    ("公历 1975-03-08", YearlyDate(3, 8, 1975)),
    ("农历 1968-08-15", YearlyDate(8, 15, 1968, lunar=True)),
    ("农历1968年8月30日", YearlyDate(8, 30, 1968, lunar=True)),   # a lunar month may have a 30th
    ("阴历3月15日", YearlyDate(3, 15, lunar=True)),
    ("农历三月十五", YearlyDate(3, 15, lunar=True)),
    ("三月十五", YearlyDate(3, 15, lunar=True)),                  # Chinese numerals mean the lunar calendar
    ("正月初八", YearlyDate(1, 8, lunar=True)),
    ("腊月廿三", YearlyDate(12, 23, lunar=True)),
    ("冬月二十", YearlyDate(11, 20, lunar=True)),
    ("十一月初十", YearlyDate(11, 10, lunar=True)),
    ("农历闰四月初八", YearlyDate(4, 8, lunar=True, leap=True)),
    ("八月三十", YearlyDate(8, 30, lunar=True)),
])
def test_a_birthday_is_read_however_it_was_typed(typed, expected):
    assert parse_birthday(typed) == expected


@pytest.mark.parametrize("typed", ["", "生日", "1975-02-30", "闰3月5日", "三月", "三月十十", "十五日", "1975"])
def test_what_is_not_a_birthday_is_refused(typed):
    with pytest.raises(ValueError):
        parse_birthday(typed)
