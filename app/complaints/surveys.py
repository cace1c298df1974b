"""Satisfaction surveys (满意度调研, seed 003: quarterly): NPS 0–10 and four 1–5 scores, recorded by a rep or
answered by the client through a signed link; NPS per quarter, team, rep and client; who is due this quarter."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.complaints.models import Survey
from app.core import links
from app.core.cache import Cache
from app.core.clock import local_now, local_today
from app.core.forms import whole_number
from app.core.models import User
from app.core.plugins import client_panel
from app.core.scoping import visible
from app.extensions import db

PURPOSE = "survey"
SCORE_FIELDS = ("product_quality", "service_response", "value_for_money", "cooperation")
SURVEYED = (Lifecycle.CUSTOMER, Lifecycle.AT_RISK)  # who the quarterly survey is for


# NPS -------------------------------------------------------------------------------------------------------------

def nps_from_counts(promoters: int, detractors: int, answers: int) -> int | None:
    """Net Promoter Score: % promoters − % detractors, rounded half away from zero; None without answers."""
    if not answers:
        return None
    share = 100 * (promoters - detractors) / answers
    return int(share + (0.5 if share >= 0 else -0.5))


def nps(scores: Iterable[int]) -> int | None:
    """NPS of 0–10 answers: promoters say 9–10, detractors 0–6 (10,9,8,7,6,0 → 2/6 − 2/6 → 0)."""
    scores = list(scores)
    return nps_from_counts(sum(s >= 9 for s in scores), sum(s <= 6 for s in scores), len(scores))


# Quarters --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None) -> "Quarter | None":
        """'2026Q3' → Quarter(2026, 3); None for anything else."""
        year, _sep, number = (text or "").upper().partition("Q")
        year, number = whole_number(year), whole_number(number)
        return cls(year, number) if year and 2000 <= year <= 2100 and number in (1, 2, 3, 4) else None

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime:  # the first moment of the next quarter
        return Quarter(self.year + 1, 1).start if self.number == 4 else Quarter(self.year, self.number + 1).start

    def previous(self, count: int = 1) -> "Quarter":
        index = self.year * 4 + self.number - 1 - count
        return Quarter(index // 4, index % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return _l("Q%(number)s %(year)s", number=self.number, year=self.year)


# Queries ---------------------------------------------------------------------------------------------------------

@dataclass
class SurveyFilters:
    quarter: Quarter | None = None
    client_id: int | None = None
    rep_id: int | None = None  # the client's owner

    @classmethod
    def from_args(cls, args: MultiDict) -> "SurveyFilters":
        return cls(Quarter.parse(args.get("quarter")), whole_number(args.get("client")), whole_number(args.get("rep")))

    def to_args(self, **changes) -> dict:
        args = {"quarter": str(self.quarter) if self.quarter else None, "client": self.client_id,
                "rep": self.rep_id, **changes}
        return {key: value for key, value in args.items() if value is not None}

    def apply(self, stmt: Select) -> Select:
        if self.quarter:
            stmt = stmt.where(Survey.answered_at >= self.quarter.start, Survey.answered_at < self.quarter.end)
        if self.client_id:
            stmt = stmt.where(Survey.client_id == self.client_id)
        if self.rep_id:
            stmt = stmt.where(Survey.client_id.in_(select(Client.id).where(Client.owner_id == self.rep_id)))
        return stmt


def survey_list(user, filters: SurveyFilters) -> Select:
    stmt = (visible(select(Survey), Survey, user).options(selectinload(Survey.recorded_by))
            .order_by(Survey.answered_at.desc(), Survey.id.desc()))
    return filters.apply(stmt)


@dataclass(frozen=True)
class NpsRow:
    key: object  # a Quarter, a user or client id, or None for the team
    label: object  # a name, or a lazily translated label
    answers: int
    promoters: int
    detractors: int

    @property
    def nps(self) -> int | None:
        return nps_from_counts(self.promoters, self.detractors, self.answers)


def _quarter_number(column):
    month = func.extract("month", column)
    return case((month <= 3, 1), (month <= 6, 2), (month <= 9, 3), else_=4)


def nps_by(user, by: str, filters: SurveyFilters | None = None, limit: int = 100) -> list[NpsRow]:
    """Answers, promoters and detractors counted in SQL per group — "quarter", "rep" (the client's owner),
    "client" or "team" (everything the user sees, one row) — over the surveys the user sees and the filters."""
    promoters = func.coalesce(func.sum(case((Survey.nps >= 9, 1), else_=0)), 0)
    detractors = func.coalesce(func.sum(case((Survey.nps <= 6, 1), else_=0)), 0)
    counts = (func.count(Survey.id), promoters, detractors)
    base = (filters or SurveyFilters()).apply(visible(select(*counts), Survey, user))
    if by == "team":
        answers, p, d = db.session.execute(base).one()
        return [NpsRow(None, _l("Team"), answers, p, d)]
    if by == "quarter":
        year, number = func.extract("year", Survey.answered_at), _quarter_number(Survey.answered_at)
        stmt = base.add_columns(year, number).group_by(year, number).order_by(year.desc(), number.desc())
        return [NpsRow(q, q.label, a, p, d)
                for a, p, d, q in ((a, p, d, Quarter(int(y), int(n))) for a, p, d, y, n in
                                   db.session.execute(stmt.limit(limit)))]
    if by == "rep":
        owner = Client.owner_id
        stmt = (base.join(Client, Client.id == Survey.client_id).outerjoin(User, User.id == owner)
                .add_columns(owner, User.display_name).group_by(owner, User.display_name)
                .order_by(User.display_name))
        return [NpsRow(key, name or _l("No owner"), a, p, d)
                for a, p, d, key, name in db.session.execute(stmt.limit(limit))]
    if by == "client":
        stmt = (base.join(Client, Client.id == Survey.client_id).add_columns(Client.id, Client.name)
                .group_by(Client.id, Client.name).order_by(Client.name))
        return [NpsRow(key, name, a, p, d) for a, p, d, key, name in db.session.execute(stmt.limit(limit))]
    raise ValueError(by)


_summaries = Cache(size=32)


def nps_summary(user, filters: SurveyFilters, quarters: int) -> tuple[NpsRow, list[NpsRow], list[NpsRow]]:
    """The team's NPS, per rep and per quarter (the last ``quarters``) over the surveys the user sees: sums over
    every survey, made once and kept until the data changes."""
    key = ("nps", None if user.sees_all_clients else user.id, str(get_locale()), str(filters.quarter),
           filters.client_id, filters.rep_id, quarters)
    return _summaries.get(key, lambda: (nps_by(user, "team", filters)[0], nps_by(user, "rep", filters),
                                        nps_by(user, "quarter", filters, limit=quarters)))


def _surveyed_in(quarter: Quarter):
    return exists().where(Survey.client_id == Client.id, Survey.deleted_at.is_(None),
                          Survey.answered_at >= quarter.start, Survey.answered_at < quarter.end)


def clients_due(user, quarter: Quarter) -> Select:
    """The user's clients (customers and those at risk) without a survey in the quarter: the quarterly reminder."""
    return (visible(select(Client), Client, user)
            .where(Client.status.in_(SURVEYED), ~_surveyed_in(quarter)).order_by(Client.pinyin, Client.id))


def client_surveys(client: Client, user, limit: int = 3) -> list[Survey]:
    stmt = visible(select(Survey).where(Survey.client_id == client.id), Survey, user)
    return list(db.session.execute(stmt.order_by(Survey.answered_at.desc(), Survey.id.desc()).limit(limit))
                .scalars())


def surveyed_in(client: Client, quarter: Quarter) -> bool:
    return db.session.scalar(select(Client.id).where(Client.id == client.id, _surveyed_in(quarter))) is not None


# Writes ----------------------------------------------------------------------------------------------------------

def record_survey(client: Client, data: dict, user) -> Survey:
    """A survey for the client: typed in by a rep (user), or the client's own answer (user None)."""
    survey = Survey(client_id=client.id, recorded_by_id=user.id if user else None,
                    answered_at=data.get("answered_at") or local_now().replace(microsecond=0),
                    contact_id=data.get("contact_id"), nps=data["nps"], comment=(data.get("comment") or "").strip(),
                    **{name: data.get(name) for name in SCORE_FIELDS})
    db.session.add(survey)
    db.session.flush()
    return survey


def issue_link(client: Client, user) -> str:
    """A survey link for the client (earlier open ones retired); the token."""
    return links.issue(PURPOSE, None, client.id, user)


def shown_link(client: Client) -> tuple[str, links.ClientLink] | None:
    link = links.current(PURPOSE, None, client.id)
    return (links.public_url("public.survey", token=links.token_for(link)), link) if link else None


def resolve(token: str, now: datetime | None = None) -> tuple[links.ClientLink, Client] | None:
    link = links.resolve(token, PURPOSE, now)
    client = db.session.get(Client, link.client_id) if link else None
    return (link, client) if client is not None and not client.is_deleted else None



@client_panel(order=45)
def survey_panel(client: Client, user, **_others) -> Markup:
    """The client page's surveys: the last ones, the client's NPS, and whether this quarter's is still due."""
    quarter = Quarter.of(local_today())
    row = nps_by(user, "client", SurveyFilters(client_id=client.id))
    return Markup(render_template("complaints/_survey_panel.html", client=client,
                                  surveys=client_surveys(client, user), nps=row[0] if row else None,
                                  quarter=quarter, due=client.status in SURVEYED and not surveyed_in(client, quarter)))
