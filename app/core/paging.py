"""A page of rows counted and limited in SQL, for queries db.paginate cannot take (several columns per row)."""
from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, func, select

from app.core.forms import whole_number
from app.extensions import db


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

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


def paginate_rows(stmt: Select, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(rows, total, page, per_page)


def in_chunks(stmt: Select, size: int = 500):
    """The records of a select from one query read ``size`` rows at a time (a server-side cursor on
    PostgreSQL): a streamed download neither holds the whole result in memory nor reruns the query per chunk."""
    result = db.session.execute(stmt.execution_options(yield_per=size))
    for chunk in result.scalars().partitions():
        yield from chunk
        for record in chunk:  # what was written out is not needed again
            db.session.expunge(record)
