"""Writes of the complaints domain: plain data in; they flush, the route commits."""
from datetime import datetime

from flask_babel import gettext as _

from app.complaints import confirmation, followup, rules, sla
from app.complaints.enums import ComplaintStatus as S
from app.complaints.enums import EventKind
from app.complaints.models import Complaint, ComplaintEvent
from app.core.clock import local_now
from app.core.errors import Refused
from app.core.records import apply
from app.core.sequences import next_number
from app.extensions import db
from app.visits.enums import Satisfaction

NUMBER_PREFIX = "TS"  # 投诉: TS-2026-0001
EDITABLE = ("contact_id", "channel", "received_at", "category", "severity", "title", "description", "owner_id",
            "asset_id")


def _now() -> datetime:
    return local_now().replace(microsecond=0)


def record_event(complaint: Complaint, kind: EventKind, user, text: str = "", *, at: datetime | None = None,
                 from_status: S | None = None, to_status: S | None = None) -> ComplaintEvent:
    event = ComplaintEvent(complaint=complaint, kind=kind, user_id=user.id if user else None, text=text,
                           at=at or _now(), from_status=from_status, to_status=to_status)
    db.session.add(event)
    return event


def create_complaint(client, data: dict, user) -> Complaint:
    """Receive a complaint: numbered TS-<year>-<n> in the year it was received, owned by whoever is named (the
    receiver when nobody is), its clocks started."""
    now = _now()
    complaint = Complaint(client_id=client.id, received_by_id=user.id, status=S.ACCEPTED)
    apply(complaint, {name: data.get(name) for name in (*EDITABLE, "source_visit_id")})
    complaint.received_at = complaint.received_at or now
    complaint.owner_id = complaint.owner_id or user.id
    complaint.number = next_number(NUMBER_PREFIX, complaint.received_at.year)
    db.session.add(complaint)
    record_event(complaint, EventKind.CREATED, user, complaint.description, at=complaint.received_at,
                 to_status=S.ACCEPTED)
    sla.refresh(complaint, now)
    db.session.flush()
    return complaint


def update_complaint(complaint: Complaint, data: dict) -> Complaint:
    apply(complaint, {name: data[name] for name in EDITABLE if name in data})
    sla.refresh(complaint, _now())  # a changed severity or received time moves the due times
    db.session.flush()
    return complaint


def _enter(complaint: Complaint, target: S, now: datetime) -> None:
    """What entering a state records on the clocks: the first response, the plan, the fix (and the pause while
    the client confirms), the close; reopening clears the fix and the close."""
    current = complaint.status
    if current is S.ACCEPTED and complaint.responded_at is None:
        complaint.responded_at = now
    if current is S.FEEDBACK:
        sla.resume(complaint, now)
    if target is S.RESOLVING:
        complaint.plan_at = complaint.plan_at or now
        complaint.resolved_at = None
        if current is S.CLOSED:
            complaint.closed_at = None
            complaint.reopen_count += 1
    elif target is S.FEEDBACK:
        complaint.resolved_at = now
        sla.pause(complaint, now)
    elif target is S.CLOSED:
        complaint.closed_at = now
        complaint.resolved_at = complaint.resolved_at or now
    complaint.status = target


def change_status(complaint: Complaint, target: S, user, note: str = "", data: dict | None = None) -> Complaint:
    """Move the complaint one step on its loop, or refuse with a message saying which steps are possible.
    Closing needs root cause, solution, the client's satisfaction and who confirmed it (in `data`, or already on
    the complaint); anything missing is refused by field, nothing is saved."""
    if not rules.allowed(complaint.status, target):
        steps = "、".join(state.label for state in rules.next_states(complaint.status))
        raise Refused(_("A complaint that is %(current)s cannot become %(target)s; next: %(steps)s.",
                        current=complaint.status.label, target=target.label, steps=steps), "status")
    if target is S.CLOSED:
        values = {name: (data or {}).get(name) or getattr(complaint, name) for name in rules.CLOSING_FIELDS}
        if missing := rules.missing_for_closing(values):
            labels = "、".join(str(Complaint.field_labels[name]) for name in missing)
            raise Refused(_("To close the complaint, fill in: %(fields)s.", fields=labels), missing[0])
        apply(complaint, {**{name: (data or {}).get(name) for name in ("resolution_summary",) if data}, **values})
    now = _now()
    previous = complaint.status
    _enter(complaint, target, now)
    record_event(complaint, EventKind.STATUS, user, note, at=now, from_status=previous, to_status=target)
    sla.refresh(complaint, now)
    db.session.flush()
    if target is S.CLOSED:
        followup.after_close(complaint, user)  # the satisfaction call-back in the visits schedule
    if target is S.FEEDBACK:
        confirmation.on_feedback(complaint, user)  # the client's link and QR code
    elif previous is S.FEEDBACK:
        confirmation.on_leave_feedback(complaint)
    return complaint


def add_note(complaint: Complaint, text: str, user, *, client_contact: bool = False) -> ComplaintEvent:
    """A note on the timeline; a contact with the client counts as the first response."""
    now = _now()
    if client_contact and complaint.responded_at is None:
        complaint.responded_at = now
        sla.refresh(complaint, now)
    event = record_event(complaint, EventKind.CLIENT_CONTACT if client_contact else EventKind.NOTE, user, text,
                         at=now)
    db.session.flush()
    return event


def client_answer(complaint: Complaint, fixed: bool, satisfaction: Satisfaction, comment: str) -> None:
    """The client's answer from the link, on the timeline as theirs (no user). Fixed: the satisfaction and who
    confirmed are stored and the complaint, still 反馈, can be closed without typing them again. Not fixed: back
    to 解决 with the comment as the note."""
    verdict = _("Fixed") if fixed else _("Not fixed")
    text = " · ".join(part for part in (verdict, str(satisfaction.label), comment.strip()) if part)
    record_event(complaint, EventKind.CLIENT_ANSWER, None, text)
    if fixed:
        complaint.satisfaction = satisfaction
        complaint.confirmed_by = confirmation.confirmed_by(complaint)
        db.session.flush()
    else:
        change_status(complaint, S.RESOLVING, None, note=comment.strip())
