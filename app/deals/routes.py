"""The pipeline board and list, a deal's page, creating, editing, moving and deleting deals, linking touches."""
from urllib.parse import parse_qsl, urlsplit

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.archive.enums import ValueGrade
from app.archive.models import Client
from app.archive.picker import pick_client_page
from app.archive.queries import product_choices
from app.core.clock import local_today
from app.core.errors import Refused
from app.core.forms import form_data, form_status, save_edit, submitted, whole_number
from app.core.htmx import render, saved, wants_fragment
from app.core.navigation import safe_next
from app.core.paging import page_number, paginate
from app.core.scoping import get_or_404, role_required
from app.core.users import user_choices
from app.deals import bp, queries, rules
from app.deals.access import CHANGERS, can_change, can_create, changeable
from app.deals.forms import DealForm, MoveForm, NewDealForm, TouchForm, deal_form, lines_data
from app.deals.models import Deal
from app.deals.services import create_deal, link_touch, move_deal, update_deal
from app.extensions import db
from app.visits.models import Interaction


@bp.get("/")
@login_required
def index():
    """The board (columns by stage), or with ?view=list the paginated list, under the same filters."""
    filters = queries.DealFilters.from_args(request.args)
    today = local_today()
    context = {"filters": filters, "today": today, "owners": user_choices(),
               "products": product_choices(), "grades": ValueGrade, "may_create": can_create(current_user)}
    if request.args.get("view") == "list":
        page = paginate(queries.deal_list(current_user, filters, today), page_number(),
                        current_app.config["PAGE_SIZE"])
        return render("deals/list.html", block="deal_list", page=page, **context)
    return render("deals/board.html", block="deal_board", columns=queries.board(current_user, filters, today),
                  **context)


def _started_from(args) -> tuple[Client | None, dict]:
    """The client a new deal is for (?client=), or the visit it was found during (?visit=, prefilled); None when
    neither was given (the client is picked first)."""
    if visit_id := whole_number(args.get("visit")):
        visit = get_or_404(Interaction, visit_id)
        return visit.client, rules.from_visit(visit.id, visit.opportunities)
    if "client" not in args:
        return None, {}
    return get_or_404(Client, whole_number(args.get("client")) or 0), {}


@bp.route("/new", methods=["GET", "POST"])
@role_required(*CHANGERS)
def new():
    client, prefill = _started_from(request.args)  # a client the user does not see: 404
    if client is None:
        return pick_client_page("deals.new", _("New deal"), _("Which client is the deal with?"))
    form = deal_form(NewDealForm, current_user, client, **prefill)
    if form.validate_on_submit():
        try:
            deal = create_deal(client, {**form_data(form), "lines": lines_data(form)}, current_user)
        except Refused as refused:
            db.session.rollback()
            refused.show_on(form)
        else:
            return saved(_detail_url(deal), _("Deal created."))
    return render("deals/new.html", form=form, client=client, status=form_status(form))


def _detail_url(deal: Deal) -> str:
    return url_for("deals.detail", deal_id=deal.id)


def _page(deal: Deal, status: int = 200, done: str | None = None, **forms):
    """The deal's page, or for htmx its main part (with ``done`` saying what was just saved)."""
    touches = queries.touches(deal)
    may_change = can_change(current_user, deal)
    return render("deals/detail.html", block="deal_main", status=status, deal=deal, done=done,
                  history=queries.stage_history(deal), touches=touches, band=rules.touch_band(len(touches)),
                  moves=rules.moves(deal.stage), may_change=may_change, today=local_today(),
                  move_form=forms.get("move_form") or MoveForm(formdata=None),
                  touch_form=forms.get("touch_form") or _touch_form(deal, may_change))


def _touch_form(deal: Deal, may_change: bool) -> TouchForm:
    form = TouchForm(formdata=None) if may_change else None
    if form is not None:
        form.interaction_id.choices = queries.touch_choices(deal)
    return form


