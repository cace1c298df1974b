"""Secondary development's enumerations with their Chinese labels (seed 000 第三章、第五章; 002; 003 表1)."""
from flask_babel import lazy_gettext as _l

from app.core.enums import LabeledEnum


class DealStage(LabeledEnum):
    """Seed 000's steps of a secondary-development sale, then won (签约) or lost (未成交)."""

    TARGET = "target", _l("Target and key person")
    NEEDS = "needs", _l("Learn the needs")
    APPROACH = "approach", _l("Draft the approach")
    CONTACT = "contact", _l("Contact and book a meeting")
    MEETING_PLAN = "meeting_plan", _l("Plan the meeting")
    MEETING = "meeting", _l("On-site meeting")
    DRAFT = "draft", _l("Draft the contract")
    WON = "won", _l("Signed")
    LOST = "lost", _l("Not won")

    @property
    def is_open(self) -> bool:
        return self not in (DealStage.WON, DealStage.LOST)


OPEN_STAGES = tuple(stage for stage in DealStage if stage.is_open)
# How likely a deal at each stage is to be signed, in percent: the default a rep may change per deal.
DEFAULT_PROBABILITY = {
    DealStage.TARGET: 10, DealStage.NEEDS: 15, DealStage.APPROACH: 20, DealStage.CONTACT: 30,
    DealStage.MEETING_PLAN: 40, DealStage.MEETING: 50, DealStage.DRAFT: 70, DealStage.WON: 100, DealStage.LOST: 0,
}


class DemandFit(LabeledEnum):
    """How well our products meet the need (seed 003 表1)."""

    FULL = "full", _l("Fully matched")
    PARTIAL = "partial", _l("Partly matched")
    CUSTOM = "custom", _l("Needs custom development")


class DealSource(LabeledEnum):
    VISIT = "visit", _l("Found during a visit")
    CATALOGUE_GAP = "catalogue_gap", _l("A module the client lacks")
    MAINTENANCE = "maintenance", _l("Maintenance expiring")
    REFERRAL = "referral", _l("Referral")
    OTHER = "other", _l("Other")


class RelationshipStage(LabeledEnum):
    """The inside contact's relationship with us (seed 002): 认识 → 约会 → 认同 → 信赖 → 同盟."""

    ACQUAINTED = "acquainted", _l("Acquainted")
    MEETING = "meeting", _l("Meeting privately")
    RECOGNISED = "recognised", _l("Recognises us")
    TRUSTING = "trusting", _l("Trusts us")
    ALLIED = "allied", _l("Ally")


class ImplementationStatus(LabeledEnum):
    NOT_STARTED = "not_started", _l("Not started")
    IMPLEMENTING = "implementing", _l("Implementing")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _l("Awaiting acceptance")
    ACCEPTED = "accepted", _l("Accepted by the client")


class MilestoneKind(LabeledEnum):
    DOWN_PAYMENT = "down_payment", _l("Down payment")
    DELIVERY = "delivery", _l("On delivery")
    ACCEPTANCE = "acceptance", _l("On acceptance")
    FINAL = "final", _l("Final payment")
    MAINTENANCE = "maintenance", _l("Maintenance fee")
    OTHER = "other", _l("Other")


class ReferralStatus(LabeledEnum):
    NEW = "new", _l("New lead")
    CONTACTED = "contacted", _l("Contacted")
    SIGNED = "signed", _l("Signed")
    LOST = "lost", _l("Not won")
