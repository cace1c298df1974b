"""Forms of the visits domain. The quick log is short on purpose: the tablet moment during a visit."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.archive.queries import client_choices, client_matches, contact_choices
from app.core.forms import (
    CheckboxesField,
    DecimalField,
    IntegerField,
    VersionedFormMixin,
    enum_field,
    enum_radio,
    strip,
    whole_number,
)
from app.visits.enums import Channel, ExtraService, GradeDimension, Method, Purpose, Satisfaction
from app.visits.models import CadenceRule
from app.visits.queries import recent_clients

QUICK_METHODS = (Method.ONSITE, Method.PHONE, Method.WECHAT, Method.MEETING, Method.EMAIL)


class NextStepMixin:
    next_action = StringField(_l("Next step"), validators=[Length(max=200)], filters=[strip])
    next_date = DateField(_l("Next step on"), validators=[Optional()])
    # Its own method: a phone call to confirm after an on-site visit is booked as a call, not another visit.
    next_method = enum_field(_l("Next step by"), Method, required=True, default=Method.PHONE)

    def validate_next_date(self, field):
        if field.data and not self.next_action.data:
            raise ValidationError(_l("Say what the next step is."))


class QuickLogForm(NextStepMixin, FlaskForm):
    """The tablet moment: on the client page its contacts to tick, on Today the client to find and pick."""

    client_query = StringField(_l("Client"), validators=[Length(max=80)], filters=[strip],
                               description=_l("Part of the name or its pinyin, a contact or a phone number"))
    client_id = RadioField(_l("Pick the client"), coerce=whole_number, validate_choice=False)
    method = enum_radio(_l("Method"), Method, QUICK_METHODS, default=Method.ONSITE)
    contact_ids = CheckboxesField(_l("Contacts"), coerce=int, validators=[Optional()])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=4000)], filters=[strip])
    satisfaction = enum_radio(_l("Satisfaction"), Satisfaction, required=False)
    client_key = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-zA-Z-]{8,40}$")])

    data_fields = ("method", "contact_ids", "summary", "satisfaction", "next_action", "next_date", "next_method",
                   "client_key")

    def validate_client_id(self, field):
        """The client is the one ticked among those offered; a search with one match picks it by itself."""
        offered = [value for value, _label in field.choices]
        if field.data in offered:
            return
        if self.client_query.data and len(offered) == 1:
            field.data = offered[0]
            return
        if self.client_query.data and not offered:
            raise ValidationError(_l("No client of yours matches this search."))
        raise ValidationError(_l("Choose the client."))


def quick_log_form(user, client=None, **kwargs) -> QuickLogForm:
    """The quick log for one client (its contacts as tick boxes), or for Today: a search and, as big choices,
    the clients it finds (or, before any search, the ones touched last) and the one already picked."""
    form = QuickLogForm(**kwargs)
    if client is not None:
        del form.client_query, form.client_id
        form.contact_ids.choices = contact_choices(client.id)
        return form
    kept, found = client_offers(user, [form.client_id.data], form.client_query.data)
    form.client_id.choices = kept + found
    # The picked client's contacts, so a contact ticked for it (a draft from its page, a retried post) is kept.
    form.contact_ids.choices = contact_choices(kept[0][0]) if kept else []
    return form


def client_offers(user, picked: list, query: str | None, limit: int = 8) -> tuple[list, list]:
    """What a client picker offers, as (id, name) pairs: the clients already picked (those the user may see),
    and the others matching the search, or before any search the ones touched last."""
    kept = client_choices(user, picked)
    found = client_matches(user, query, limit) if query else recent_clients(user, limit)
    return kept, [choice for choice in found if choice not in kept]


class VisitForm(VersionedFormMixin, NextStepMixin, FlaskForm):
    """The full record of a visit: what a rep completes after the quick log, or fills for a planned visit."""

    method = enum_field(_l("Method"), Method, required=True)
    purpose = enum_field(_l("Purpose"), Purpose, required=True, default=Purpose.ROUTINE)
    planned_at = DateTimeLocalField(_l("Planned for"), validators=[Optional()])
    done_at = DateTimeLocalField(_l("Done at"), validators=[Optional()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[Optional(), NumberRange(min=1, max=1440)])
    contact_ids = CheckboxesField(_l("Contacts"), coerce=int, validators=[Optional()])
    agenda = TextAreaField(_l("Agenda"), filters=[strip])
    talking_points = TextAreaField(_l("Talking points"), filters=[strip])
    participants = StringField(_l("Participants"), validators=[Length(max=200)], filters=[strip])
    fallback_plan = TextAreaField(_l("Fallback plan if the talk fails"), filters=[strip])
    summary = TextAreaField(_l("Summary"), filters=[strip])
    feedback = TextAreaField(_l("Client feedback"), filters=[strip])
    satisfaction = enum_field(_l("Satisfaction"), Satisfaction)
    follow_up = TextAreaField(_l("Issues to follow up"), filters=[strip])
    extra_services = CheckboxesField(_l("Extra services"), choices=ExtraService.choices(),
                                     validators=[Optional()])
    extra_services_other = StringField(_l("Other services"), validators=[Length(max=200)], filters=[strip])
    opportunities = TextAreaField(_l("Opportunities found"), filters=[strip])
    gift = StringField(_l("Gift given"), validators=[Length(max=200)], filters=[strip])
    gift_cost = DecimalField(_l("Gift cost (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)])

    data_fields = ("method", "purpose", "planned_at", "done_at", "duration_minutes", "agenda", "talking_points",
                   "participants", "fallback_plan", "summary", "feedback", "satisfaction", "follow_up",
                   "extra_services", "extra_services_other", "opportunities", "gift", "gift_cost", "next_action",
                   "next_date")
    submitted_fields = (*data_fields, "contact_ids", "next_method")


ROUTE_STOPS = 6


class PlanForm(FlaskForm):
    """Plan one visit, or a route of up to six clients for one day, stops in the order given."""

    client_query = StringField(_l("Find a client"), validators=[Length(max=80)], filters=[strip],
                               description=_l("Part of the name or its pinyin, a contact or a phone number; the "
                                              "stops then offer what it found"))
    find = SubmitField(_l("Search"))
    stops = FieldList(SelectField(coerce=whole_number, validators=[Optional()]),
                      min_entries=ROUTE_STOPS, max_entries=ROUTE_STOPS)
    # A stop's own time (HH:MM); left empty it follows the previous stop by the minutes per stop.
    times = FieldList(StringField(filters=[strip], validators=[Optional(), Regexp(
        r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Use HH:MM, e.g. 09:30."))]),
        min_entries=ROUTE_STOPS, max_entries=ROUTE_STOPS)
    day = DateField(_l("Day"), validators=[DataRequired()])
    start = StringField(_l("First visit at"), default="09:00",
                        validators=[DataRequired(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$",
                                                           message=_l("Use HH:MM, e.g. 09:30."))])
    minutes_between = IntegerField(_l("Minutes per stop"), default=90, validators=[DataRequired(),
                                                                                  NumberRange(min=15, max=480)])
    method = enum_field(_l("Method"), Method, required=True, default=Method.ONSITE)
    purpose = enum_field(_l("Purpose"), Purpose, required=True, default=Purpose.ROUTINE)
    agenda = TextAreaField(_l("Agenda"), filters=[strip])
    talking_points = TextAreaField(_l("Talking points"), filters=[strip])
    participants = StringField(_l("Participants"), validators=[Length(max=200)], filters=[strip])
    fallback_plan = TextAreaField(_l("Fallback plan if the talk fails"), filters=[strip])
    confirm_clash = BooleanField(_l("Plan it anyway"))

    data_fields = ("stops", "times", "day", "start", "minutes_between", "method", "purpose", "agenda", "talking_points",
                   "participants", "fallback_plan")

    @property
    def route_errors(self) -> list[str]:
        """The route's own errors (a FieldList's errors also hold one list per stop)."""
        return [str(error) for error in self.stops.errors if not isinstance(error, list)]

    def validate_stops(self, field):
        chosen = [stop for stop in field.data if stop]
        if not chosen:
            raise ValidationError(_l("Choose at least one client."))
        if len(set(chosen)) != len(chosen):
            raise ValidationError(_l("A client appears twice on the route."))

    def validate_fallback_plan(self, field):
        # Seed 004: a negotiation visit goes in with a fallback (约谈失败补救措施).
        if self.purpose.data == Purpose.NEGOTIATION and not field.data:
            raise ValidationError(_l("A negotiation visit needs a fallback plan."))


class CompleteForm(VisitForm):
    mark_done = BooleanField(_l("The visit took place"), default=True)

    submitted_fields = (*VisitForm.submitted_fields, "mark_done")


class RescheduleForm(FlaskForm):
    planned_at = DateTimeLocalField(_l("New time"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)], filters=[strip])

    data_fields = ("planned_at", "reason")


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)], filters=[strip])

    data_fields = ("reason",)


class CadenceRuleForm(VersionedFormMixin, FlaskForm):
    dimension = enum_field(_l("Classification"), GradeDimension, required=True)
    value = SelectField(_l("Value"), validators=[DataRequired()], validate_choice=False)
    channel = enum_field(_l("Channel"), Channel, required=True)
    interval_days = IntegerField(_l("Every (days)"), validators=[DataRequired(), NumberRange(min=1, max=730)])
    purpose = enum_field(_l("Purpose"), Purpose)

    data_fields = ("dimension", "value", "channel", "interval_days", "purpose")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each classification's values by their labels, grouped: never a code to type.
        self.value.choices = {str(dimension.label): [(m.value, str(m.label)) for m in CadenceRule.values_of(dimension)]
                              for dimension in GradeDimension}

    def validate_value(self, field):
        """The value must be one of the chosen classification's values (A–D, 重点突破…)."""
        if self.dimension.data is None:
            return
        if field.data not in CadenceRule.values_of(self.dimension.data)._value2member_map_:
            raise ValidationError(_l("Choose a value listed under %(dimension)s.", dimension=self.dimension.data.label))


class BandDaysForm(FlaskForm):
    """Admin: where the 5-3-2 bands split, in days since the last done touch."""

    deep = IntegerField(_l("Deeply developed: last touch within (days)"),
                        validators=[DataRequired(), NumberRange(min=1, max=365)])
    ordinary = IntegerField(_l("Ordinary: last touch within (days)"),
                            validators=[DataRequired(), NumberRange(min=2, max=730)])

    def validate_ordinary(self, field):
        if self.deep.data and field.data and field.data <= self.deep.data:
            raise ValidationError(_l("Must be more days than the deeply developed band."))


GREETING_METHODS = (Method.WECHAT, Method.PHONE, Method.ONSITE, Method.LETTER)


class GreetForm(FlaskForm):
    """The one-tap greeting: the occasion and its day come with the button, the channel is the rep's pick."""

    occasion = StringField(validators=[Length(max=80)], filters=[strip])
    on = DateField(validators=[Optional()])
    method = enum_field(_l("Greet by"), Method, required=True, default=Method.WECHAT, members=GREETING_METHODS)

    data_fields = ("occasion", "on", "method")
