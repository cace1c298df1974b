"""Visits' rules as plain functions: return-visit cadence, the 5-3-2 split, care on life events; no request,
no database."""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from math import floor

from flask_babel import lazy_gettext as _l

from app.archive.enums import SpecialDateKind

# --- Return-visit cadence ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A cadence rule: clients whose `dimension` (a Client column such as "value_grade") equals `value` (such
    as "A") are due a touch on `channel` ("phone" or "onsite") every `interval_days` days."""

    dimension: str
    value: str
    channel: str
    interval_days: int


# Seed 003 (分级维护策略): key clients a senior visit + a service review every month, potential clients a needs
# survey + two routine touches a quarter, long-term clients a planning meeting every half year; phone and
# on-site are separate clocks (seed 004, 三). A client counts as key when 重点突破 or A, and so on down.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("strategy_layer", "breakthrough", "onsite", 30),
    Rule("strategy_layer", "breakthrough", "phone", 14),
    Rule("value_grade", "A", "onsite", 30),
    Rule("value_grade", "A", "phone", 14),
    Rule("strategy_layer", "potential", "onsite", 90),
    Rule("strategy_layer", "potential", "phone", 45),
    Rule("value_grade", "B", "onsite", 90),
    Rule("value_grade", "B", "phone", 45),
    Rule("strategy_layer", "long_term", "onsite", 180),
    Rule("value_grade", "C", "onsite", 180),
    Rule("value_grade", "D", "phone", 180),
)


def interval_for(classification: Mapping[str, str | None], rules: Iterable[Rule], channel: str) -> int | None:
    """Days between touches on `channel` for a client classified as `classification` (dimension → the client's
    value, or None): when several rules match a client, the shortest interval wins; None when none matches
    (seed 003: graded maintenance; a client both A and 重点突破 is held to the tighter of the two)."""
    matching = [
        rule.interval_days
        for rule in rules
        if rule.channel == channel
        and classification.get(rule.dimension) is not None
        and classification.get(rule.dimension) == rule.value
    ]
    return min(matching, default=None)


def next_due(last_touch: date | None, interval_days: int, since: date) -> date:
    """When the next touch on a channel is due: `interval_days` after the last done interaction of that
    channel, or after `since` (when the client entered the archive) for a client never touched on it."""
    return (last_touch or since) + timedelta(days=interval_days)


def overdue_days(due: date, today: date) -> int:
    """Days past the due date: positive when overdue by that many days, 0 on the day, negative before it."""
    return (today - due).days


# --- The 5-3-2 rule -----------------------------------------------------------------------------------------

BANDS = ("deep", "ordinary", "forgotten")

BAND_LABELS = {
    "deep": _l("Deeply developed"),
    "ordinary": _l("Ordinary"),
    "forgotten": _l("Forgotten"),
}

# Seed 004 (532定律): 20% deeply developed, 30% ordinary, 50% left forgotten in a corner.
BENCHMARK = {"deep": 20, "ordinary": 30, "forgotten": 50}


def recency_band(last_touch: date | None, today: date, deep_days: int = 30, ordinary_days: int = 90) -> str:
    """A client's 5-3-2 band by the recency of the last done touch (seed 004, 532定律; DESIGN.md thresholds
    30 / 90 days): "deep" within `deep_days`, "ordinary" within `ordinary_days`, else — or never — "forgotten"."""
    if last_touch is None:
        return "forgotten"
    days = (today - last_touch).days
    if days <= deep_days:
        return "deep"
    if days <= ordinary_days:
        return "ordinary"
    return "forgotten"


def band_split(counts: Mapping[str, int]) -> dict[str, float]:
    """The team's real 5-3-2 split: each band's share of all clients in percent, one decimal, rounded half up;
    all 0.0 when there are no clients (seed 004, to set beside BENCHMARK)."""
    total = sum(counts.get(band, 0) for band in BANDS)
    if total == 0:
        return dict.fromkeys(BANDS, 0.0)
    # Fractions keep the share exact, so 12.25 rounds to 12.3 rather than whatever the float happens to be.
    return {band: floor(Fraction(counts.get(band, 0) * 1000, total) + Fraction(1, 2)) / 10 for band in BANDS}


# --- Care on life events ------------------------------------------------------------------------------------

# Seed 004 (客户个人情景客情维护): happy events (结婚/生子/孩子升学) and unhappy ones (亲人去世/本人生病) each call
# for their own gesture; a birthday or a festival needs none beyond the greeting.
SUGGESTED_ACTIONS = {
    SpecialDateKind.MARRIAGE: _l("Send your good wishes and a wedding gift"),
    SpecialDateKind.NEW_CHILD: _l("Congratulate them and send a small gift"),
    SpecialDateKind.SCHOOL: _l("Congratulate them and send school supplies"),
    SpecialDateKind.BEREAVEMENT: _l("Call to offer condolences; send a wreath or elegiac couplets (as local "
                                    "custom has it)"),
    SpecialDateKind.ILLNESS: _l("Visit or call to ask after them; send a flower or fruit basket"),
}

# The words to copy fit the occasion: a bereavement or an illness never gets a cheerful "best wishes".
GREETINGS = {
    SpecialDateKind.MARRIAGE: _l("%(name)s, congratulations on your marriage! Wishing you both every happiness. "
                                 "— %(me)s"),
    SpecialDateKind.NEW_CHILD: _l("%(name)s, congratulations on the new arrival! Wishing the baby good health and "
                                  "your family every joy. — %(me)s"),
    SpecialDateKind.SCHOOL: _l("%(name)s, congratulations on your child's new school! Wishing them every success "
                               "in their studies. — %(me)s"),
    SpecialDateKind.BEREAVEMENT: _l("%(name)s, I was deeply sorry to hear of your loss. Please accept my "
                                    "condolences and take care of yourself; if there is anything I can do, just "
                                    "let me know. — %(me)s"),
    SpecialDateKind.ILLNESS: _l("%(name)s, I was sorry to hear you are unwell. Rest well; I wish you a speedy "
                                "recovery. — %(me)s"),
}
GREETING = _l("%(name)s, best wishes on your %(occasion)s! — %(me)s")  # birthdays, anniversaries, festivals


def suggested_action(kind: str | None) -> str | None:
    """What a rep should do for a life event of this kind (seed 004): 结婚 → 送上祝福/贺礼, 生子 → 道贺、送小礼物,
    升学 → 道贺、送学习用品, 亲人去世 → 致电慰问、送花圈/挽联, 本人生病 → 探望或电话问候、送花篮/果篮;
    None for a yearly date or a festival."""
    action = SUGGESTED_ACTIONS.get(kind)
    return str(action) if action else None


SYMPATHY = frozenset({SpecialDateKind.BEREAVEMENT, SpecialDateKind.ILLNESS})  # sorrow, not celebration


def is_sympathy(kind: str | None) -> bool:
    """A day for condolence or get-well wishes (慰问), not congratulation (问候): the buttons say so."""
    return kind in SYMPATHY


def greeting_text(kind: str | None, name: str, occasion: str, me: str) -> str:
    """The message to copy into WeChat for a contact on a care day: congratulation, condolence or get-well
    wishes by the kind of the day; the usual best wishes for a yearly date or a festival (kind None)."""
    return str(GREETINGS.get(kind, GREETING)) % {"name": name, "occasion": occasion, "me": me}
