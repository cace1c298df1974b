"""The archive's forms. Choices of enums carry lazy labels; empty choice means 'not set'."""
from calendar import monthrange

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.archive import enums
from app.archive.importing import CREATE, SKIP, UPDATE
from app.archive.models import Product
from app.archive.rules import CRITERIA, CRITERIA_LABELS, check_thresholds, phone_number
from app.core.dates import valid_day
from app.core.forms import DecimalField, IntegerField, VersionedFormMixin, enum_field, strip
from app.extensions import db


def with_scheme(value):
    """A website typed as people say it (www.example.cn) gets http:// so it is a link."""
    return f"http://{value}" if value and "://" not in value else value


TEL = {"type": "tel", "inputmode": "tel", "autocomplete": "tel"}

class ClientForm(VersionedFormMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    short_name = StringField(_l("Short name"), validators=[Length(max=80)], filters=[strip])
    category = enum_field(_l("Category"), enums.ClientCategory)
    unit_level_id = SelectField(_l("Unit level"), coerce=lambda v: int(v) if v else None,
                                validators=[Optional()])
    region = StringField(_l("Region"), validators=[Length(max=40)], filters=[strip])
    city = StringField(_l("City"), validators=[Length(max=40)], filters=[strip])
    address = StringField(_l("Address"), validators=[Length(max=200)], filters=[strip])
    postcode = StringField(_l("Postcode"), validators=[Length(max=10)], filters=[strip])
    phone = StringField(_l("Phone"), validators=[Length(max=40)], filters=[strip], render_kw=TEL)
    website = StringField(_l("Website"), validators=[Optional(), Length(max=200), URL(require_tld=False)],
                          filters=[strip, with_scheme], render_kw={"inputmode": "url"})
    legal_representative = StringField(_l("Legal representative"), validators=[Length(max=40)], filters=[strip])
    employees = IntegerField(_l("Employees"), validators=[Optional(), NumberRange(min=0)])
    beds = IntegerField(_l("Beds"), validators=[Optional(), NumberRange(min=0)])
    annual_revenue = DecimalField(_l("Annual revenue (10k yuan)"), places=2,
                                  validators=[Optional(), NumberRange(min=0)])
    established_year = IntegerField(_l("Established"), validators=[Optional(), NumberRange(min=1800, max=2100)])
    business_situation = TextAreaField(_l("Business situation"), filters=[strip])
    after_sales_situation = TextAreaField(_l("After-sales situation"), filters=[strip])
    it_situation = TextAreaField(_l("IT and network"), filters=[strip])
    needs = TextAreaField(_l("Needs"), filters=[strip])
    competitors = TextAreaField(_l("Suppliers and competitors"), filters=[strip])
    notes = TextAreaField(_l("Notes"), filters=[strip])
    lead_source = enum_field(_l("Lead source"), enums.LeadSource)
    status = enum_field(_l("Lifecycle status"), enums.Lifecycle, required=True, default=enums.Lifecycle.CUSTOMER)
    owner_id = SelectField(_l("Owner"), coerce=int)
    relationship_class = enum_field(_l("Relationship"), enums.Relationship)
    income_tier = enum_field(_l("Income tier"), enums.IncomeTier)
    expansion = enum_field(_l("Expansion"), enums.Expansion)
    demand = enum_field(_l("Demand level"), enums.Demand)
    development_type = enum_field(_l("Development type"), enums.DevelopmentType)
    strategy_layer = enum_field(_l("Strategy layer"), enums.StrategyLayer)
    confirm_duplicate = BooleanField(_l("Save anyway: this is a different client"))

    # Fields a user edits and a stale save compares; the value grade comes from the assessment.
    data_fields = ("name", "short_name", "category", "unit_level_id", "region", "city", "address", "postcode",
                   "phone", "website", "legal_representative", "employees", "beds", "annual_revenue",
                   "established_year", "business_situation", "after_sales_situation", "it_situation", "needs",
                   "competitors", "notes", "lead_source", "status", "owner_id", "relationship_class",
                   "income_tier", "expansion", "demand", "development_type", "strategy_layer")


class ContactForm(VersionedFormMixin, FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)], filters=[strip])
    gender = enum_field(_l("Gender"), enums.Gender)
    title = StringField(_l("Title"), validators=[Length(max=80)], filters=[strip])
    department = StringField(_l("Department"), validators=[Length(max=80)], filters=[strip])
    decision_role = enum_field(_l("Decision role"), enums.DecisionRole)
    is_key_person = BooleanField(_l("Key person"))
    is_inside_contact = BooleanField(_l("Inside contact"))
    stance = enum_field(_l("Stance toward us"), enums.Stance)
    mobile = StringField(_l("Mobile"), validators=[Length(max=40)], filters=[strip, phone_number], render_kw=TEL)
    phone = StringField(_l("Office phone"), validators=[Length(max=40)], filters=[strip], render_kw=TEL)
    email = StringField(_l("Email"), validators=[Optional(), Email(check_deliverability=False), Length(max=120)],
                        filters=[strip])
    wechat = StringField(_l("WeChat"), validators=[Length(max=80)], filters=[strip])
    hometown = StringField(_l("Hometown"), validators=[Length(max=80)], filters=[strip])
    hobbies = TextAreaField(_l("Hobbies"), filters=[strip])
    personality = TextAreaField(_l("Personality and working style"), filters=[strip])
    family_notes = TextAreaField(_l("Family"), filters=[strip])
    tenure = StringField(_l("Tenure"), validators=[Length(max=80)], filters=[strip])
    authority = StringField(_l("Authority"), validators=[Length(max=200)], filters=[strip])
    notes = TextAreaField(_l("Notes"), filters=[strip])
    still_at_client = BooleanField(_l("Still at the client"), default=True)

    # On a new contact the birthday can be given at once; it becomes a special date.
    birthday_month = IntegerField(_l("Birthday month"), validators=[Optional(), NumberRange(min=1, max=12)])
    birthday_day = IntegerField(_l("Birthday day"), validators=[Optional(), NumberRange(min=1, max=31)])
    birthday_year = IntegerField(_l("Birth year (optional)"), validators=[Optional(), NumberRange(min=1900, max=2100)])
    birthday_lunar = BooleanField(_l("Lunar birthday (农历)"))
    birthday_leap = BooleanField(_l("Leap month"))

    def validate_birthday_day(self, field):
        if bool(field.data) != bool(self.birthday_month.data):
            raise ValidationError(_l("Give both the month and the day, or neither."))
        if field.data and not valid_day(self.birthday_month.data, field.data, lunar=self.birthday_lunar.data):
            raise ValidationError(_l("This month has no such day."))

    def validate_birthday_leap(self, field):
        if field.data and not self.birthday_lunar.data:
            raise ValidationError(_l("Only a lunar date can fall in a leap month."))

    data_fields = ("name", "gender", "title", "department", "decision_role", "is_key_person",
                   "is_inside_contact", "stance", "mobile", "phone", "email", "wechat", "hometown", "hobbies",
                   "personality", "family_notes", "tenure", "authority", "notes", "still_at_client")
    new_fields = (*data_fields, "birthday_month", "birthday_day", "birthday_year", "birthday_lunar", "birthday_leap")


