"""Churn (流失): the risk signals that put a client on the watch list, and the record kept when a client is lost
with why, what we learnt and how we try to win it back (seed 000 第四章 十).

The signals are computed in SQL for every client in the user's scope: one statement per page, whatever the size
of the archive (a UNION ALL of one small query per signal, grouped by client, paged in SQL)."""
from array import array
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Select, String, Text, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship
from sqlalchemy.sql.expression import FunctionElement

from app.archive.enums import AssetStatus, Lifecycle
from app.archive.models import Asset, Client, ClientOwned
from app.complaints.enums import OPEN_STATUSES, ChurnOutcome, ChurnReason, ComplaintStatus, RiskSignal
from app.complaints.models import Complaint, Survey
from app.core.access import MANAGERS, has_role
from app.core.cache import Cache
from app.core.clock import local_today
from app.core.models import RecordMixin, SoftDeleteMixin, enum_column
from app.core.paging import Page
from app.core.records import apply
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import InteractionStatus, Satisfaction
from app.visits.models import ClientCadence, Interaction

LOW_SATISFACTION = (Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED)  # 不满意 or worse; a visit's ≤ 2
SATISFACTION_WINDOW = timedelta(days=180)
SLA_BREACH_WINDOW = timedelta(days=90)
MAINTENANCE_WINDOW = timedelta(days=60)
DETRACTOR_NPS = 6  # 0–6 detractors, 9–10 promoters (NPS)


class ChurnRecord(ClientOwned, RecordMixin, SoftDeleteMixin, db.Model):
    """A lost client (流失记录): why, the competitor who took it, our own review and the win-back plan. Saving one
    makes the client LOST; the outcome "won back" makes it a customer again."""

    __tablename__ = "churn_records"
    __label__ = _l("Churn record")

    lost_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[ChurnReason] = enum_column(ChurnReason, index=True)
    competitor: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    self_review: Mapped[str] = mapped_column(Text, default="")  # 自我检查
    win_back_plan: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[ChurnOutcome] = enum_column(ChurnOutcome, default=ChurnOutcome.PENDING)
    outcome_on: Mapped[date | None] = mapped_column(Date)

    client: Mapped[Client] = relationship(lazy="joined")

    field_labels = {
        "client_id": _l("Client"), "lost_on": _l("Lost on"), "reason": _l("Reason for leaving"),
        "competitor": _l("Competitor"), "details": _l("Details"), "self_review": _l("Self-review"),
        "win_back_plan": _l("Win-back plan"), "outcome": _l("Outcome"), "outcome_on": _l("Outcome on"),
        "deleted_at": _l("Deleted"),
    }

    def __str__(self) -> str:
        return f"{self.client.name} · {self.lost_on.isoformat()}"


# --- Who may write -------------------------------------------------------------------------------------------

def can_record_churn(user, client) -> bool:
    """Managers and admins, and the client's own rep; service reads (DESIGN.md, roles)."""
    return has_role(user, MANAGERS) or client.owner_id == user.id


# --- Writes ---------------------------------------------------------------------------------------------------

def _follow_outcome(record: ChurnRecord, client: Client) -> None:
    """The client's status follows the record: won back is a customer again, anything else is lost."""
    if record.outcome is not ChurnOutcome.PENDING and record.outcome_on is None:
        record.outcome_on = local_today()
    client.status = Lifecycle.CUSTOMER if record.outcome is ChurnOutcome.WON_BACK else Lifecycle.LOST


def record_churn(client: Client, data: dict) -> ChurnRecord:
    record = ChurnRecord(client_id=client.id, client=client)
    apply(record, data)
    _follow_outcome(record, client)
    db.session.add(record)
    db.session.flush()
    return record


def update_churn(record: ChurnRecord, data: dict) -> ChurnRecord:
    apply(record, data)
    _follow_outcome(record, record.client)
    db.session.flush()
    return record


def churn_list(user, reason: ChurnReason | None = None) -> Select:
    stmt = visible(select(ChurnRecord), ChurnRecord, user)
    if reason:
        stmt = stmt.where(ChurnRecord.reason == reason)
    return stmt.order_by(ChurnRecord.lost_on.desc(), ChurnRecord.id.desc())


def reason_stats(user) -> list:
    """(reason, lost, won back) per reason, most frequent first: why clients leave, and which come back."""
    won = func.sum(case((ChurnRecord.outcome == ChurnOutcome.WON_BACK, 1), else_=0))
    stmt = (select(ChurnRecord.reason, func.count().label("lost"), won.label("won_back"))
            .group_by(ChurnRecord.reason).order_by(func.count().desc(), ChurnRecord.reason))
    return db.session.execute(visible(stmt, ChurnRecord, user)).all()


