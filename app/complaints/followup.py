"""Service follow-through: a closed complaint gets a satisfaction call-back (回访) in the visits schedule, so the
loop 受理 → 分析 → 解决 → 反馈 ends with someone asking the client how things are (seed 000 第二章 四)."""
from datetime import datetime, time

from flask_babel import gettext as _

from app.complaints.models import Complaint
from app.core.clock import local_now
from app.core.workdays import add_working_days, load_overrides
from app.extensions import db
from app.visits.enums import InteractionStatus, Method, Purpose
from app.visits.models import Interaction

CALL_BACK_AFTER_DAYS = 3  # working days (China's calendar): never a call booked on a weekend or a holiday
CALL_BACK_AT = time(10, 0)


def after_close(complaint: Complaint, user) -> Interaction:
    """Book the call-back: a planned phone call a few days after the close, made by the complaint's owner (else
    the client's owner, else whoever closed it), its agenda naming the complaint."""
    closed = datetime.combine((complaint.closed_at or local_now()).date(), CALL_BACK_AT)
    caller = complaint.owner_id or complaint.client.owner_id or user.id
    call = Interaction(client_id=complaint.client_id, user_id=caller, method=Method.PHONE,
                       purpose=Purpose.AFTER_SALES, status=InteractionStatus.PLANNED,
                       planned_at=add_working_days(closed, CALL_BACK_AFTER_DAYS, load_overrides()),
                       agenda=_("Satisfaction call-back on complaint %(number)s: %(title)s",
                                number=complaint.number, title=complaint.title))
    db.session.add(call)
    db.session.flush()
    return call
