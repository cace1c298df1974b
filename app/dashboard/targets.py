"""KPI targets (目标) and the review of a period (复盘), seed 003 表4: per KPI the target, the actual, the
achievement rate, the variance analysis and the improvement measures, month on month and quarter on quarter.

``scorecard(period, rep_id)`` is what the dashboard's KPI cards, the review page and its PDF show."""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.access import MANAGERS, Role, has_role
from app.core.enums import LabeledEnum
from app.core.models import RecordMixin, User, enum_column
from app.dashboard.kpis import Figure, Kpi, Period, catalogue
from app.extensions import db

FOUR_PLACES = Decimal("0.0001")
REVIEWERS = (Role.ADMIN, Role.MANAGER, Role.SALES)  # a rep reviews their own scope; service has no KPIs of its own


class PeriodKind(LabeledEnum):
    MONTH = "month", _l("Month")
    QUARTER = "quarter", _l("Quarter")
    YEAR = "year", _l("Year")


def _team_unique(name: str, *columns: str) -> Index:
    """NULL differs from NULL in a unique constraint: the team's row (rep NULL) needs an index of its own."""
    return Index(name, *columns, unique=True, sqlite_where=text("rep_id IS NULL"),
                 postgresql_where=text("rep_id IS NULL"))


class KpiTarget(RecordMixin, db.Model):
    """The target of one KPI for one period and scope (a rep, or the team when rep_id is NULL). A rate is
    stored as a fraction (0.35) and typed and shown as a percentage (35%)."""

    __tablename__ = "kpi_targets"
    __label__ = _l("KPI target")
    __table_args__ = (UniqueConstraint("kpi", "period_kind", "period_start", "rep_id"),
                      _team_unique("uq_kpi_targets_team", "kpi", "period_kind", "period_start"))

    kpi: Mapped[str] = mapped_column(String(40))  # a key of kpis.catalogue()
    period_kind: Mapped[PeriodKind] = enum_column(PeriodKind)
    period_start: Mapped[date] = mapped_column(Date)
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))

    field_labels = {"kpi": _l("KPI"), "period_kind": _l("Period kind"), "period_start": _l("Period start"),
                    "rep_id": _l("Sales rep"), "value": _l("Target value")}
    audit_references = {"rep_id": (User, User.display_name)}