def client_churn_records(client: Client, user) -> list[ChurnRecord]:
    stmt = visible(select(ChurnRecord).where(ChurnRecord.client_id == client.id), ChurnRecord, user)
    return db.session.execute(stmt.order_by(ChurnRecord.lost_on.desc(), ChurnRecord.id.desc())).scalars().all()


# --- Risk signals ---------------------------------------------------------------------------------------------

class days_after(FunctionElement):
    """A date column plus a whole number of days (negative: minus) from another column, on SQLite and
    PostgreSQL."""

    type = Date()
    inherit_cache = True


@compiles(days_after)
def _days_after(element, compiler, **kw):
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({day} + {days})"


@compiles(days_after, "sqlite")
def _days_after_sqlite(element, compiler, **kw):
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({day}, {days} || ' days')"  # "-14 days" as well as "14 days"


def _signal(signal: RiskSignal, client_id, *conditions, client: int | None = None) -> Select:
    stmt = select(client_id.label("client_id"), literal(signal.value).label("signal")).where(*conditions)
    return stmt.where(client_id == client) if client else stmt


def _signal_queries(today: date, now: datetime, client: int | None) -> list[Select]:
    """One (client_id, signal) query per signal; `client` narrows each to one client (the client page)."""
    later = aliased(Complaint)
    closed = and_(Complaint.status == ComplaintStatus.CLOSED, Complaint.deleted_at.is_(None))
    latest_closed = ~exists().where(later.client_id == Complaint.client_id, later.deleted_at.is_(None),
                                    later.status == ComplaintStatus.CLOSED, later.closed_at > Complaint.closed_at)
    newer = aliased(Survey)
    latest_survey = ~exists().where(newer.client_id == Survey.client_id, newer.deleted_at.is_(None),
                                    or_(newer.answered_at > Survey.answered_at,
                                        and_(newer.answered_at == Survey.answered_at, newer.id > Survey.id)))
    renewal = aliased(Asset)
    renewed = exists().where(
        renewal.client_id == Asset.client_id, renewal.id != Asset.id, renewal.deleted_at.is_(None),
        renewal.maintenance_until > Asset.maintenance_until,
        or_(and_(Asset.product_id.is_not(None), renewal.product_id == Asset.product_id),
            and_(Asset.product_id.is_(None), renewal.name == Asset.name)))
    return [
        # Untouched for more than twice the interval: the due date (last touch + interval) passed by an interval.
        _signal(RiskSignal.OVERDUE_VISITS, ClientCadence.client_id,
                or_(days_after(ClientCadence.phone_due_on, ClientCadence.phone_interval) < today,
                    days_after(ClientCadence.onsite_due_on, ClientCadence.onsite_interval) < today), client=client),
        _signal(RiskSignal.LOW_SATISFACTION, Complaint.client_id, closed, latest_closed,
                Complaint.closed_at >= now - SATISFACTION_WINDOW, Complaint.satisfaction.in_(LOW_SATISFACTION),
                client=client),
        _signal(RiskSignal.LOW_SATISFACTION, Interaction.client_id, Interaction.status == InteractionStatus.DONE,
                Interaction.deleted_at.is_(None), Interaction.done_at >= now - SATISFACTION_WINDOW,
                Interaction.satisfaction.in_(LOW_SATISFACTION), client=client),
        _signal(RiskSignal.OVERDUE_COMPLAINTS, Complaint.client_id, Complaint.status.in_(OPEN_STATUSES),
                Complaint.deleted_at.is_(None), Complaint.paused_since.is_(None),
                or_(and_(Complaint.responded_at.is_(None), Complaint.response_due_at < now),
                    and_(Complaint.plan_at.is_(None), Complaint.plan_due_at < now),
                    and_(Complaint.resolved_at.is_(None), Complaint.resolution_due_at < now)), client=client),
        _signal(RiskSignal.NPS_DETRACTOR, Survey.client_id, Survey.deleted_at.is_(None), latest_survey,
                Survey.nps <= DETRACTOR_NPS, client=client),
        _signal(RiskSignal.MAINTENANCE_EXPIRING, Asset.client_id, Asset.deleted_at.is_(None),
                Asset.status != AssetStatus.RETIRED,
                Asset.maintenance_until.between(today, today + MAINTENANCE_WINDOW), ~renewed, client=client),
        _signal(RiskSignal.SLA_BREACH, Complaint.client_id, closed, Complaint.resolved_at >= now - SLA_BREACH_WINDOW,
                Complaint.resolved_at > Complaint.resolution_due_at, client=client),
    ]


