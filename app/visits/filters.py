"""The 5-3-2 band as a filter of the client list, from each client's last done touch (client_cadence)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.archive.queries import EXTRA_FILTERS, ExtraFilter
from app.core.clock import local_today
from app.visits.models import ClientCadence
from app.visits.regime import band_of
from app.visits.rules import BAND_LABELS, BANDS


def apply_band(stmt: Select, band: str) -> Select:
    """Same boundaries as the 5-3-2 page (regime.band_of): an indexed lookup per client, no aggregate."""
    last = select(ClientCadence.last_touch_at).where(ClientCadence.client_id == Client.id).scalar_subquery()
    return stmt.where(band_of(last, local_today()) == band, Client.status != Lifecycle.LOST)  # as on the page


EXTRA_FILTERS["band"] = ExtraFilter(label=_l("5-3-2 band"), choices=lambda: [(b, BAND_LABELS[b]) for b in BANDS],
                                    apply=apply_band)