class SpecialDateForm(VersionedFormMixin, FlaskForm):
    contact_id = SelectField(_l("Contact"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    kind = enum_field(_l("Kind"), enums.SpecialDateKind, required=True, default=enums.SpecialDateKind.BIRTHDAY)
    whose = StringField(_l("Whose"), validators=[Length(max=40)], filters=[strip])
    label = StringField(_l("Description"), validators=[Length(max=80)], filters=[strip])
    is_lunar = BooleanField(_l("Lunar calendar (农历)"))
    is_leap_month = BooleanField(_l("Leap month"))
    month = IntegerField(_l("Month"), validators=[InputRequired(), NumberRange(min=1, max=12)])
    day = IntegerField(_l("Day"), validators=[InputRequired(), NumberRange(min=1, max=31)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1900, max=2100)],
                        description=_l("Optional for a yearly date; required for a life event, which happens once."))
    remind_days = IntegerField(_l("Remind days ahead"), default=7, validators=[InputRequired(),
                                                                               NumberRange(min=0, max=60)])

    data_fields = ("contact_id", "kind", "whose", "label", "is_lunar", "is_leap_month", "month", "day", "year",
                   "remind_days")

    def validate_day(self, field):
        if self.month.data and field.data and not valid_day(self.month.data, field.data, lunar=self.is_lunar.data):
            raise ValidationError(_l("This month has no such day."))

    def validate_is_leap_month(self, field):
        if field.data and not self.is_lunar.data:
            raise ValidationError(_l("Only a lunar date can fall in a leap month."))

    def validate_is_lunar(self, field):
        if field.data and self.kind.data in enums.LIFE_EVENTS:
            raise ValidationError(_l("A life event is dated by the solar calendar."))

    def validate(self, extra_validators=None) -> bool:
        """A life event happens once: it needs its full date (an empty year skips the field's own checks)."""
        valid = super().validate(extra_validators)
        if self.kind.data not in enums.LIFE_EVENTS or self.year.errors:
            return valid
        if self.year.data is None:
            self.year.errors.append(_("A life event needs its year."))
            return False
        if not (self.month.errors or self.day.errors) and self.day.data > monthrange(self.year.data,
                                                                                   self.month.data)[1]:
            self.day.errors.append(_("This month has no such day in that year."))
            return False
        return valid


class AssetForm(VersionedFormMixin, FlaskForm):
    kind = enum_field(_l("Kind"), enums.AssetKind, required=True, default=enums.AssetKind.SOFTWARE)
    product_id = SelectField(_l("Product"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    name = StringField(_l("Name"), validators=[Length(max=120)], filters=[strip])
    module_version = StringField(_l("Version"), validators=[Length(max=40)], filters=[strip])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[InputRequired(), NumberRange(min=1)])
    installed_on = DateField(_l("Installed on"), validators=[Optional()])
    maintenance_until = DateField(_l("Maintenance until"), validators=[Optional()])
    status = enum_field(_l("Status"), enums.AssetStatus, required=True, default=enums.AssetStatus.IN_USE)
    notes = TextAreaField(_l("Notes"), filters=[strip])

    data_fields = ("kind", "product_id", "name", "module_version", "quantity", "installed_on", "maintenance_until",
                   "status", "notes")

    def validate_name(self, field):
        if not field.data and not self.product_id.data:
            raise ValidationError(_l("Give a name or choose a product from the catalogue."))


class ProductForm(VersionedFormMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)], filters=[strip])
    category = enum_field(_l("Category"), enums.ProductCategory, required=True, default=enums.ProductCategory.MODULE)
    list_price = DecimalField(_l("List price (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)])
    active = BooleanField(_l("Active"), default=True)
    description = TextAreaField(_l("Description"), filters=[strip])

    data_fields = ("name", "category", "list_price", "active", "description")

    def validate_name(self, field):
        taken = db.session.scalar(select(Product.id).where(Product.name == field.data))
        if taken and taken != getattr(getattr(self, "record", None), "id", None):
            raise ValidationError(_l("A product with this name exists already."))


# 信息不足 is a choice of its own, so a criterion nobody answered is still an error; it is stored as null.
UNKNOWN = 0
SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)] + [(UNKNOWN, _l("Not enough information"))]


