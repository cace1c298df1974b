"""Forms of contracts: the contract with its product lines and payment milestones (blank rows are skipped), a
receipt, an implementation move, a scan."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from app.archive.queries import owner_choices, product_choices
from app.core.forms import DecimalField, IntegerField, VersionedFormMixin, enum_field, strip, whole_number
from app.deals.contracts import EDITABLE
from app.deals.enums import ImplementationStatus, MilestoneKind
from app.deals.receivables import FEN, ZERO
from app.extensions import db


class MoneyField(DecimalField):
    """An amount in yuan, exact to the fen: more than two decimals is refused, not rounded."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and self.data.as_tuple().exponent < -2:
            self.data = None
            raise ValueError(_l("Amounts are exact to the fen: at most two decimals."))


class LineForm(Form):
    product_id = SelectField(_l("Product"), coerce=whole_number, validators=[Optional()])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[Optional(), NumberRange(min=1, max=100000)])
    unit_price = MoneyField(_l("Unit price (yuan)"), validators=[Optional(), NumberRange(min=ZERO)])

    def validate_unit_price(self, field):
        if self.product_id.data and field.data is None:
            raise ValidationError(_l("Enter the unit price."))

    @property
    def blank(self) -> bool:
        return not self.product_id.data


class MilestoneForm(Form):
    id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    kind = enum_field(_l("Kind"), MilestoneKind)
    due_on = DateField(_l("Due on"), validators=[Optional()])
    amount = MoneyField(_l("Amount (yuan)"), validators=[Optional(), NumberRange(min=FEN)])
    note = StringField(_l("Note"), validators=[Length(max=200)], filters=[strip])

    @property
    def blank(self) -> bool:
        return self.kind.data is None and self.due_on.data is None and self.amount.data is None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.blank:
            return valid
        for name in ("kind", "due_on", "amount"):
            if self[name].data is None and not self[name].errors:
                self[name].errors.append(_l("This field is required."))
                valid = False
        return valid


class ContractForm(VersionedFormMixin, FlaskForm):
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    signed_on = DateField(_l("Signed on"), validators=[DataRequired()])
    amount = MoneyField(_l("Contract amount (yuan)"), validators=[DataRequired(), NumberRange(min=FEN)])
    owner_id = SelectField(_l("Owner"), coerce=whole_number, validators=[Optional()])
    implementation_start = DateField(_l("Implementation start"), validators=[Optional()])
    acceptance_planned = DateField(_l("Acceptance planned"), validators=[Optional()])
    acceptance_actual = DateField(_l("Accepted on"), validators=[Optional()])
    maintenance_until = DateField(_l("Maintenance until"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=8000)], filters=[strip])
    lines = FieldList(FormField(LineForm), min_entries=3, max_entries=60)
    milestones = FieldList(FormField(MilestoneForm), min_entries=4, max_entries=40)
    more = SubmitField(_l("More rows"))

    data_fields = EDITABLE

    def contract_data(self) -> dict:
        """The plain data the services take: the facts, and the filled-in lines and milestones."""
        data = {name: self[name].data for name in EDITABLE}
        lines = [row.form for row in self.lines if not row.form.blank]
        data["lines"] = [{"product_id": line.product_id.data, "quantity": line.quantity.data or 1,
                          "unit_price": line.unit_price.data} for line in lines]
        milestones = [row.form for row in self.milestones if not row.form.blank]  # row.id is the row's HTML id
        data["milestones"] = [{"id": m.id.data, "kind": m.kind.data, "due_on": m.due_on.data, "amount": m.amount.data,
                               "note": m.note.data} for m in milestones]
        return data


def contract_form(user, more: bool = False, **kwargs) -> ContractForm:
    """The contract form with its choices; ``more`` adds two blank lines and two blank milestones to fill in."""
    form = ContractForm(**kwargs)
    for _ in range(2 if more else 0):
        form.lines.append_entry()
        form.milestones.append_entry()
    products = [("", _l("— not set —")), *product_choices()]
    for row in form.lines:
        row.product_id.choices = products
    owners = db.session.execute(owner_choices()).scalars()
    form.owner_id.choices = [(owner.id, owner.display_name) for owner in owners]
    if form.owner_id.data is None:
        form.owner_id.data = user.id
    return form


class ReceiptForm(FlaskForm):
    milestone_id = SelectField(_l("Milestone"), coerce=whole_number, validators=[DataRequired()])
    received_on = DateField(_l("Received on"), validators=[DataRequired()])
    amount = MoneyField(_l("Amount (yuan)"), validators=[DataRequired(), NumberRange(min=FEN)])
    note = StringField(_l("Note"), validators=[Length(max=200)], filters=[strip])


class StatusForm(FlaskForm):
    """One button per implementation state; the button's value is the target."""

    status = SelectField(_l("Implementation status"), choices=ImplementationStatus.choices(),
                         validators=[DataRequired()],
                         coerce=lambda value: ImplementationStatus(value) if value else None)
