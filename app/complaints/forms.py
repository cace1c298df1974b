"""Forms of the complaints domain: receive or edit a complaint, move it, note on it, close it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateTimeLocalField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from app.archive.queries import contact_choices
from app.complaints.enums import ComplaintCategory, ComplaintChannel, ComplaintStatus, EventKind, Severity
from app.complaints.queries import module_choices
from app.complaints.services import EDITABLE
from app.core.forms import IntegerField, VersionedFormMixin, enum_field, enum_radio, strip, whole_number
from app.core.scoping import visible
from app.core.users import user_choices
from app.extensions import db
from app.visits.enums import Satisfaction
from app.visits.forms import client_offers
from app.visits.models import Interaction


class ComplaintForm(VersionedFormMixin, FlaskForm):
    """A complaint as received: for a new one the client is searched and picked, then its contacts and
    installed modules are offered."""

    client_query = StringField(_l("Client"), validators=[Length(max=80)], filters=[strip],
                               description=_l("Part of the name or its pinyin, a contact or a phone number"))
    client_id = RadioField(_l("Pick the client"), coerce=whole_number, validate_choice=False)
    find = SubmitField(_l("Search"))
    contact_id = SelectField(_l("Contact"), coerce=whole_number, validators=[Optional()])
    channel = enum_field(_l("Channel"), ComplaintChannel, required=True, default=ComplaintChannel.PHONE)
    received_at = DateTimeLocalField(_l("Received at"), validators=[DataRequired()])
    category = enum_field(_l("Category"), ComplaintCategory, required=True, default=ComplaintCategory.SERVICE)
    severity = enum_field(_l("Severity"), Severity, required=True, default=Severity.ORDINARY)
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    description = TextAreaField(_l("Description"), validators=[Length(max=8000)], filters=[strip])
    owner_id = SelectField(_l("Owner"), coerce=whole_number, validators=[DataRequired()])
    asset_id = SelectField(_l("Installed module"), coerce=whole_number, validators=[Optional()])
    source_visit_id = IntegerField(widget=HiddenInput(), validators=[Optional()])

    data_fields = EDITABLE

    def validate_client_id(self, field):
        if field.data not in [value for value, _label in field.choices]:
            raise ValidationError(_l("Choose the client."))

    def validate_source_visit_id(self, field):
        """The visit raised from is one the user may see, of the same client."""
        if field.data is None:
            return
        visit = db.session.scalar(visible(select(Interaction.client_id).where(Interaction.id == field.data),
                                          Interaction, self.user))
        if visit is None or visit != self.client_id.data:
            raise ValidationError(_l("This visit is not one of the chosen client's."))


def complaint_form(user, client=None, **kwargs) -> ComplaintForm:
    """The form for one client (editing, or raised from its page), or with a client picker: the client already
    picked and, as big choices, the clients a search finds (or those touched last)."""
    form = ComplaintForm(**kwargs)
    form.user = user
    if client is not None and form.client_id.data is None:
        form.client_id.data = client.id
    kept, found = client_offers(user, [form.client_id.data], form.client_query.data)
    form.client_id.choices = kept + found
    picked = kept[0][0] if kept else None
    form.contact_id.choices = [("", _l("— not set —")), *(contact_choices(picked) if picked else [])]
    form.asset_id.choices = [("", _l("— not set —")), *(module_choices(picked) if picked else [])]
    form.owner_id.choices = user_choices(keep=form.owner_id.object_data)
    if form.owner_id.data is None:
        form.owner_id.data = user.id  # the receiver owns it unless someone else is named
    return form


class StatusForm(FlaskForm):
    """One button per next state (the button's value is the target), with an optional note."""

    status = SelectField(_l("Status"), choices=ComplaintStatus.choices(), validators=[DataRequired()],
                         coerce=lambda value: ComplaintStatus(value) if value else None)
    note = TextAreaField(_l("Note"), validators=[Length(max=4000)], filters=[strip])


class NoteForm(FlaskForm):
    kind = enum_radio(_l("Kind"), EventKind, members=(EventKind.NOTE, EventKind.CLIENT_CONTACT),
                      default=EventKind.NOTE)
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=4000)], filters=[strip])


REQUIRED_TO_CLOSE = _l("Needed to close the complaint.")


class CloseForm(FlaskForm):
    """Closing (关闭): every missing field is named at once, beside itself."""

    root_cause = TextAreaField(_l("Root cause"), validators=[DataRequired(REQUIRED_TO_CLOSE), Length(max=4000)],
                               filters=[strip])
    solution = TextAreaField(_l("Solution"), validators=[DataRequired(REQUIRED_TO_CLOSE), Length(max=4000)],
                             filters=[strip])
    resolution_summary = TextAreaField(_l("Resolution summary for the client"), validators=[Length(max=4000)],
                                       filters=[strip])
    satisfaction = RadioField(_l("Client satisfaction"), choices=Satisfaction.choices(),
                              coerce=lambda value: Satisfaction(value) if value else None,
                              validators=[DataRequired(REQUIRED_TO_CLOSE)])
    confirmed_by = StringField(_l("Confirmed by"), validators=[DataRequired(REQUIRED_TO_CLOSE), Length(max=80)],
                               filters=[strip])
    note = TextAreaField(_l("Note"), validators=[Length(max=4000)], filters=[strip])

    data_fields = ("root_cause", "solution", "resolution_summary", "satisfaction", "confirmed_by")
