"""Pages counted and limited in SQL: rows db.paginate cannot take (several columns per row), lists too long to
count exactly, and records read a chunk at a time for a streamed download."""
from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, UnaryExpression, func, literal_column, select
from sqlalchemy.sql import operators

from app.core.forms import whole_number
from app.extensions import db

COUNT_CAP = 1000  # a long list says "1,000+": nobody pages that far, and counting every row grows with the data


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    has_next: bool = False
    more: bool = False  # counted up to COUNT_CAP: there are more rows than ``total``

    @property
    def shown_total(self) -> str:
        """The count as a person reads it: 1,234, or 1,000+ when it stopped at the cap."""
        return f"{self.total:,}" + ("+" if self.more else "")

    @property
    def pages(self) -> int | None:
        """How many pages there are; None when the count stopped at the cap."""
        return None if self.more else max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_number() -> int:
    """The ?page= of the request: a positive whole number, else 1."""
    page = whole_number(request.args.get("page"), maximum=10**6)
    return page if page and page > 0 else 1


def paginate(stmt: Select, page: int, per_page: int, *, rows: bool = False, cap: int | None = None) -> Page:
    """A page of records (or of rows, for a select of several columns): counted only up to ``cap`` (the count
    reads at most cap + 1 rows, however large the archive), the page read with one row more to know if another
    follows."""
    cap = cap or COUNT_CAP
    counted = db.session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None).limit(cap + 1)
        .subquery()))
    result = db.session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page)).unique()
    found = result.all() if rows else result.scalars().all()
    return Page(found[:per_page], min(counted, cap), page, per_page, has_next=len(found) > per_page,
                more=counted > cap)


def paginate_either_end(stmt: Select, order: list, page: int, per_page: int) -> Page:
    """A page of an exactly counted list in ``order`` (the select's own order, which is replaced), read from
    whichever end it is nearer: OFFSET steps over the rows it skips one by one, so the last page is read
    backwards (the order reversed) and costs what the first does."""
    stmt = stmt.order_by(None)
    total = db.session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(literal_column("1"), maintain_column_froms=True).subquery()))
    offset = (page - 1) * per_page
    after = total - offset - per_page  # rows after this page
    if 0 <= offset < total and after < offset:
        found = db.session.execute(stmt.order_by(*[_reversed(clause) for clause in order])
                                   .limit(per_page + min(after, 0)).offset(max(after, 0))).unique().scalars().all()
        found.reverse()
    else:
        found = db.session.execute(stmt.order_by(*order).limit(per_page).offset(offset)).unique().scalars().all()
    return Page(found, total, page, per_page, has_next=after > 0)


def _reversed(clause):
    """The order clause the other way round. NULLs sort first ascending and last descending on SQLite, the
    other way on PostgreSQL: on both, the reversed order is exactly the original read backwards."""
    if isinstance(clause, UnaryExpression) and clause.modifier is operators.desc_op:
        return clause.element.asc()
    if isinstance(clause, UnaryExpression) and clause.modifier is operators.asc_op:
        return clause.element.desc()
    return clause.desc()


def in_chunks(stmt: Select, size: int = 500):
    """The records of a select from one query read ``size`` rows at a time (a server-side cursor on
    PostgreSQL): a streamed download neither holds the whole result in memory nor reruns the query per chunk."""
    result = db.session.execute(stmt.execution_options(yield_per=size))
    for chunk in result.scalars().partitions():
        yield from chunk
        for record in chunk:  # what was written out is not needed again
            db.session.expunge(record)
