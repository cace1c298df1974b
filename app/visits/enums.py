"""Visits' enumerations with their Chinese labels (DESIGN.md; seeds 000, 003, 004)."""
from flask_babel import lazy_gettext as _l

from app.core.enums import LabeledEnum


class Channel(LabeledEnum):
    """The two return-visit clocks: phone and on-site are separate cadences (seed 004, 三)."""

    PHONE = "phone", _l("Phone")
    ONSITE = "onsite", _l("On-site")


class Method(LabeledEnum):
    ONSITE = "onsite", _l("On-site visit")
    PHONE = "phone", _l("Phone call")
    WECHAT = "wechat", _l("WeChat")
    EMAIL = "email", _l("Email")
    MEETING = "meeting", _l("Meeting")
    EXHIBITION = "exhibition", _l("Exhibition")
    TECH_EXCHANGE = "tech_exchange", _l("Technical exchange")
    BUSINESS_EVENT = "business_event", _l("Business event")
    SITE_TOUR = "site_tour", _l("Site tour")
    LETTER = "letter", _l("Letter")
    NOTE = "note", _l("Internal note")  # on the timeline, not a touch: resets no clock, counts as no follow-up

    @property
    def channel(self) -> "Channel | None":
        """Which return-visit clock a touch of this kind resets; email, letters and fairs reset none."""
        return CHANNEL_OF.get(self)


CHANNEL_OF = {
    Method.PHONE: Channel.PHONE, Method.WECHAT: Channel.PHONE,
    Method.ONSITE: Channel.ONSITE, Method.MEETING: Channel.ONSITE, Method.TECH_EXCHANGE: Channel.ONSITE,
    Method.SITE_TOUR: Channel.ONSITE,
}


class Purpose(LabeledEnum):
    CARE = "care", _l("Care")
    ROUTINE = "routine", _l("Routine return visit")
    AFTER_SALES = "after_sales", _l("After-sales service")
    NEEDS_SURVEY = "needs_survey", _l("Needs survey")
    PROMOTION = "promotion", _l("Product promotion")
    NEGOTIATION = "negotiation", _l("Negotiation")
    PAYMENT = "payment", _l("Payment follow-up")
    HANDOVER = "handover", _l("Client handover")
    FESTIVAL = "festival", _l("Festival greeting")
    OTHER = "other", _l("Other")


class InteractionStatus(LabeledEnum):
    PLANNED = "planned", _l("Planned")
    DONE = "done", _l("Done")
    CANCELLED = "cancelled", _l("Cancelled")
    MISSED = "missed", _l("Missed")


class Satisfaction(LabeledEnum):
    VERY_SATISFIED = "5", _l("Very satisfied")
    SATISFIED = "4", _l("Satisfied")
    NEUTRAL = "3", _l("Average")
    DISSATISFIED = "2", _l("Dissatisfied")
    VERY_DISSATISFIED = "1", _l("Very dissatisfied")


class ExtraService(LabeledEnum):
    """Services done on a visit, a source of new opportunities (seed 000, 第四章 三)."""

    DUST = "dust", _l("PC dust cleaning")
    OS = "os", _l("OS optimisation")
    ANTIVIRUS = "antivirus", _l("Antivirus and patches")
    PRINTER = "printer", _l("Printer setup")
    CABLING = "cabling", _l("Network cabling")
    EQUIPMENT = "equipment", _l("Equipment upkeep")


class GradeDimension(LabeledEnum):
    """Client classifications a cadence rule can key on."""

    VALUE_GRADE = "value_grade", _l("Value grade")
    STRATEGY_LAYER = "strategy_layer", _l("Strategy layer")
    RELATIONSHIP = "relationship_class", _l("Relationship")
    INCOME_TIER = "income_tier", _l("Income tier")
    EXPANSION = "expansion", _l("Expansion")
    DEMAND = "demand", _l("Demand level")
    DEVELOPMENT_TYPE = "development_type", _l("Development type")
