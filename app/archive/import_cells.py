"""Importing clients from a spreadsheet, the cells: what each one means for the client and contact forms (labels
and synonyms become codes, user names ids, birthdays a special date's fields), and the form's own checks."""
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.archive.access import chooses_owner
from app.archive.forms import ClientForm, ContactForm
from app.archive.importing import FIELD_LABELS, SYNONYMS, VALUE_ENUMS, key
from app.archive.models import Client, UnitLevel
from app.archive.queries import owner_choices
from app.archive.rules import normalise_name, parse_birthday
from app.archive.spreadsheet import COLUMN_OF, IMPORT_FIELDS, Row
from app.core.forms import form_data
from app.core.models import User
from app.extensions import db

NUMBERS = ("employees", "beds", "annual_revenue", "established_year")
DEFAULT_STATUS = Client.__table__.c.status.default.arg.value  # an empty status means what the model defaults to
_FILE_FIELD_OF = {column: name for name, column in COLUMN_OF.items()}
_CONTACT_FORM_FIELD = {"contact_name": "name", "contact_title": "title", "contact_mobile": "mobile",
                       "contact_decision_role": "decision_role"}
_CONTACT_FILE_FIELD = {form_field: name for name, form_field in _CONTACT_FORM_FIELD.items()}
_YES = {"是", "y", "yes", "true", "1", "农历", "阴历", "√"}
_NO = {"否", "n", "no", "false", "0", "公历", "阳历", "新历", "×"}


@dataclass
class Known:
    """What every row is checked against, loaded once per file."""

    enums: dict[str, dict[str, str]]
    unit_levels: dict[str, int]
    unit_level_choices: list[tuple[str, str]]
    users: dict[str, User]
    owner_choices: list[tuple[int, str]]
    owner_ids: set[int]
    clients: dict[str, tuple[int, str, bool, int]]  # name key → id, name, visible to the importer, version

    @classmethod
    def load(cls, user) -> "Known":
        levels = db.session.execute(select(UnitLevel).order_by(UnitLevel.position, UnitLevel.name)).scalars().all()
        unit_levels = {key(level.name): level.id for level in levels}
        for text, name in SYNONYMS["unit_level"].items():
            if key(name) in unit_levels:
                unit_levels.setdefault(key(text), unit_levels[key(name)])
        users = db.session.execute(select(User)).scalars().all()
        by_name = {key(u.username): u for u in users}
        for display_name in {key(u.display_name) for u in users} - set(by_name):
            same = [u for u in users if key(u.display_name) == display_name]
            if len(same) == 1:  # a display name that says who without doubt is as good as the username
                by_name[display_name] = same[0]
        owners = {u.id: u.display_name for u in db.session.execute(owner_choices()).scalars()}
        owners.setdefault(user.id, user.display_name)
        rows = db.session.execute(select(Client.id, Client.name, Client.name_key, Client.owner_id, Client.version)
                                  .where(Client.deleted_at.is_(None)).order_by(Client.id)).all()
        clients = {}
        for client_id, name, name_key, owner_id, version in rows:
            clients.setdefault(name_key or normalise_name(name),
                               (client_id, name, user.sees_all_clients or owner_id == user.id, version))
        return cls(enums=_enum_lookup(), unit_levels=unit_levels,
                   unit_level_choices=[("", "")] + [(str(level.id), level.name) for level in levels],
                   users=by_name, owner_choices=list(owners.items()), owner_ids=set(owners), clients=clients)


def _enum_lookup() -> dict[str, dict[str, str]]:
    """Field → {code, label (zh and en) or synonym → code}, so an exported file and a hand-typed one both import."""
    lookup = {name: {key(member.value): member.value for member in enum_cls}
              for name, enum_cls in VALUE_ENUMS.items()}
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            for name, enum_cls in VALUE_ENUMS.items():
                for member in enum_cls:
                    lookup[name].setdefault(key(member.label), member.value)
    with force_locale("zh_CN"):  # 展会 or 研讨会 for 展会/研讨会: each part of a label names its choice too
        for name, enum_cls in VALUE_ENUMS.items():
            for member in enum_cls:
                parts = re.split(r"[/／、]", str(member.label))
                for part in parts if len(parts) > 1 else ():
                    lookup[name].setdefault(key(part), member.value)
    for name, synonyms in SYNONYMS.items():
        for text, code in synonyms.items():
            lookup.get(name, {}).setdefault(key(text), code)
    return lookup


