"""Stand-in for the service monthly report (服务月报), enough for the batch to run: the real report replaces it."""
from datetime import date, datetime

from sqlalchemy import Select, select

from app.archive.models import Client
from app.core.pdf import render_pdf
from app.core.scoping import visible
from app.visits.enums import InteractionStatus
from app.visits.models import Interaction


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1)
    return start, datetime(month.year + month.month // 12, month.month % 12 + 1, 1)


def clients_with_activity(month: date, user) -> Select:
    """Ids of the clients (in the user's scope; None: all) with a visit done in the month, in id order."""
    start, end = _month_bounds(month)
    done = select(Interaction.client_id).where(Interaction.status == InteractionStatus.DONE,
                                               Interaction.done_at >= start, Interaction.done_at < end,
                                               Interaction.deleted_at.is_(None))
    stmt = select(Client.id).where(Client.id.in_(done)).order_by(Client.id)
    return stmt if user is None else visible(stmt, Client, user)


def service_report_pdf(client, month: date) -> bytes:
    return render_pdf("reports/_batch_stub.html", client=client, month=month)


def report_filename(client, month: date) -> str:
    return f"服务月报-{client.name}-{month:%Y-%m}.pdf"
