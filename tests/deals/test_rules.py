"""The pipeline's rules on hand-worked data (issue 13, acceptance 1)."""
from datetime import date, datetime

import pytest

from app.deals import rules
from app.deals.enums import DealStage as S


def at(day, hour=9):
    return datetime(2026, 3, day, hour)


# Three deals, worked by hand:
#   1: target (1st) → needs (3rd) → approach (7th) → … skips to draft (10th) → won (20th)
#   2: target (1st) → needs (5th) → lost (6th)
#   3: target (2nd) → needs (4th), still there
HISTORY = [
    (1, None, S.TARGET, at(1)), (1, S.TARGET, S.NEEDS, at(3)), (1, S.NEEDS, S.APPROACH, at(7)),
    (1, S.APPROACH, S.DRAFT, at(10)), (1, S.DRAFT, S.WON, at(20)),
    (2, None, S.TARGET, at(1)), (2, S.TARGET, S.NEEDS, at(5)), (2, S.NEEDS, S.LOST, at(6)),
    (3, None, S.TARGET, at(2)), (3, S.TARGET, S.NEEDS, at(4)),
]


def test_conversion_per_stage_counts_lost_deals_as_leaving_the_funnel():
    stats = {row.stage: row for row in rules.funnel(HISTORY)}
    assert stats[S.TARGET].reached == 3 and stats[S.TARGET].to_next == 1.0
    assert stats[S.TARGET].to_won == pytest.approx(1 / 3)
    # 3 reached "needs"; only deal 1 went on (2 was lost there, 3 is still there)
    assert stats[S.NEEDS].reached == 3 and stats[S.NEEDS].to_next == pytest.approx(1 / 3)
    # deal 1 skipped contact … meeting: it counts as having passed them
    assert stats[S.CONTACT].reached == 1 and stats[S.CONTACT].to_next == 1.0
    assert stats[S.DRAFT].reached == 1 and stats[S.DRAFT].to_next == 1.0 and stats[S.DRAFT].to_won == 1.0


def test_cycle_time_per_stage_in_days_from_finished_stays():
    stats = {row.stage: row for row in rules.funnel(HISTORY)}
    # target: deal 1 two days, deal 2 four days, deal 3 two days
    assert stats[S.TARGET].mean_days == pytest.approx(8 / 3)
    assert stats[S.TARGET].median_days == 2
    # needs: deal 1 four days, deal 2 one day; deal 3 still there (not counted)
    assert stats[S.NEEDS].mean_days == 2.5 and stats[S.NEEDS].median_days == 2.5
    assert stats[S.DRAFT].mean_days == 10
    assert stats[S.CONTACT].mean_days is None


def test_an_empty_history_has_no_rates():
    assert all(row.reached == 0 and row.to_next is None for row in rules.funnel([]))


@pytest.mark.parametrize(("touches", "band"), [(0, "early"), (3, "early"), (4, "band"), (11, "band"),
                                               (12, "long")])
def test_touch_band_follows_the_seeds_fourth_to_eleventh_follow_up(touches, band):
    assert rules.touch_band(touches) == band


def test_an_open_deal_needs_an_action_and_a_date():
    assert rules.next_step_missing(S.NEEDS, "", None) == ("next_action", "next_date")
    assert rules.next_step_missing(S.NEEDS, "  ", date(2026, 3, 1)) == ("next_action",)
    assert rules.next_step_missing(S.NEEDS, "call the director", date(2026, 3, 1)) == ()
    assert rules.next_step_missing(S.WON, "", None) == ()
    assert rules.next_step_missing(S.LOST, "", None) == ()


def test_moves_and_default_probability():
    assert rules.moves(S.TARGET) == (S.NEEDS, S.LOST)
    assert rules.moves(S.NEEDS) == (S.APPROACH, S.TARGET, S.LOST)
    assert rules.moves(S.DRAFT) == (S.WON, S.MEETING, S.LOST)
    assert rules.moves(S.WON) == (S.DRAFT,)
    assert rules.default_probability(S.MEETING) == 50
    assert rules.is_overdue(S.NEEDS, date(2026, 3, 1), date(2026, 3, 2))
    assert not rules.is_overdue(S.WON, date(2026, 3, 1), date(2026, 3, 2))