@bp.get("/funnel")
@login_required
def funnel():
    """Conversion and time spent per stage, from the stage history of the deals started in a year."""
    today = local_today()
    year = whole_number(request.args.get("year"), maximum=9999) or today.year
    owner_id = whole_number(request.args.get("owner"))
    stats = rules.funnel(db.session.execute(queries.funnel_changes(current_user, year, owner_id)).all())
    return render("deals/funnel.html", stats=stats, year=year, owner_id=owner_id, owners=user_choices(),
                  years=range(today.year, today.year - 5, -1), may_create=can_create(current_user))


@bp.get("/<int:deal_id>")
@login_required
def detail(deal_id: int):
    return _page(get_or_404(Deal, deal_id))


@bp.post("/<int:deal_id>/stage")
@login_required
def move(deal_id: int):
    """A move button, on the deal's page or on a board card (view=card: the board comes back)."""
    deal = changeable(get_or_404(Deal, deal_id), current_user)
    form = MoveForm()
    on_board = request.form.get("view") == "card"
    if form.validate_on_submit():
        try:
            move_deal(deal, form.stage.data, current_user, form_data(form))
        except Refused as refused:
            db.session.rollback()
            refused.show_on(form)
        else:
            message = _("%(deal)s: %(stage)s.", deal=deal.title, stage=deal.stage.label)
            back = safe_next(request.form.get("next"), _detail_url(deal))
            return saved(back, message, fragment=lambda: _board(message) if on_board else _page(deal, done=message))
    errors = [error for field in form for error in field.errors] + form.form_errors
    if not on_board:
        return _page(deal, form_status(form), move_form=form)
    if wants_fragment():
        return _board(None, errors=errors, status=form_status(form), failed=deal)
    for error in errors:
        flash(error, "error")
    return redirect(safe_next(request.form.get("next"), url_for("deals.index")))


def _board(done: str | None, errors=(), status: int = 200, failed: Deal | None = None):
    """The board under the filters it was shown with (the card's form carries them back as ``next``)."""
    next_url = safe_next(request.form.get("next"), url_for("deals.index"))
    filters = queries.DealFilters.from_args(MultiDict(parse_qsl(urlsplit(next_url).query)))
    today = local_today()
    return render("deals/board.html", block="deal_board", status=status, done=done, errors=errors, failed=failed,
                  columns=queries.board(current_user, filters, today), filters=filters, today=today)


@bp.route("/<int:deal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(deal_id: int):
    deal = changeable(get_or_404(Deal, deal_id), current_user)
    form = deal_form(DealForm, current_user, deal.client, obj=deal)
    if submitted(form, deal):
        try:
            if save_edit(form, deal, lambda data: update_deal(deal, {**data, "lines": lines_data(form)})):
                return saved(_detail_url(deal))
        except Refused as refused:
            db.session.rollback()
            refused.show_on(form)
    return render("deals/edit.html", deal=deal, form=form, conflict=form.conflict, status=form_status(form))


@bp.post("/<int:deal_id>/touches")
@login_required
def touch(deal_id: int):
    """Link a visit or call of the client to the deal: it counts as a touch against the follow-up band."""
    deal = changeable(get_or_404(Deal, deal_id), current_user)
    form = _touch_form(deal, True)
    form.process(request.form)
    if form.validate_on_submit():
        link_touch(deal, get_or_404(Interaction, form.interaction_id.data))
        return saved(_detail_url(deal), _("Touch linked."), fragment=lambda: _page(deal, done=_("Touch linked.")))
    return _page(deal, form_status(form), touch_form=form)


@bp.post("/<int:deal_id>/delete")
@login_required
def delete(deal_id: int):
    deal = changeable(get_or_404(Deal, deal_id), current_user)
    deal.soft_delete(current_user)
    return saved(url_for("deals.index"), _("%(name)s moved to the recycle bin.", name=deal.title))