class Review(RecordMixin, db.Model):
    """The review (复盘) of a period for a scope: a summary, and per KPI key in ``lines`` the variance analysis
    and the improvement measures ({"new_clients": {"variance": "…", "measures": "…"}}). One JSON column keeps the
    lines in the review's own audit trail and version, so a stale edit of any line is caught."""

    __tablename__ = "reviews"
    __label__ = _l("Review")
    __table_args__ = (UniqueConstraint("period_kind", "period_start", "rep_id"),
                      _team_unique("uq_reviews_team", "period_kind", "period_start"))

    period_kind: Mapped[PeriodKind] = enum_column(PeriodKind)
    period_start: Mapped[date] = mapped_column(Date)
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    lines: Mapped[dict] = mapped_column(JSON, default=dict)

    rep: Mapped[User | None] = relationship(foreign_keys=[rep_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=lambda: [Review.created_by_id])

    field_labels = {"period_kind": _l("Period kind"), "period_start": _l("Period start"), "rep_id": _l("Sales rep"),
                    "summary": _l("Review summary"), "lines": _l("Variance analysis and improvement measures")}
    audit_references = {"rep_id": (User, User.display_name)}

    @classmethod
    def scope(cls, user):
        """Admin and manager see every review; a rep those of their own scope (never the team's)."""
        return None if has_role(user, MANAGERS) else cls.rep_id == user.id

    @property
    def period(self) -> Period:
        return period_of(self.period_kind, self.period_start)

    def line(self, kpi_key: str, part: str) -> str:
        return (self.lines or {}).get(kpi_key, {}).get(part, "")


# --- Periods as typed in a form: 2026-11, 2026-Q4, 2026 ---------------------------------------------------------

_PERIOD_TEXT = {"month": re.compile(r"(\d{4})-(\d{1,2})"), "quarter": re.compile(r"(\d{4})-?[Qq]([1-4])"),
                "year": re.compile(r"(\d{4})")}


def parse_period(kind: str | None, typed: str | None) -> Period | None:
    """The period a form names (kind month and "2026-11", quarter and "2026-Q4", year and "2026"), else None."""
    pattern = _PERIOD_TEXT.get(kind or "")
    found = pattern.fullmatch((typed or "").strip()) if pattern else None
    if not found or not 2000 <= int(found.group(1)) <= 2100:
        return None
    year, number = int(found.group(1)), int(found.group(2)) if kind != "year" else 0
    if kind == "month":
        return Period.month(year, number) if 1 <= number <= 12 else None
    return Period.quarter(year, number) if kind == "quarter" else Period.year(year)


def period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` a day falls in (this month, this quarter, this year; a stored period's start)."""
    if kind == "month":
        return Period.month(day.year, day.month)
    if kind == "quarter":
        return Period.quarter(day.year, (day.month - 1) // 3 + 1)
    return Period.year(day.year)


def period_text(period: Period) -> str:
    """How a form and a URL write the period: 2026-11, 2026-Q4, 2026."""
    if period.kind == "month":
        return f"{period.start:%Y-%m}"
    if period.kind == "quarter":
        return f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"
    return str(period.start.year)


def period_label(period: Period) -> str:
    """How a page names the period: 2026-11, 2026年第4季度, 2026年."""
    if period.kind == "quarter":
        return _("%(year)s Q%(quarter)s", year=period.start.year, quarter=(period.start.month - 1) // 3 + 1)
    if period.kind == "year":
        return _("Year %(year)s", year=period.start.year)
    return period_text(period)


# --- Values by unit -------------------------------------------------------------------------------------------

def format_value(kpi_unit: str, value) -> str:
    """A KPI value as people read it: count 12, rate 35.0%, money 1,234.00 元, score +12 / −5, mean 4.2."""
    if value is None:
        return "—"
    value = Decimal(value)
    if kpi_unit == "rate":
        return f"{value * 100:.1f}%"
    if kpi_unit == "money":
        return f"{value:,.2f} 元"
    if kpi_unit == "score":
        return f"+{value:.0f}" if value > 0 else f"−{-value:.0f}" if value < 0 else "0"
    if kpi_unit == "mean":
        return f"{value:.1f}"
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def format_change(kpi_unit: str, value) -> str:
    """A change against the previous period, signed: +3, −1,000.00 元, +5.0 percentage points for a rate."""
    if value is None:
        return "—"
    value = Decimal(value)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    if kpi_unit == "rate":
        return _("%(points)s pp", points=f"{sign}{abs(value) * 100:.1f}")
    if kpi_unit == "score":
        return format_value(kpi_unit, value)
    return sign + format_value(kpi_unit, abs(value))


_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_LIMITS = {  # unit: (lowest, highest, whole numbers only, the message for a value outside)
    "count": (Decimal(0), Decimal(10**9), True, _l("A count is a whole number, 0 or more.")),
    "rate": (Decimal(0), Decimal(1000), False, _l("A rate is a percentage between 0 and 1000.")),
    "money": (Decimal(0), Decimal(10**10) - 1, False, _l("An amount is 0 or more, below 10 billion yuan.")),
    "score": (Decimal(-100), Decimal(100), False, _l("A score is between −100 and +100.")),
    "mean": (Decimal(1), Decimal(5), False, _l("A mean score is between 1 and 5.")),
}
_ANY = (Decimal(-(10**10) + 1), Decimal(10**10) - 1, False, _l("The number is too large."))


def stored_target(kpi_unit: str, typed: str | None) -> Decimal | None:
    """The target as stored from what was typed (a rate as a percentage: "35" or "35%" → 0.35); None when
    blank. Raises ValueError with the message to show by the field."""
    typed = (typed or "").strip().replace(",", "").replace("，", "")
    if kpi_unit == "rate":
        typed = typed.removesuffix("%").removesuffix("％").strip()
    if not typed:
        return None
    if not _NUMBER.fullmatch(typed):
        raise ValueError(_("Enter a number."))
    value = Decimal(typed)
    lowest, highest, whole, message = _LIMITS.get(kpi_unit, _ANY)
    if not lowest <= value <= highest or (whole and value != value.to_integral_value()):
        raise ValueError(str(message))
    return (value / 100 if kpi_unit == "rate" else value).quantize(FOUR_PLACES)


def typed_target(kpi_unit: str, value: Decimal | None) -> str:
    """What the form shows for a stored target: a rate as a percentage (0.35 → "35"), no trailing zeros."""
    if value is None:
        return ""
    shown = Decimal(value) * 100 if kpi_unit == "rate" else Decimal(value)
    return format(shown.normalize(), "f")


# --- The scorecard --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreLine:
    kpi: Kpi
    target: Decimal | None
    actual: Figure
    achievement: Decimal | None  # actual / target as a fraction
    previous: Figure  # the same KPI in period.previous()
    change: Decimal | int | None  # actual − previous


def achievement(actual, target: Decimal | None) -> Decimal | None:
    """Actual over target; None without either, or when the target is not positive (0, or a negative NPS
    target, where the ratio means nothing)."""
    if actual is None or target is None or target <= 0:
        return None
    return (Decimal(actual) / Decimal(target)).quantize(FOUR_PLACES)


def change(actual, previous):
    return None if actual is None or previous is None else actual - previous


def targets_of(period: Period, rep_id: int | None) -> dict[str, Decimal]:
    """{kpi key: target} of the scope's own targets for the period, in one query (a rep's do not fall back on
    the team's)."""
    stmt = select(KpiTarget.kpi, KpiTarget.value).where(
        KpiTarget.period_kind == period.kind, KpiTarget.period_start == period.start,
        KpiTarget.rep_id.is_(None) if rep_id is None else KpiTarget.rep_id == rep_id)
    return {row.kpi: Decimal(row.value) for row in db.session.execute(stmt)}


def scorecard(period: Period, rep_id: int | None) -> list[ScoreLine]:
    """One line per catalogue KPI, in catalogue order: target, actual, achievement, and the change against the
    previous period of the same kind (month on month, quarter on quarter). A fixed number of queries: one for
    the targets, then each KPI's own aggregates for the two periods."""
    targets, before = targets_of(period, rep_id), period.previous()
    lines = []
    for kpi in catalogue():
        actual, previous = kpi.measure(period, rep_id), kpi.measure(before, rep_id)
        target = targets.get(kpi.key)
        lines.append(ScoreLine(kpi, target, actual, achievement(actual.value, target), previous,
                               change(actual.value, previous.value)))
    return lines


# --- Writes ---------------------------------------------------------------------------------------------------

def save_targets(period: Period, rep_id: int | None, values: dict[str, Decimal | None]) -> None:
    """Set the scope's targets of the period: a value creates or updates, None removes."""
    stored = {target.kpi: target for target in db.session.scalars(select(KpiTarget).where(
        KpiTarget.period_kind == period.kind, KpiTarget.period_start == period.start,
        KpiTarget.rep_id.is_(None) if rep_id is None else KpiTarget.rep_id == rep_id))}
    for key, value in values.items():
        target = stored.get(key)
        if value is None and target is not None:
            db.session.delete(target)
        elif value is not None and target is None:
            db.session.add(KpiTarget(kpi=key, period_kind=PeriodKind(period.kind), period_start=period.start,
                                     rep_id=rep_id, value=value))
        elif value is not None and Decimal(target.value) != value:
            target.value = value
    db.session.flush()


def find_review(period: Period, rep_id: int | None) -> Review | None:
    return db.session.scalar(select(Review).where(
        Review.period_kind == period.kind, Review.period_start == period.start,
        Review.rep_id.is_(None) if rep_id is None else Review.rep_id == rep_id))


def save_review(review: Review, data: dict) -> Review:
    """Write the summary and, per catalogue KPI, its variance analysis and improvement measures (``data`` keys
    ``variance_<kpi>`` and ``measures_<kpi>``); lines of KPIs no longer in the catalogue are kept."""
    lines = dict(review.lines or {})
    for kpi in catalogue():
        line = {part: data.get(f"{part}_{kpi.key}") or "" for part in ("variance", "measures")}
        if any(line.values()):
            lines[kpi.key] = line
        else:
            lines.pop(kpi.key, None)
    review.summary = data.get("summary") or ""
    if lines != (review.lines or {}):
        review.lines = lines
    db.session.add(review)
    db.session.flush()
    return review


def new_review(period: Period, rep_id: int | None) -> Review:
    return Review(period_kind=PeriodKind(period.kind), period_start=period.start, rep_id=rep_id, lines={})
