"""The 5-3-2 band as a filter of the client list, computed in SQL from the last done touch."""
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from app.archive.models import Client
from app.archive.queries import EXTRA_FILTERS, ExtraFilter
from app.core.clock import local_today
from app.visits.enums import InteractionStatus
from app.visits.models import Interaction
from app.visits.regime import band_days
from app.visits.rules import BAND_LABELS, BANDS


def apply_band(stmt: Select, band: str) -> Select:
    """Same boundaries as rules.recency_band: deep when the last touch is at most N days before today."""
    last = (select(func.max(Interaction.done_at))
            .where(Interaction.client_id == Client.id, Interaction.status == InteractionStatus.DONE,
                   Interaction.deleted_at.is_(None)).scalar_subquery())
    days, today = band_days(), local_today()
    deep_from = datetime.combine(today - timedelta(days=days["deep"]), time.min)
    ordinary_from = datetime.combine(today - timedelta(days=days["ordinary"]), time.min)
    if band == "deep":
        return stmt.where(last >= deep_from)
    if band == "ordinary":
        return stmt.where(last < deep_from, last >= ordinary_from)
    return stmt.where(or_(last.is_(None), last < ordinary_from))


EXTRA_FILTERS["band"] = ExtraFilter(label=_l("5-3-2 band"), choices=lambda: [(b, BAND_LABELS[b]) for b in BANDS],
                                    apply=apply_band)
