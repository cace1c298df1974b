"""The complaint list, receiving a complaint, one complaint's page and its loop: move, note, close, edit,
delete."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive.models import Client
from app.complaints import bp, rules, sla
from app.complaints.access import can_work, workable
from app.complaints.enums import ComplaintCategory, ComplaintStatus, EventKind, Severity
from app.complaints.forms import CloseForm, NoteForm, StatusForm, complaint_form
from app.complaints.models import Complaint
from app.complaints.queries import ComplaintFilters, complaint_list
from app.complaints.services import EDITABLE, add_note, change_status, create_complaint, update_complaint
from app.core.audit import history_page
from app.core.clock import local_now
from app.core.errors import Refused
from app.core.forms import form_data, form_status, save_edit, submitted, whole_number
from app.core.htmx import render, saved, wants_fragment
from app.core.navigation import safe_next
from app.core.paging import page_number, paginate
from app.core.scoping import get_or_404
from app.core.users import user_choices
from app.visits.models import Interaction


@bp.get("/")
@login_required
def index():
    filters = ComplaintFilters.from_args(request.args)
    now = local_now()
    page = paginate(complaint_list(current_user, filters, now), page_number(), current_app.config["PAGE_SIZE"])
    return render("complaints/index.html", block="complaint_list", page=page, filters=filters, now=now,
                  owners=user_choices(), may_work=can_work(current_user),
                  enums={"status": ComplaintStatus, "severity": Severity, "category": ComplaintCategory})


def _raised_from(args) -> tuple[Client | None, dict]:
    """The client a new complaint starts from (?client=, or ?visit= with that visit's issues to follow up)."""
    if visit_id := whole_number(args.get("visit")):
        visit = get_or_404(Interaction, visit_id)
        return visit.client, rules.from_visit(visit)
    client_id = whole_number(args.get("client"))
    return (get_or_404(Client, client_id) if client_id else None), {}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Receive a complaint. The search button (and, with htmx, typing or picking a client) only refreshes the
    client's choices: its contacts and installed modules."""
    if request.method == "POST":
        picked = whole_number(request.form.get("client_id"))
        client, prefill = (get_or_404(Client, picked) if picked else None), {}  # another rep's client: 404
    else:
        client, prefill = _raised_from(request.args)
    form = complaint_form(current_user, client, received_at=local_now().replace(second=0, microsecond=0),
                          **prefill)
    if not form.find.data and form.validate_on_submit():
        complaint = create_complaint(client, form_data(form, (*EDITABLE, "source_visit_id")), current_user)
        return saved(url_for("complaints.detail", complaint_id=complaint.id),
                     _("Complaint %(number)s received.", number=complaint.number))
    return render("complaints/new.html", block="complaint_client" if form.find.data else None, form=form,
                  status=form_status(form))


def _page(complaint: Complaint, status: int = 200, done: str | None = None, **forms):
    """The complaint's page, or for htmx its main card (with ``done`` saying what was just saved)."""
    return render("complaints/detail.html", block="complaint_main", status=status, complaint=complaint,
                  done=done, clocks=sla.clocks(complaint, local_now()), may_work=can_work(current_user),
                  status_form=forms.get("status_form") or StatusForm(formdata=None),
                  note_form=forms.get("note_form") or NoteForm(formdata=None),
                  close_form=forms.get("close_form") or CloseForm(formdata=None, obj=complaint))


def _detail_url(complaint: Complaint) -> str:
    return url_for("complaints.detail", complaint_id=complaint.id)


@bp.get("/<int:complaint_id>")
@login_required
def detail(complaint_id: int):
    return _page(get_or_404(Complaint, complaint_id))


@bp.get("/<int:complaint_id>/history")
@login_required
def history(complaint_id: int):
    complaint = get_or_404(Complaint, complaint_id)
    return history_page(complaint, str(complaint), _detail_url(complaint))


@bp.post("/<int:complaint_id>/status")
@login_required
def move(complaint_id: int):
    """A state button, on the complaint's page or on a row of the list (view=row: the row comes back)."""
    complaint = workable(get_or_404(Complaint, complaint_id), current_user)
    form = StatusForm()
    on_row = request.form.get("view") == "row"
    if form.validate_on_submit():
        try:
            change_status(complaint, form.status.data, current_user, form.note.data)
        except Refused as refused:
            refused.show_on(form)
        else:
            message = _("%(number)s: %(status)s.", number=complaint.number, status=complaint.status.label)
            back = safe_next(request.form.get("next"), _detail_url(complaint))
            return saved(back, message, fragment=lambda: _row(complaint) if on_row else _page(complaint, done=message))
    if not on_row:
        return _page(complaint, form_status(form), status_form=form)
    if wants_fragment():
        return _row(complaint, status=form_status(form), errors=[*form.form_errors, *form.status.errors])
    for error in [*form.form_errors, *form.status.errors]:
        flash(error, "error")
    return redirect(safe_next(request.form.get("next"), url_for("complaints.index")))


def _row(complaint: Complaint, status: int = 200, errors=()):
    """One row of the list, its status badge showing the move (or why it was refused)."""
    return render("complaints/index.html", block="complaint_row", status=status, complaint=complaint,
                  errors=errors, now=local_now(), may_work=True, next_url=request.form.get("next"))


@bp.post("/<int:complaint_id>/close")
@login_required
def close(complaint_id: int):
    complaint = workable(get_or_404(Complaint, complaint_id), current_user)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            change_status(complaint, ComplaintStatus.CLOSED, current_user, form.note.data, form_data(form))
        except Refused as refused:
            refused.show_on(form)
        else:
            message = _("Complaint %(number)s closed.", number=complaint.number)
            return saved(_detail_url(complaint), message, fragment=lambda: _page(complaint, done=message))
    return _page(complaint, form_status(form), close_form=form)


@bp.post("/<int:complaint_id>/notes")
@login_required
def note(complaint_id: int):
    """A note or a contact with the client: everyone who sees the complaint may write one."""
    complaint = get_or_404(Complaint, complaint_id)
    form = NoteForm()
    if form.validate_on_submit():
        add_note(complaint, form.text.data, current_user, client_contact=form.kind.data is EventKind.CLIENT_CONTACT)
        return saved(_detail_url(complaint), _("Note added."),
                     fragment=lambda: _page(complaint, done=_("Note added.")))
    return _page(complaint, form_status(form), note_form=form)


@bp.route("/<int:complaint_id>/edit", methods=["GET", "POST"])
@login_required
def edit(complaint_id: int):
    complaint = workable(get_or_404(Complaint, complaint_id), current_user)
    form = complaint_form(current_user, complaint.client, obj=complaint)
    if submitted(form, complaint) and save_edit(form, complaint, lambda data: update_complaint(complaint, data)):
        return saved(_detail_url(complaint))
    return render("complaints/edit.html", complaint=complaint, form=form, conflict=form.conflict,
                  status=form_status(form))


@bp.post("/<int:complaint_id>/delete")
@login_required
def delete(complaint_id: int):
    complaint = workable(get_or_404(Complaint, complaint_id), current_user)
    complaint.soft_delete(current_user)
    return saved(url_for("complaints.index"), _("%(name)s moved to the recycle bin.", name=complaint.number))