@dataclass
class Risk:
    client: Client
    signals: list[RiskSignal]


def risk_list(user, today: date, now: datetime, *, signal: RiskSignal | None = None, owner_id: int | None = None,
              client: int | None = None, ids_only: bool = False) -> Select:
    """Rows (client, one 0/1 column per signal) of the clients in the user's scope with at least one signal
    (optionally this one), lost clients left out, those with most signals first; with ``ids_only`` the client's
    id stands for the client. `today`/`now` are local."""
    found = union_all(*_signal_queries(today, now, client)).subquery("signals")
    flags = {s: func.max(case((found.c.signal == s.value, 1), else_=0)) for s in RiskSignal}
    grouped = select(found.c.client_id, func.count(func.distinct(found.c.signal)).label("signal_count"),
                     *[flag.label(s.value) for s, flag in flags.items()]).group_by(found.c.client_id)
    if signal:
        grouped = grouped.having(flags[signal] == 1)
    risk = grouped.subquery("risk")
    stmt = (select(Client.id if ids_only else Client, *[risk.c[s.value] for s in RiskSignal])
            .join(risk, risk.c.client_id == Client.id)
            .where(Client.status != Lifecycle.LOST))
    if owner_id:
        stmt = stmt.where(Client.owner_id == owner_id)
    return visible(stmt, Client, user).order_by(risk.c.signal_count.desc(), Client.pinyin, Client.id)


@dataclass(frozen=True)
class Ranking:
    """The churn-risk order of every client in a scope, packed: client ids in one array, each client's signals as
    the bits of one byte. ~9 bytes a client at risk where a list of row tuples took ~200: a cached ranking of
    50k clients is ~0.5 MB."""

    ids: array
    flags: bytes

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, start: int, stop: int) -> list[tuple[int, tuple[bool, ...]]]:
        return [(client_id, tuple(bool(bits >> bit & 1) for bit in range(len(RiskSignal))))
                for client_id, bits in zip(self.ids[start:stop], self.flags[start:stop], strict=True)]

    @property
    def size(self) -> int:
        return self.ids.itemsize * len(self.ids) + len(self.flags)


def _ranking(stmt: Select) -> Ranking:
    """Read in batches, so the rows are never all held at once while the ranking is packed."""
    ids, flags = array("q"), bytearray()
    for row in db.session.execute(stmt, execution_options={"yield_per": RANKING_BATCH}):
        ids.append(row[0])
        flags.append(sum(1 << bit for bit, on in enumerate(row[1:]) if on))
    return Ranking(ids, bytes(flags))


RANKING_BATCH = 2000
RANKING_CACHE_BYTES = 8 * 1024 * 1024
_rankings = Cache(size=16, budget=RANKING_CACHE_BYTES, weigh=lambda ranking: ranking.size)


def risk_page(user, today: date, now: datetime, page: int, per_page: int, *, signal: RiskSignal | None = None,
              owner_id: int | None = None) -> Page:
    """A page of the churn-risk list. Putting the clients with most signals first needs every client's signals,
    so the ranking (ids and signals, packed) is made once and kept until the data changes, the day turns or the
    hour does (a complaint falling overdue shows within the hour); a page then reads only its own clients."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    key = ("churn-risk", None if user.sees_all_clients else user.id, today, hour, signal, owner_id)
    ranking = _rankings.get(key, lambda: _ranking(
        risk_list(user, today, now, signal=signal, owner_id=owner_id, ids_only=True)))
    shown = ranking.rows((page - 1) * per_page, page * per_page)
    clients = {client.id: client for client in db.session.execute(
        select(Client).where(Client.id.in_([client_id for client_id, _flags in shown]))).unique().scalars()}
    risks = [Risk(clients[client_id], [s for s, on in zip(RiskSignal, flags, strict=True) if on])
             for client_id, flags in shown if client_id in clients]
    return Page(risks, len(ranking), page, per_page, has_next=len(ranking) > page * per_page)


def as_risks(rows) -> list[Risk]:
    return [Risk(row[0], [s for s, on in zip(RiskSignal, row[1:], strict=True) if on]) for row in rows]


def client_risk(client: Client, user, today: date, now: datetime) -> list[RiskSignal]:
    """The client's current risk signals (none for a lost client)."""
    rows = db.session.execute(risk_list(user, today, now, client=client.id)).unique().all()
    return as_risks(rows)[0].signals if rows else []
