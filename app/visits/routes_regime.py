"""The return-visit regime: overdue lists, the 5-3-2 split, and the admin's cadence rules."""
from itertools import groupby

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.clock import local_today
from app.core.forms import edit_page, form_status, whole_number
from app.core.htmx import render, saved
from app.core.models import put_setting
from app.core.paging import page_number
from app.core.scoping import role_required
from app.extensions import db
from app.visits import bp, regime
from app.visits.access import RULE_EDITORS, can_edit_regime
from app.visits.enums import Channel
from app.visits.forms import BandDaysForm, CadenceRuleForm
from app.visits.models import CadenceRule
from app.visits.rules import BAND_LABELS, BANDS, BENCHMARK

admin_only = role_required(*RULE_EDITORS)
OVERDUE_PAGE = 100


@bp.get("/overdue")
@login_required
def overdue():
    channel = request.args.get("channel")
    channel = Channel(channel) if channel in Channel._value2member_map_ else None
    group = request.args.get("group", "owner") if request.args.get("group") in regime.GROUPS else "owner"
    owner_id = whole_number(request.args.get("owner")) if current_user.sees_all_clients else None
    late = regime.overdue(current_user, local_today(), channel, group, page_number(), OVERDUE_PAGE, owner_id)
    key = (lambda item: item.client.owner.display_name if item.client.owner else "—") if group == "owner" else (
        lambda item: item.client.value_grade.value if item.client.value_grade else "—")
    groups = [(name, list(items)) for name, items in groupby(late.items, key=key)]
    return render("visits/overdue.html", groups=groups, group=group, channel=channel, page=late, owner=owner_id,
                  channels=[channel] if channel else list(Channel))


@bp.route("/recency", methods=["GET", "POST"])
@login_required
def recency_split():
    form = BandDaysForm(data=regime.band_days()) if can_edit_regime(current_user) else None
    if form and form.validate_on_submit():
        put_setting(regime.BAND_SETTING, {"deep": form.deep.data, "ordinary": form.ordinary.data})
        return saved(url_for("visits.recency_split"))
    if request.method == "POST" and not form:
        abort(403)
    counts, split = regime.recency(current_user, local_today())
    return render("visits/recency.html", bands=BANDS, labels=BAND_LABELS, counts=counts, split=split, form=form,
                  benchmark=BENCHMARK, days=regime.band_days(), total=sum(counts.values()),
                  status=form_status(form) if form else 200)


@bp.get("/rules")
@admin_only
def rules():
    rows = db.session.execute(select(CadenceRule).where(CadenceRule.active.is_(True))
                              .order_by(CadenceRule.dimension, CadenceRule.value, CadenceRule.channel)).scalars().all()
    return render("visits/rules.html", rules=rows)


@bp.route("/rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@admin_only
def rule_edit(rule_id: int | None):
    return edit_page(CadenceRule, rule_id, CadenceRuleForm, "visits/rule.html", url_for("visits.rules"), "rule")


@bp.post("/rules/<int:rule_id>/delete")
@admin_only
def rule_delete(rule_id: int):
    """A rule is retired, not erased: it stops applying at once, and the audit trail keeps what it said."""
    db.get_or_404(CadenceRule, rule_id).active = False
    return saved(url_for("visits.rules"), _("Rule deleted."))