class ScoresForm(Form):
    """One 1–5 choice, or 信息不足, per assessment criterion (seed 000: weighted assessment; seed 002: 信息不足的，
    继续收集)."""


for _key in CRITERIA:
    setattr(ScoresForm, _key, RadioField(CRITERIA_LABELS[_key], choices=SCORE_CHOICES, coerce=int, validators=[
        InputRequired(message=_l("Choose a score from 1 to 5, or not enough information."))]))


class AssessmentForm(FlaskForm):
    scores = FormField(ScoresForm)
    override_grade = enum_field(_l("Manual grade"), enums.ValueGrade)
    override_reason = TextAreaField(_l("Reason for the manual grade"), filters=[strip])

    @classmethod
    def from_scores(cls, scores: dict | None) -> "AssessmentForm":
        """The form for a new assessment, filled in with the scores of the last one, if any."""
        shown = {key: UNKNOWN if score is None else score for key, score in scores.items()} if scores else None
        return cls(data={"scores": shown} if shown else None)

    def stored_scores(self) -> dict[str, int | None]:
        return {key: None if score == UNKNOWN else score for key, score in self.scores.data.items()}

    def validate_override_reason(self, field):
        if self.override_grade.data and not field.data:
            raise ValidationError(_l("A manual grade needs a reason."))


