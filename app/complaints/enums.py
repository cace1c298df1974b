"""Complaints' enumerations with their Chinese labels (DESIGN.md; seed 000 第二章 四、六、七、八, 第四章 十)."""
from flask_babel import lazy_gettext as _l

from app.core.enums import LabeledEnum


class ComplaintChannel(LabeledEnum):
    PHONE = "phone", _l("Phone")
    ONSITE = "onsite", _l("On-site")
    EMAIL = "email", _l("Email")
    WECHAT = "wechat", _l("WeChat")
    REMOTE = "remote", _l("Remote support")
    OTHER = "other", _l("Other")


class ComplaintCategory(LabeledEnum):
    SERVICE = "service", _l("Service")
    DEFECT = "defect", _l("Product defect")
    IMPLEMENTATION = "implementation", _l("Implementation")
    HARDWARE = "hardware", _l("Hardware")
    PRICE = "price", _l("Price")
    ATTITUDE = "attitude", _l("Attitude")
    OTHER = "other", _l("Other")


class Severity(LabeledEnum):
    ORDINARY = "ordinary", _l("Ordinary")
    COMPLEX = "complex", _l("Complex")
    URGENT = "urgent", _l("Urgent")


class ComplaintStatus(LabeledEnum):
    """The closed loop 受理 → 分析 → 解决 → 反馈 → 关闭 (seed 000), with reopen."""

    ACCEPTED = "accepted", _l("Accepted")
    ANALYSING = "analysing", _l("Analysing")
    RESOLVING = "resolving", _l("Resolving")
    FEEDBACK = "feedback", _l("Awaiting client confirmation")
    CLOSED = "closed", _l("Closed")

    @property
    def is_open(self) -> bool:
        return self is not ComplaintStatus.CLOSED


OPEN_STATUSES = tuple(s for s in ComplaintStatus if s.is_open)


class EventKind(LabeledEnum):
    """What a timeline entry records."""

    CREATED = "created", _l("Received")
    STATUS = "status", _l("Status changed")
    NOTE = "note", _l("Note")
    CLIENT_CONTACT = "client_contact", _l("Client contacted")
    CLIENT_ANSWER = "client_answer", _l("Client answered")
    ASSIGNED = "assigned", _l("Owner changed")
    ESCALATED = "escalated", _l("Escalated")


class ChurnReason(LabeledEnum):
    """Why a client left (流失原因, seed 000 第四章 十)."""

    SERVICE = "service", _l("Service")
    PRODUCT = "product", _l("Product")
    PRICE = "price", _l("Price")
    RELATIONSHIP = "relationship", _l("Relationship breakdown")
    COMPETITOR = "competitor", _l("Competitor")
    POLICY = "policy", _l("Policy")
    MARKET = "market", _l("Market")
    OTHER = "other", _l("Other")


class ChurnOutcome(LabeledEnum):
    """Where the win-back stands; a client won back is a customer again."""

    PENDING = "pending", _l("Win-back under way")
    WON_BACK = "won_back", _l("Won back")
    LOST = "lost", _l("Lost for good")


class RiskSignal(LabeledEnum):
    """Why a client is on the churn-risk list (complaints.churn)."""

    OVERDUE_VISITS = "overdue_visits", _l("Return visits long overdue")
    LOW_SATISFACTION = "low_satisfaction", _l("Low satisfaction")
    OVERDUE_COMPLAINTS = "overdue_complaints", _l("Complaint overdue")
    NPS_DETRACTOR = "nps_detractor", _l("NPS detractor")
    MAINTENANCE_EXPIRING = "maintenance_expiring", _l("Maintenance expiring, not renewed")
    SLA_BREACH = "sla_breach", _l("Complaint resolved late")
