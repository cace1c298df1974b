"""The archive's enumerations, each with its Chinese label (DESIGN.md, 'Facts from the sources')."""
from flask_babel import lazy_gettext as _l

from app.core.enums import LabeledEnum


class ClientCategory(LabeledEnum):
    PUBLIC_HOSPITAL = "public_hospital", _l("Public hospital")
    PRIVATE_HOSPITAL = "private_hospital", _l("Private hospital")
    INDUSTRIAL_HOSPITAL = "industrial_hospital", _l("Industrial hospital")
    CLINIC = "clinic", _l("Clinic")
    ENTERPRISE = "enterprise", _l("Enterprise")
    GOVERNMENT = "government", _l("Government unit")
    OTHER = "other", _l("Other")


class LeadSource(LabeledEnum):
    HANDOVER = "handover", _l("Handed over by previous manager")
    EXISTING = "existing", _l("Existing-client mining")
    CLIENT_LIST = "client_list", _l("Client lists")
    TELEMARKETING = "telemarketing", _l("Telemarketing")
    CLIENT_REQUEST = "client_request", _l("Client request")
    REFERRAL = "referral", _l("Referral")
    GOVERNMENT = "government", _l("Government or association")
    EXHIBITION = "exhibition", _l("Exhibition or seminar")
    PARTNER = "partner", _l("Partner")
    OTHER = "other", _l("Other channels")


class Lifecycle(LabeledEnum):
    LEAD = "lead", _l("Lead")
    PROSPECT = "prospect", _l("Prospect")
    CUSTOMER = "customer", _l("Customer")
    AT_RISK = "at_risk", _l("At risk")
    LOST = "lost", _l("Lost")


class Relationship(LabeledEnum):
    VIP = "vip", _l("VIP client")
    ORDINARY = "ordinary", _l("Ordinary client")


class IncomeTier(LabeledEnum):
    HIGH = "tier3", _l("Tier 3 (high income)")
    MEDIUM = "tier2", _l("Tier 2 (medium income)")
    LOW = "tier1", _l("Tier 1 (low income)")


class Expansion(LabeledEnum):
    PREMIUM = "premium", _l("Premium client")
    TARGET = "target", _l("Target client")
    ORDINARY = "ordinary", _l("Ordinary client")


class Demand(LabeledEnum):
    HIGH = "high", _l("High demand")
    GENERAL = "general", _l("General demand")
    ORDINARY = "ordinary", _l("Ordinary")


class DevelopmentType(LabeledEnum):
    HIGH_DESIRE = "high_desire", _l("High desire")
    NURTURING = "nurturing", _l("To be nurtured")
    APPLIED = "applied", _l("Application-minded")
    ORDINARY = "ordinary", _l("Ordinary")


class StrategyLayer(LabeledEnum):
    BREAKTHROUGH = "breakthrough", _l("Key breakthrough")
    POTENTIAL = "potential", _l("Potential to cultivate")
    LONG_TERM = "long_term", _l("Long-term cooperation")
    RISK = "risk", _l("Risk watch")


class ValueGrade(LabeledEnum):
    A = "A", _l("A · all in")
    B = "B", _l("B · controlled investment, keep the relationship")
    C = "C", _l("C · watch for changes")
    D = "D", _l("D · on hold, observe")


class Gender(LabeledEnum):
    MALE = "male", _l("Male")
    FEMALE = "female", _l("Female")


class DecisionRole(LabeledEnum):
    USER = "user", _l("End user")
    INFLUENCER = "influencer", _l("Influencer")
    DECIDER = "decider", _l("Decider")
    BUYER = "buyer", _l("Buyer")


class Stance(LabeledEnum):
    SUPPORT = "support", _l("Supports us")
    NEUTRAL = "neutral", _l("Neutral")
    OPPOSE = "oppose", _l("Opposes us")


class SpecialDateKind(LabeledEnum):
    BIRTHDAY = "birthday", _l("Birthday")
    SPOUSE_BIRTHDAY = "spouse_birthday", _l("Spouse's birthday")
    CHILD_BIRTHDAY = "child_birthday", _l("Child's birthday")
    WEDDING = "wedding", _l("Wedding anniversary")
    ORG_EVENT = "org_event", _l("Organisation event")
    OTHER = "other", _l("Other")
    # Life events (seed 004: 结婚/生子/孩子升学, 亲人去世/本人生病) happen once, on a dated day: no yearly repeat.
    MARRIAGE = "marriage", _l("Marriage")
    NEW_CHILD = "new_child", _l("New child")
    SCHOOL = "school", _l("Child starting school")
    BEREAVEMENT = "bereavement", _l("Bereavement")
    ILLNESS = "illness", _l("Illness or hospital stay")


LIFE_EVENTS = frozenset({SpecialDateKind.MARRIAGE, SpecialDateKind.NEW_CHILD, SpecialDateKind.SCHOOL,
                         SpecialDateKind.BEREAVEMENT, SpecialDateKind.ILLNESS})


class AssetKind(LabeledEnum):
    SOFTWARE = "software", _l("Software module")
    HARDWARE = "hardware", _l("Hardware")
    PERIPHERAL = "peripheral", _l("Peripheral")
    MEDICAL = "medical", _l("Medical device")


class AssetStatus(LabeledEnum):
    IN_USE = "in_use", _l("In use")
    FAULTY = "faulty", _l("Faulty")
    RETIRED = "retired", _l("Retired")


class ProductCategory(LabeledEnum):
    MODULE = "module", _l("Software module")
    SERVICE = "service", _l("Service")
    HARDWARE = "hardware", _l("Hardware")
