"""Contracts: the list, signing one (for a client, or from a won deal), its page, edit, delete, implementation
moves, receipts against its milestones, its scans; and the receivables page."""
from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.attachments import UploadRefused
from app.archive.forms import AttachmentForm
from app.archive.models import Client
from app.archive.picker import pick_client_page
from app.archive.queries import owner_choices
from app.core.audit import history_page
from app.core.clock import local_today
from app.core.errors import Refused
from app.core.forms import form_status, submitted, whole_number
from app.core.htmx import render, saved
from app.core.paging import page_number, paginate
from app.core.scoping import get_or_404
from app.core.users import asked_rep
from app.deals import contracts_bp as bp
from app.deals.access import can_change, changeable
from app.deals.contract_forms import ReceiptForm, StatusForm, contract_form
from app.deals.contracts import (
    ContractFilters,
    add_receipt,
    ageing_sums,
    attach_to_contract,
    change_status,
    client_receivables,
    contract_list,
    contract_receivables,
    create_contract,
    from_deal,
    may_sign_for,
    milestone_rows,
    milestones_due,
    signed_deal,
    update_contract,
)
from app.deals.enums import ImplementationStatus
from app.deals.models import Contract, Deal, Receipt
from app.deals.receivables import BUCKETS
from app.extensions import db


@bp.get("/")
@login_required
def index():
    filters = ContractFilters.from_args(request.args)
    page = paginate(contract_list(current_user, filters), page_number(), current_app.config["PAGE_SIZE"], rows=True)
    client = db.session.get(Client, filters.client) if filters.client else None
    return render("deals/contracts.html", block="contract_list", page=page, filters=filters, client=client,
                  owners=db.session.execute(owner_choices()).scalars().all(), statuses=ImplementationStatus,
                  years=range(local_today().year, local_today().year - 8, -1))


def _signing_for() -> tuple[Client | None, Deal | None]:
    """The client a new contract is for (?client=), or the won deal it comes from (?deal=); only someone who may
    change that client's records may sign for it."""
    deal = client = None
    if deal_id := whole_number(request.args.get("deal")):
        deal = get_or_404(Deal, deal_id)
        if not signed_deal(deal):
            abort(404)
        client = deal.client
    elif client_id := whole_number(request.args.get("client")):
        client = get_or_404(Client, client_id)
    if client is not None and not may_sign_for(current_user, client):
        abort(403)
    return client, deal


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    client, deal = _signing_for()
    if client is None:
        return pick_client_page("contracts.new", _("New contract"), _("Which client signed?"))
    more = "more" in request.form
    prefill = {"signed_on": local_today(), **(from_deal(deal) if deal else {})}
    form = contract_form(current_user, more=more, data=prefill if request.method == "GET" else None)
    if not more and form.validate_on_submit():
        try:
            contract = create_contract(client, form.contract_data(), current_user, deal)
        except Refused as refused:
            refused.show_on(form)
        else:
            return saved(_detail_url(contract), _("Contract %(number)s saved.", number=contract.number))
    return render("deals/contract_form.html", form=form, client=client, deal=deal, contract=None,
                  status=200 if more else form_status(form))


def _detail_url(contract: Contract) -> str:
    return url_for("contracts.detail", contract_id=contract.id)


def _page(contract: Contract, status: int = 200, **forms):
    rows = milestone_rows(contract)
    receipt_form = forms.get("receipt_form") or ReceiptForm(formdata=None, received_on=local_today())
    receipt_form.milestone_id.choices = [
        (m.id, f"{m.kind.label} · {m.due_on:%Y-%m-%d} · {owed:,.2f}") for m, _received, owed in rows if owed > 0]
    return render("deals/contract.html", block="contract_main", status=status, contract=contract, rows=rows,
                  today=local_today(),
                  may_change=can_change(current_user, contract), statuses=ImplementationStatus,
                  receipt_form=receipt_form, status_form=StatusForm(formdata=None),
                  attachment_form=forms.get("attachment_form") or AttachmentForm(formdata=None))


@bp.get("/<int:contract_id>")
@login_required
def detail(contract_id: int):
    return _page(get_or_404(Contract, contract_id))