class WeightsForm(Form):
    pass


for _key in CRITERIA:
    setattr(WeightsForm, _key, IntegerField(CRITERIA_LABELS[_key], validators=[InputRequired(),
                                                                             NumberRange(min=0, max=100)]))


class AssessmentSettingsForm(FlaskForm):
    """Admin: the criteria weights and the score each grade starts at."""

    weights = FormField(WeightsForm)
    threshold_a = IntegerField(_l("Grade A from score"), validators=[InputRequired(), NumberRange(min=1, max=100)])
    threshold_b = IntegerField(_l("Grade B from score"), validators=[InputRequired(), NumberRange(min=1, max=100)])
    threshold_c = IntegerField(_l("Grade C from score"), validators=[InputRequired(), NumberRange(min=1, max=100)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any(self.weights.data.values()):
            self.form_errors.append(_l("At least one weight must be above zero."))
            return False
        return True

    def validate_threshold_c(self, field):
        try:
            check_thresholds({"A": self.threshold_a.data or 0, "B": self.threshold_b.data or 0, "C": field.data or 0})
        except ValueError:
            raise ValidationError(_l("Grade A must start above B, and B above C.")) from None


class UnitLevelsForm(FlaskForm):
    names = TextAreaField(_l("Unit levels, one per line, in order"), validators=[DataRequired()])


class AttachmentForm(FlaskForm):
    file = FileField(_l("Photo or scan"), validators=[FileRequired()])
    caption = StringField(_l("Caption"), validators=[Length(max=200)], filters=[strip])


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Excel (.xlsx) or CSV file"),
                     validators=[FileRequired(), FileAllowed(["xlsx", "csv"], _l("Choose an .xlsx or .csv file."))])


class ImportMappingForm(FlaskForm):
    """One select per column of the clients' sheet (col_0, col_1 …) and of the contacts' sheet (contact_col_0 …),
    added by mapping_form, which also sets the header row's choices."""

    header_line = SelectField(_l("The header row is"), coerce=int)
    shown_line = HiddenField()  # the header row the column selects were made for
    mode = RadioField(_l("A row naming a client already in the archive"), default=SKIP,
                      choices=[(SKIP, _l("Skip it (its contact too)")), (CREATE, _l("Import it as a new client")),
                               (UPDATE, _l("Update that client with the row's non-empty cells"))])
    versions = HiddenField()  # the versions of the clients the preview would update

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        valid &= _columns_chosen([f for f in self if f.name.startswith("col_")], contacts_sheet=False)
        contacts = [f for f in self if f.name.startswith("contact_col_")]
        if any(f.data for f in contacts):  # the contacts' sheet is used once any of its columns is
            valid &= _columns_chosen(contacts, contacts_sheet=True)
        return valid

    @property
    def mapping(self) -> dict[int, str]:
        return self._mapping("col_")

    @property
    def contact_mapping(self) -> dict[int, str]:
        return self._mapping("contact_col_")

    def _mapping(self, prefix: str) -> dict[int, str]:
        return {int(f.name.removeprefix(prefix)): f.data for f in self if f.name.startswith(prefix) and f.data}


def _columns_chosen(columns, contacts_sheet: bool) -> bool:
    """Each field takes one column at most; the client's name is always needed, the contact's name on the
    contacts' sheet and once any contact field is chosen."""
    chosen = [f.data for f in columns if f.data]
    for f in columns:
        if f.data and chosen.count(f.data) > 1:
            f.errors.append(_("Each field can take only one column."))
    if "name" not in chosen:
        columns[0].errors.append(_("Choose the column that holds the client name."))
    if "contact_name" not in chosen and (contacts_sheet or any(name.startswith("contact_") for name in chosen)):
        columns[0].errors.append(_("Choose the column that holds the contact's name."))
    return not any(f.errors for f in columns)