def cells(row: Row, mapping: dict[int, str], header: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(field → cell text, field → message for a formula cell that has no value)."""
    values = {name: row[index].strip() if index < len(row) else "" for index, name in mapping.items()}
    formulas = {name: _("Line %(line)s “%(column)s” is a formula without a calculated value: open the file in Excel "
                        "and save it before importing, or paste the column as values.", line=row.line,
                        column=header[index] or index + 1)
                for index, name in mapping.items() if index in row.formulas}
    return values, formulas


def shown(errors: dict[str, str], formulas: dict[str, str], order) -> list[str]:
    return [*formulas.values(), *(f"{FIELD_LABELS[name]}: {errors[name]}" for name in order
                                  if name in errors and name not in formulas)]


def client_errors(values: dict[str, str], known: Known, user) -> tuple[dict[str, str], dict]:
    formdata, errors = MultiDict(), {}
    for name in IMPORT_FIELDS:
        if name != "owner" or chooses_owner(user):
            form_field, formdata[form_field], errors[name] = _form_value(name, values.get(name, ""), known, user)
    form = _client_form(formdata, known, user)
    form.validate()
    errors = {name: error for name, error in errors.items() if error}  # ours first: they say more
    for form_field, messages in form.errors.items():
        errors.setdefault(_FILE_FIELD_OF.get(form_field, form_field), messages[0])
    return errors, form_data(form)


def _enum_code(name: str, raw: str, known: Known) -> tuple[str, str | None]:
    code = known.enums[name].get(key(raw), "") if raw else ""
    if raw and not code:
        return "", _("“%(value)s” is not one of: %(choices)s", value=raw,
                     choices=" / ".join(member.label for member in VALUE_ENUMS[name]))
    return code, None


def _form_value(name: str, raw: str, known: Known, user) -> tuple[str, str, str | None]:
    """(form field, value for the client form, error or None) for one cell: labels become codes, names ids."""
    if name in VALUE_ENUMS:
        code, error = _enum_code(name, raw, known)
        return name, code or (DEFAULT_STATUS if name == "status" and not raw else ""), error
    if name == "unit_level":
        level_id = known.unit_levels.get(key(raw)) if raw else None
        if raw and level_id is None:
            return "unit_level_id", "", _("“%(value)s” is not in the list of unit levels (%(choices)s)", value=raw,
                                          choices=" / ".join(text for _id, text in known.unit_level_choices[1:]))
        return "unit_level_id", str(level_id or ""), None
    if name == "owner":
        owner = known.users.get(key(raw)) if raw else user
        if owner is None:
            return "owner_id", str(user.id), _("there is no user “%(value)s”", value=raw)
        error = None if owner.id in known.owner_ids else _("%(name)s cannot own clients", name=owner.display_name)
        return "owner_id", str(owner.id), error
    if name in NUMBERS:
        return name, unicodedata.normalize("NFKC", raw).replace(",", ""), None  # "1,200" and full-width digits
    if name == "website" and raw and "://" not in raw:
        return name, "http://" + raw, None  # what people type; the form wants a full URL
    return name, raw, None


def _client_form(formdata: MultiDict, known: Known, user) -> ClientForm:
    form = ClientForm(formdata=formdata, meta={"csrf": False})
    form.unit_level_id.choices = known.unit_level_choices
    if chooses_owner(user):
        form.owner_id.choices = known.owner_choices
    else:
        del form.owner_id
    return form


def contact_errors(values: dict[str, str], known: Known) -> tuple[dict[str, str], dict]:
    """A contact's cells checked by the contact form, as if typed into it; the birthday as its special date."""
    formdata = MultiDict({form_field: values.get(name, "") for name, form_field in _CONTACT_FORM_FIELD.items()})
    formdata["still_at_client"] = "y"
    formdata["decision_role"], role_error = _enum_code("contact_decision_role",
                                                       values.get("contact_decision_role", ""), known)
    birthday, errors = _birthday(values.get("contact_birthday", ""), values.get("contact_lunar", ""))
    formdata.update(birthday)
    form = ContactForm(formdata=formdata, meta={"csrf": False})
    form.validate()
    if role_error:
        errors["contact_decision_role"] = role_error
    for form_field, messages in form.errors.items():
        errors.setdefault(_CONTACT_FILE_FIELD.get(form_field, "contact_birthday"), messages[0])
    return errors, form_data(form, ContactForm.new_fields)


def _birthday(raw: str, lunar_raw: str) -> tuple[dict[str, str], dict[str, str]]:
    """(contact form fields, errors) for a birthday cell and the cell saying whether it is lunar (是/否)."""
    errors, lunar = {}, key(lunar_raw) in _YES
    if lunar_raw and not lunar and key(lunar_raw) not in _NO:
        errors["contact_lunar"] = _("“%(value)s” is not 是 or 否", value=lunar_raw)
    if not raw:
        return {}, errors
    try:
        birthday = parse_birthday(raw)
    except ValueError:
        errors["contact_birthday"] = _("“%(value)s” is not a date such as 1990-03-15, 1990/3/15, 1990年3月15日, "
                                       "3月15日 or 农历三月十五", value=raw)
        return {}, errors
    fields = {"birthday_month": str(birthday.month), "birthday_day": str(birthday.day),
              "birthday_year": str(birthday.year or "")}
    if birthday.lunar or lunar:
        fields["birthday_lunar"] = "y"
    if birthday.leap:
        fields["birthday_leap"] = "y"
    return fields, errors


