"""The archive's rules worked by hand: assessment score, value grade, client-name key, special dates.
Each expected lunar date is also converted back with lunar-python, so a wrong literal fails loudly."""
from datetime import date

import pytest
from lunar_python import Solar

from app.archive.rules import (
    CRITERIA,
    CRITERIA_LABELS,
    DEFAULT_THRESHOLDS,
    DEFAULT_WEIGHTS,
    assessment_score,
    check_thresholds,
    grade_for_score,
    normalise_name,
)
from app.core.dates import days_until, next_occurrence


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
    ({k: v for k, v in MIXED.items() if k != "delivery"}, DEFAULT_WEIGHTS, "Score for delivery is missing"),
    (MIXED, dict.fromkeys(CRITERIA, 0), "At least one criterion"),
    (MIXED, {}, "At least one criterion"),
    (MIXED, {**DEFAULT_WEIGHTS, "effort": -10}, "must not be negative"),
])
def test_invalid_scores_and_weights_are_refused(scores, weights, message):
    with pytest.raises(ValueError, match=message):
        assessment_score(scores, weights)


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


# --- solar yearly dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("month, day, today, expected", [
    (5, 20, date(2026, 3, 1), date(2026, 5, 20)),     # still ahead this year
    (5, 20, date(2026, 5, 20), date(2026, 5, 20)),    # today itself counts
    (5, 20, date(2026, 5, 21), date(2027, 5, 20)),    # passed yesterday → next year
    (1, 1, date(2026, 12, 31), date(2027, 1, 1)),
    (2, 29, date(2026, 1, 1), date(2026, 2, 28)),     # common year: Feb 29 falls on Feb 28
    (2, 29, date(2027, 3, 1), date(2028, 2, 29)),     # next leap year keeps Feb 29
    (2, 29, date(2100, 1, 1), date(2100, 2, 28)),     # 2100 is not a leap year
])
def test_solar_next_occurrence(month, day, today, expected):
    assert next_occurrence(month, day, today) == expected


@pytest.mark.parametrize("month, day", [(2, 30), (13, 1), (4, 31), (0, 1)])
def test_solar_dates_no_year_has_are_refused(month, day):
    with pytest.raises(ValueError):
        next_occurrence(month, day, date(2026, 1, 1))


# --- lunar (农历) yearly dates --------------------------------------------------------------------------------


def test_lunar_new_year_2026_is_17_february():
    assert next_occurrence(1, 1, date(2026, 1, 10), lunar=True) == date(2026, 2, 17)
    assert lunar_of(date(2026, 2, 17)) == (2026, 1, 1)


def test_lunar_new_year_already_passed_goes_to_2027():
    assert next_occurrence(1, 1, date(2026, 2, 18), lunar=True) == date(2027, 2, 6)
    assert lunar_of(date(2027, 2, 6)) == (2027, 1, 1)


def test_a_la_yue_date_in_january_still_belongs_to_last_lunar_year():
    # 腊八 of lunar 2025 falls in solar January 2026, ahead of a 10 January "today"
    assert next_occurrence(12, 8, date(2026, 1, 10), lunar=True) == date(2026, 1, 26)
    assert lunar_of(date(2026, 1, 26)) == (2025, 12, 8)


def test_la_yue_thirtieth_in_a_short_la_yue_is_its_last_day():
    # Lunar 2025's 腊月 has 29 days: 腊月三十 is kept on 廿九 (除夕), the eve of 2026's 正月初一
    assert next_occurrence(12, 30, date(2026, 1, 10), lunar=True) == date(2026, 2, 16)
    assert lunar_of(date(2026, 2, 16)) == (2025, 12, 29)
    assert lunar_of(date(2026, 2, 17)) == (2026, 1, 1)


def test_la_yue_thirtieth_in_a_long_la_yue_is_the_thirtieth():
    # Lunar 2022's 腊月 has 30 days: 腊月三十 is 21 January 2023, the eve of 2023's 正月初一
    assert next_occurrence(12, 30, date(2022, 12, 1), lunar=True) == date(2023, 1, 21)
    assert lunar_of(date(2023, 1, 21)) == (2022, 12, 30)
    assert lunar_of(date(2023, 1, 22)) == (2023, 1, 1)


def test_a_leap_month_birthday_uses_the_leap_month_in_a_year_that_has_it():
    # 2025 has 闰六月: 闰六月初十 is 3 August; the ordinary 六月初十 (4 July) has just passed
    assert next_occurrence(6, 10, date(2025, 7, 10), lunar=True, leap=True) == date(2025, 8, 3)
    assert lunar_of(date(2025, 8, 3)) == (2025, -6, 10)
    assert lunar_of(date(2025, 7, 4)) == (2025, 6, 10)


def test_a_leap_month_birthday_falls_back_to_the_ordinary_month_without_one():
    # 2026 has no 闰六月, so the ordinary 六月初十
    assert next_occurrence(6, 10, date(2026, 1, 10), lunar=True, leap=True) == date(2026, 7, 23)
    assert lunar_of(date(2026, 7, 23)) == (2026, 6, 10)


def test_an_ordinary_month_birthday_skips_the_leap_month():
    # from 10 July 2025 the ordinary 六月初十 has passed; 闰六月初十 (3 August) is not it → 2026
    assert next_occurrence(6, 10, date(2025, 7, 10), lunar=True) == date(2026, 7, 23)


def test_thirtieth_of_a_short_leap_month_is_its_last_day():
    # 2025's 闰六月 has 29 days: 闰六月三十 is kept on 闰六月廿九, 22 August; the next day is 七月初一
    assert next_occurrence(6, 30, date(2025, 7, 10), lunar=True, leap=True) == date(2025, 8, 22)
    assert lunar_of(date(2025, 8, 22)) == (2025, -6, 29)
    assert lunar_of(date(2025, 8, 23)) == (2025, 7, 1)


def test_a_lunar_birthday_already_passed_this_solar_year_falls_next_year():
    # lunar 2026 冬月初一 was 9 December 2026; the next one is lunar 2027's, 28 November 2027
    assert next_occurrence(11, 1, date(2026, 12, 20), lunar=True) == date(2027, 11, 28)
    assert lunar_of(date(2026, 12, 9)) == (2026, 11, 1)
    assert lunar_of(date(2027, 11, 28)) == (2027, 11, 1)


@pytest.mark.parametrize("month, day", [(13, 1), (0, 1), (1, 0), (1, 31)])
def test_lunar_dates_no_year_has_are_refused(month, day):
    with pytest.raises(ValueError):
        next_occurrence(month, day, date(2026, 1, 1), lunar=True)


# --- days until ----------------------------------------------------------------------------------------------


def test_days_until():
    assert days_until(date(2026, 2, 17), date(2026, 1, 10)) == 38  # 21 days left in January + 17
    assert days_until(date(2026, 1, 10), date(2026, 1, 10)) == 0
    assert days_until(date(2026, 1, 9), date(2026, 1, 10)) == -1
