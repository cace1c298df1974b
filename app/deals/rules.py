"""Rules of the deal pipeline, plain functions: the stage order of seed 000's secondary-development steps, the
default probability, conversion and cycle time per stage from the stage history, the follow-up band and the
required next step ("每步活动中确定下一步骤")."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import mean, median

from app.deals.enums import DEFAULT_PROBABILITY, OPEN_STAGES, DealSource, DealStage

DAY_SECONDS = 86400
# Seed 000: most sales close between the 4th and the 11th follow-up.
BAND_FIRST, BAND_LAST = 4, 11


def stage_index(stage: DealStage) -> int:
    """Where a stage sits in the funnel: the open stages in order, then won past the last of them."""
    return len(OPEN_STAGES) if stage is DealStage.WON else OPEN_STAGES.index(stage)


def default_probability(stage: DealStage) -> int:
    return DEFAULT_PROBABILITY[stage]


def moves(stage: DealStage) -> tuple[DealStage, ...]:
    """The buttons on a deal at ``stage``: forward one step (signed after the draft), back one, lost; a closed
    deal reopens at the last open stage."""
    if not stage.is_open:
        return (OPEN_STAGES[-1],)
    at = OPEN_STAGES.index(stage)
    forward = OPEN_STAGES[at + 1] if at + 1 < len(OPEN_STAGES) else DealStage.WON
    return (forward, *OPEN_STAGES[max(at - 1, 0):at], DealStage.LOST)


@dataclass(frozen=True)
class StageStats:
    stage: DealStage
    reached: int  # deals that reached this stage (or went past it)
    to_next: float | None  # share of them that reached the next stage
    to_won: float | None  # share of them that were signed
    mean_days: float | None  # time spent in the stage by the deals that left it
    median_days: float | None


def _furthest(changes) -> dict:
    """Per deal, the index of the furthest stage reached: a lost deal stops where it left the funnel."""
    furthest = {}
    for deal, _from, to, _at in changes:
        if to is not DealStage.LOST:
            furthest[deal] = max(furthest.get(deal, -1), stage_index(to))
    return furthest


def _days_in_stage(changes) -> dict[DealStage, list[float]]:
    """Per stage, the days each deal spent in it before its next change (stays still running are not counted)."""
    by_deal = defaultdict(list)
    for deal, _from, to, at in changes:
        by_deal[deal].append((at, to))
    spent = defaultdict(list)
    for history in by_deal.values():
        history.sort(key=lambda entry: entry[0])
        for (entered, stage), (left, _next) in zip(history, history[1:], strict=False):
            spent[stage].append((left - entered).total_seconds() / DAY_SECONDS)
    return spent


def funnel(changes) -> list[StageStats]:
    """Conversion and cycle time per open stage from stage changes given as (deal, from, to, at) rows. A deal that
    skipped a stage counts as having passed it; a lost deal counts up to the stage it was lost from."""
    changes = list(changes)
    furthest = _furthest(changes).values()
    spent = _days_in_stage(changes)
    won_at = stage_index(DealStage.WON)
    stats = []
    for index, stage in enumerate(OPEN_STAGES):
        reached = sum(1 for f in furthest if f >= index)
        onward = sum(1 for f in furthest if f >= index + 1)
        won = sum(1 for f in furthest if f >= won_at)
        days = spent.get(stage, [])
        stats.append(StageStats(stage, reached, onward / reached if reached else None,
                                won / reached if reached else None,
                                mean(days) if days else None, median(days) if days else None))
    return stats


def touch_band(touches: int) -> str:
    """Where a deal stands against seed 000's 4th–11th follow-up band: "early", "band" or "long"."""
    if touches < BAND_FIRST:
        return "early"
    return "band" if touches <= BAND_LAST else "long"


def next_step_missing(stage: DealStage, next_action: str | None, next_date: date | None) -> tuple[str, ...]:
    """The next-step fields an open deal lacks (a closed deal needs none)."""
    if not stage.is_open:
        return ()
    return tuple(name for name, value in (("next_action", (next_action or "").strip()), ("next_date", next_date))
                 if not value)


def is_overdue(stage: DealStage, next_date: date | None, today: date) -> bool:
    return stage.is_open and next_date is not None and next_date < today



def from_visit(visit_id: int, opportunities: str) -> dict:
    """What a deal found during a visit starts with: the visit's opportunities as notes, their first line as the
    title, the visit as source."""
    first_line = opportunities.strip().splitlines()[0] if opportunities.strip() else ""
    return {"source_visit_id": visit_id, "source": DealSource.VISIT, "title": first_line[:200],
            "notes": opportunities.strip()}
