"""What the printed documents need stored of their own: the month's product updates for the service report."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import RecordMixin
from app.extensions import db


class ProductUpdate(RecordMixin, db.Model):
    """A product update of one month (本月产品动态), entered once by an admin or manager and printed in every
    client's service monthly report of that month (seed 003: delivery progress, issues, product updates)."""

    __tablename__ = "product_updates"
    __label__ = _l("Product update")
    __table_args__ = (Index("ix_product_updates_month", "month", "position"),)

    month: Mapped[date] = mapped_column(Date)  # the 1st of the month
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(SmallInteger, default=0)  # lower first

    field_labels = {"month": _l("Report month"), "title": _l("Subject"), "body": _l("What changed"),
                    "position": _l("Order")}

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.title}"
