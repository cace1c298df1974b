"""The quarterly VIP summary of a client: its page (quarter picker, PDF link) and its PDF. Whoever sees the client
sees it (404 outside the user's scope, like the client page). It works for any client a user picks, VIP or not:
only the quarter's batch is limited to VIP clients."""
from flask import request
from flask_babel import gettext as _
from flask_login import login_required

from app.archive.enums import Relationship
from app.archive.models import Client
from app.core.clock import local_today
from app.core.dates import parse_quarter, quarter_label, quarter_of
from app.core.htmx import render
from app.core.pdf import pdf_response
from app.core.scoping import get_or_404
from app.reports import bp, vip

bp.add_app_template_global(quarter_label, "quarter_label")


class BadQuarter(ValueError):
    pass


def read_quarter(text: str | None):
    """The quarter asked for (default: the last finished one), up to the current one."""
    today = local_today()
    if not text:
        return vip.last_finished_quarter(today)
    quarter = parse_quarter(text)
    if quarter is None:
        raise BadQuarter(_("Give the quarter as year and quarter, for example 2026-Q4."))
    if quarter > quarter_of(today):
        raise BadQuarter(_("%(quarter)s has not begun yet: there is nothing to sum up.", quarter=text))
    return quarter


@bp.errorhandler(BadQuarter)
def bad_quarter(bad: BadQuarter):
    return render("reports/bad_request.html", status=400, message=str(bad))


def _asked(client_id: int):
    """The client (404 outside the user's scope) and the quarter asked for (a bad one answers 400)."""
    return get_or_404(Client, client_id), read_quarter(request.args.get("quarter"))


@bp.get("/vip/<int:client_id>", endpoint="vip")
@login_required
def vip_page(client_id: int):
    client, quarter = _asked(client_id)
    return render("reports/vip.html", summary=vip.vip_summary(client, quarter), score_label=vip.score_label,
                  quarters=vip.recent_quarters(local_today()), is_vip=client.relationship_class is Relationship.VIP)


@bp.get("/vip/<int:client_id>.pdf")
@login_required
def vip_pdf(client_id: int):
    client, quarter = _asked(client_id)
    return pdf_response(vip.vip_summary_pdf(client, quarter), vip.summary_filename(client, quarter))
