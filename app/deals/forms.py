"""Forms of the deal pipeline: a deal with its product lines, a move to another stage, a touch to link."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from app.archive.queries import contact_choices, product_choices
from app.core.forms import DecimalField, IntegerField, VersionedFormMixin, enum_field, strip, whole_number
from app.core.users import user_choices
from app.deals.enums import OPEN_STAGES, DealSource, DealStage, DemandFit
from app.deals.services import EDITABLE

NOT_SET = ("", _l("— not set —"))
EMPTY_LINES = 2  # blank rows to add products without JavaScript


class LineForm(Form):
    product_id = SelectField(_l("Product"), coerce=whole_number, validators=[Optional()])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[Optional(), NumberRange(min=1, max=100000)])
    unit_price = DecimalField(_l("Unit price (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)])

    def validate_unit_price(self, field):
        if self.product_id.data and field.data is None:
            raise ValidationError(_l("Give the unit price."))


class DealForm(VersionedFormMixin, FlaskForm):
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    owner_id = SelectField(_l("Owner"), coerce=whole_number, validators=[DataRequired()])
    lines = FieldList(FormField(LineForm), label=_l("Products"))
    amount = DecimalField(_l("Estimated amount (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)],
                          description=_l("Leave empty when products are listed: their sum is taken."))
    probability = IntegerField(_l("Probability (%)"), validators=[Optional(), NumberRange(min=0, max=100)],
                               description=_l("Empty: the stage's usual probability."))
    expected_close = DateField(_l("Expected close"), validators=[Optional()])
    next_action = StringField(_l("Next step"), validators=[Length(max=200)], filters=[strip])
    next_date = DateField(_l("Next step on"), validators=[Optional()])
    key_person_id = SelectField(_l("Key person"), coerce=whole_number, validators=[Optional()])
    inside_contact_id = SelectField(_l("Inside contact"), coerce=whole_number, validators=[Optional()])
    competitor = StringField(_l("Competitor"), validators=[Length(max=120)], filters=[strip])
    demand_fit = enum_field(_l("Demand fit"), DemandFit)
    source = enum_field(_l("Source"), DealSource)
    meeting_plan = TextAreaField(_l("Meeting plan"), validators=[Length(max=8000)], filters=[strip])
    fallback_plan = TextAreaField(_l("Fallback plan if the talk fails"), validators=[Length(max=8000)],
                                  filters=[strip])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=8000)], filters=[strip])

    data_fields = EDITABLE


class NewDealForm(DealForm):
    stage = enum_field(_l("Stage"), DealStage, required=True, members=OPEN_STAGES, default=DealStage.TARGET)
    source_visit_id = IntegerField(widget=HiddenInput(), validators=[Optional()])

    data_fields = (*EDITABLE, "stage", "source_visit_id")


def deal_form(form_cls, user, client, **kwargs) -> DealForm:
    """The deal form for one client: its contacts to pick, the catalogue on every line, blank lines to add."""
    form = form_cls(**kwargs)
    if not form.is_submitted():
        for _blank in range(EMPTY_LINES):
            form.lines.append_entry()
    products = [NOT_SET, *product_choices()]
    for line in form.lines:
        line.product_id.choices = products
    contacts = [NOT_SET, *contact_choices(client.id)]
    form.key_person_id.choices = form.inside_contact_id.choices = contacts
    form.owner_id.choices = user_choices(keep=form.owner_id.object_data)
    if form.owner_id.data is None:
        form.owner_id.data = client.owner_id or user.id
    return form


def lines_data(form) -> list[dict]:
    return [line.data for line in form.lines if line.product_id.data]


class MoveForm(FlaskForm):
    """One button per stage (the button's value is the target); the next step and, to lose, the reason."""

    stage = SelectField(_l("Stage"), choices=DealStage.choices(), validators=[DataRequired()],
                        coerce=lambda value: DealStage(value) if value else None)
    next_action = StringField(_l("Next step"), validators=[Length(max=200)], filters=[strip])
    next_date = DateField(_l("Next step on"), validators=[Optional()])
    lost_reason = StringField(_l("Why it was not won"), validators=[Length(max=200)], filters=[strip])
    lessons = TextAreaField(_l("What we learned"), validators=[Length(max=8000)], filters=[strip])

    data_fields = ("next_action", "next_date", "lost_reason", "lessons")


class TouchForm(FlaskForm):
    interaction_id = SelectField(_l("Visit or call"), coerce=whole_number, validators=[DataRequired()])