@bp.get("/<int:contract_id>/history")
@login_required
def history(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    return history_page(contract, str(contract), _detail_url(contract))


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contract_id: int):
    contract = changeable(get_or_404(Contract, contract_id), current_user)
    more = "more" in request.form or request.method == "GET"
    form = contract_form(current_user, more=more, obj=contract)
    if "more" not in request.form and submitted(form, contract):
        try:
            update_contract(contract, form.contract_data())
        except Refused as refused:
            refused.show_on(form)
        else:
            return saved(_detail_url(contract), _("Contract %(number)s saved.", number=contract.number))
    return render("deals/contract_form.html", form=form, client=contract.client, deal=contract.deal,
                  contract=contract, conflict=form.conflict,
                  status=200 if "more" in request.form else form_status(form))


@bp.post("/<int:contract_id>/delete")
@login_required
def delete(contract_id: int):
    contract = changeable(get_or_404(Contract, contract_id), current_user)
    contract.soft_delete(current_user)
    return saved(url_for("contracts.index"), _("%(name)s moved to the recycle bin.", name=contract.number))


@bp.post("/<int:contract_id>/status")
@login_required
def move(contract_id: int):
    """An implementation button: htmx gets the contract's main card back, a plain form a redirect."""
    contract = changeable(get_or_404(Contract, contract_id), current_user)
    form = StatusForm()
    if not form.validate_on_submit():
        return _page(contract, form_status(form))
    touched = change_status(contract, form.status.data)
    message = _("%(number)s: %(status)s.", number=contract.number, status=contract.implementation_status.label)
    if touched:
        message += " " + _("Installed base updated: %(count)s modules maintained until %(day)s.",
                           count=len(touched), day=f"{contract.maintenance_until:%Y-%m-%d}")
    return saved(_detail_url(contract), message, fragment=lambda: _page(contract))


@bp.post("/<int:contract_id>/receipts")
@login_required
def receipt_add(contract_id: int):
    contract = changeable(get_or_404(Contract, contract_id), current_user)
    form = ReceiptForm()
    form.milestone_id.choices = [(m.id, "") for m in contract.milestones]
    if form.validate_on_submit():
        try:
            add_receipt(contract, {name: form[name].data for name in ("milestone_id", "received_on", "amount",
                                                                        "note")})
        except Refused as refused:
            refused.show_on(form)
        else:
            return saved(_detail_url(contract), _("Receipt of %(amount)s yuan registered.",
                                                  amount=f"{form.amount.data:,.2f}"),
                         fragment=lambda: _page(contract))
    return _page(contract, form_status(form), receipt_form=form)


@bp.post("/<int:contract_id>/receipts/<int:receipt_id>/delete")
@login_required
def receipt_delete(contract_id: int, receipt_id: int):
    contract = changeable(get_or_404(Contract, contract_id), current_user)
    receipt = db.session.get(Receipt, receipt_id)
    if receipt is None or receipt.deleted_at or receipt.milestone.contract_id != contract.id:
        abort(404)
    receipt.soft_delete(current_user)
    return saved(_detail_url(contract), _("%(name)s moved to the recycle bin.", name=_("Receipt")),
                 fragment=lambda: _page(contract))


@bp.post("/<int:contract_id>/attachments")
@login_required
def attachment_add(contract_id: int):
    contract = changeable(get_or_404(Contract, contract_id), current_user)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            attach_to_contract(contract, form.file.data, form.caption.data, current_user)
        except UploadRefused as refused:
            refused.show_on(form)
        else:
            return saved(_detail_url(contract), _("%(name)s uploaded.", name=form.file.data.filename))
    return _page(contract, form_status(form), attachment_form=form)


@bp.get("/receivables")
@login_required
def receivables():
    """What is owed; ``?rep=<id>`` shows one rep's book as the rep sees it (the dashboard's drill-down)."""
    today = local_today()
    by_client = request.args.get("by") == "client"
    rep = asked_rep(current_user, request.args.get("rep"))
    scope = rep or current_user
    stmt = client_receivables(scope, today) if by_client else contract_receivables(scope, today)
    page = paginate(stmt, page_number(), current_app.config["PAGE_SIZE"], rows=True)
    overdue = paginate(milestones_due(scope, today, overdue=True), 1, 50, rows=True)
    return render("deals/receivables.html", block="receivables_list", page=page, by_client=by_client,
                  today=today, buckets=list(zip(BUCKETS, ageing_sums(scope, today), strict=True)),
                  overdue=overdue, rep=rep if current_user.sees_all_clients else None)
