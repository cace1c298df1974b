"""Importing clients from a spreadsheet, the rows: each checked the way the client and contact forms check it,
matched by normalised name to the clients already kept, then created, updated or skipped, and the contacts added,
in one transaction (the route commits once)."""
import unicodedata
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.archive.access import chooses_owner
from app.archive.forms import ClientForm, ContactForm
from app.archive.importing import (
    CLIENT_SHEET_FIELDS,
    CONTACT_FIELDS,
    CONTACT_SHEET_FIELDS,
    CREATE,
    FIELD_LABELS,
    SKIP,
    SYNONYMS,
    UPDATE,
    VALUE_ENUMS,
    Table,
    key,
)
from app.archive.models import Client, Contact, UnitLevel
from app.archive.queries import owner_choices
from app.archive.rules import normalise_name, parse_birthday
from app.archive.services import add_contact, save_client
from app.archive.spreadsheet import COLUMN_OF, IMPORT_FIELDS, Row
from app.core.forms import form_data
from app.core.models import User
from app.core.scoping import visible
from app.extensions import db

SAME = "same"  # a row naming the client of an earlier row: it adds its contact to that client
NUMBERS = ("employees", "beds", "annual_revenue", "established_year")
DEFAULT_STATUS = Client.__table__.c.status.default.arg.value  # an empty status means what the model defaults to
_FILE_FIELD_OF = {column: name for name, column in COLUMN_OF.items()}
_CONTACT_FORM_FIELD = {"contact_name": "name", "contact_title": "title", "contact_mobile": "mobile",
                       "contact_decision_role": "decision_role"}
_CONTACT_FILE_FIELD = {form_field: name for name, form_field in _CONTACT_FORM_FIELD.items()}
_YES = {"是", "y", "yes", "true", "1", "农历", "阴历", "√"}
_NO = {"否", "n", "no", "false", "0", "公历", "阳历", "新历", "×"}


@dataclass
class ContactCheck:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    client_line: int | None = None  # the row of the first sheet whose client it joins
    client_id: int | None = None  # the kept client it joins
    client_name: str = ""
    skipped: str = ""  # why it is not added
    data: dict = field(default_factory=dict, repr=False, compare=False)  # what add_contact takes

    @property
    def added(self) -> bool:
        return not self.errors and not self.skipped


@dataclass
class RowCheck:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = CREATE
    duplicate_of: str | None = None
    duplicate_id: int | None = None  # set only when the user may open the existing client
    same_as: int | None = None  # the earlier line of the file naming the same client
    client_id: int | None = None  # the client it updates, at the version it was checked at
    version: int | None = None
    contact: ContactCheck | None = None
    data: dict = field(default_factory=dict, repr=False, compare=False)  # what save_client takes


@dataclass
class Plan:
    """What an import will do: a check per row of the clients' sheet and of the contacts' sheet."""

    rows: list[RowCheck]
    contact_rows: list[ContactCheck]

    @property
    def contacts(self) -> list[ContactCheck]:
        return [row.contact for row in self.rows if row.contact] + self.contact_rows

    @property
    def has_errors(self) -> bool:
        return any(check.errors for check in [*self.rows, *self.contact_rows])

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows if not row.errors)

    @property
    def contacts_added(self) -> int:
        return sum(contact.added for contact in self.contacts)

    @property
    def versions(self) -> str:
        """The versions of the clients to update, as checked (carried to the commit: see check_file)."""
        return " ".join(f"{row.client_id}:{row.version}" for row in self.rows if row.action == UPDATE)


def parse_versions(text: str) -> dict[int, int]:
    pairs = (pair.split(":") for pair in (text or "").split())
    return {int(client_id): int(version) for client_id, version in pairs if client_id.isdigit() and version.isdigit()}


# --- Checking ---------------------------------------------------------------------------------------------


@dataclass
class _Known:
    """What every row is checked against, loaded once per file."""

    enums: dict[str, dict[str, str]]
    unit_levels: dict[str, int]
    unit_level_choices: list[tuple[str, str]]
    users: dict[str, User]
    owner_choices: list[tuple[int, str]]
    owner_ids: set[int]
    clients: dict[str, tuple[int, str, bool, int]]  # name key → id, name, visible to the importer, version

    @classmethod
    def load(cls, user) -> "_Known":
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
    for name, synonyms in SYNONYMS.items():
        for text, code in synonyms.items():
            lookup.get(name, {}).setdefault(key(text), code)
    return lookup


def check_file(clients: Table, mapping: dict[int, str], contacts: Table | None, contact_mapping: dict[int, str],
               user, mode: str = SKIP, versions: dict[int, int] | None = None) -> Plan:
    """Every row checked as the client (and contact) form would check it; clients matched by normalised name to
    the clients already kept (all of them, not only the user's) and to the rows above. With ``versions`` (the
    ones the preview showed), a client changed since is an error: the user checks again before it is updated."""
    known = _Known.load(user)
    if not chooses_owner(user):
        mapping = {index: name for index, name in mapping.items() if name != "owner"}  # a rep owns their imports
    rows = [_check_client_row(row, mapping, clients.header, known, user) for row in clients.body]
    _match_clients(rows, known, mode, versions)
    contact_rows = [_check_contact_row(row, contact_mapping, contacts.header, known)
                    for row in contacts.body] if contacts and contact_mapping else []
    plan = Plan(rows, contact_rows)
    _place_contacts(plan, known)
    return plan


def _cells(row: Row, mapping: dict[int, str], header: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(field → cell text, field → message for a formula cell that has no value)."""
    values = {name: row[index].strip() if index < len(row) else "" for index, name in mapping.items()}
    formulas = {name: _("Line %(line)s “%(column)s” is a formula without a calculated value: open the file in Excel "
                        "and save it before importing, or paste the column as values.", line=row.line,
                        column=header[index] or index + 1)
                for index, name in mapping.items() if index in row.formulas}
    return values, formulas


def _shown(errors: dict[str, str], formulas: dict[str, str], order) -> list[str]:
    return [*formulas.values(), *(f"{FIELD_LABELS[name]}: {errors[name]}" for name in order
                                  if name in errors and name not in formulas)]


def _check_client_row(row: Row, mapping: dict[int, str], header: list[str], known: _Known, user) -> RowCheck:
    values, formulas = _cells(row, mapping, header)
    errors, data = _client_errors(values, known, user)
    check = RowCheck(line=row.line, values={name: values[name] for name in values if name in IMPORT_FIELDS},
                     data=data)
    contact_values = {name: values[name] for name in values if name in CONTACT_FIELDS}
    if any(contact_values.values()):
        contact_errors, contact_data = _contact_errors(contact_values, known)
        errors.update(contact_errors)
        check.contact = ContactCheck(line=row.line, values=contact_values, data=contact_data,
                                     errors=_shown(contact_errors, {}, CONTACT_FIELDS))
    check.errors = _shown(errors, formulas, CLIENT_SHEET_FIELDS)
    return check


def _client_errors(values: dict[str, str], known: _Known, user) -> tuple[dict[str, str], dict]:
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


def _enum_code(name: str, raw: str, known: _Known) -> tuple[str, str | None]:
    code = known.enums[name].get(key(raw), "") if raw else ""
    if raw and not code:
        return "", _("“%(value)s” is not one of: %(choices)s", value=raw,
                     choices=" / ".join(member.label for member in VALUE_ENUMS[name]))
    return code, None


def _form_value(name: str, raw: str, known: _Known, user) -> tuple[str, str, str | None]:
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


def _client_form(formdata: MultiDict, known: _Known, user) -> ClientForm:
    form = ClientForm(formdata=formdata, meta={"csrf": False})
    form.unit_level_id.choices = known.unit_level_choices
    if chooses_owner(user):
        form.owner_id.choices = known.owner_choices
    else:
        del form.owner_id
    return form


def _contact_errors(values: dict[str, str], known: _Known) -> tuple[dict[str, str], dict]:
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


def _check_contact_row(row: Row, mapping: dict[int, str], header: list[str], known: _Known) -> ContactCheck:
    """A row of the contacts' sheet: the contact, and the client's name."""
    values, formulas = _cells(row, mapping, header)
    errors, data = _contact_errors(values, known)
    if not values.get("name"):
        errors["name"] = _("Give the client's name.")
    return ContactCheck(line=row.line, values=values, data=data,
                        errors=_shown(errors, formulas, CONTACT_SHEET_FIELDS))


def _match_clients(rows: list[RowCheck], known: _Known, mode: str, versions: dict[int, int] | None) -> None:
    """What each row does, by the kept client or the earlier row with the same normalised name."""
    first: dict[str, RowCheck] = {}
    for check in rows:
        name_key = normalise_name(check.values.get("name", ""))
        if not name_key:
            continue
        if name_key in first:
            check.same_as = first[name_key].line
            check.duplicate_of = _("line %(line)s of this file", line=check.same_as)
            check.action = SAME if check.contact else CREATE if mode == CREATE else SKIP
            continue
        first[name_key] = check
        if name_key not in known.clients:
            continue
        client_id, name, seen, version = known.clients[name_key]
        check.duplicate_of, check.duplicate_id = name, client_id if seen else None
        if mode == SKIP:
            check.action = SKIP
        elif mode == UPDATE:
            _to_update(check, client_id, version, seen, versions)


def _to_update(check: RowCheck, client_id: int, version: int, seen: bool, versions: dict[int, int] | None) -> None:
    """The row updates the kept client with its mapped, non-empty cells (the name it was found by stays)."""
    if not seen:
        check.errors.append(_("%(name)s is a client you cannot see: this row cannot update it.",
                              name=check.duplicate_of))
    elif versions is not None and versions.get(client_id) != version:
        check.errors.append(_("%(name)s was changed by someone else after the preview: check the rows again.",
                              name=check.duplicate_of))
    else:
        check.action, check.client_id, check.version = UPDATE, client_id, version
        columns = [COLUMN_OF.get(name, name) for name, value in check.values.items() if value and name != "name"]
        check.data = {column: check.data[column] for column in columns if column in check.data}


def _place_contacts(plan: Plan, known: _Known) -> None:
    """Which client each contact joins: a contact in a client's row goes where the row goes; one on the
    contacts' sheet joins the row of the first sheet with its client's name, else that kept client. A contact
    whose client is skipped is skipped; one the client has already (by name) is not added twice."""
    rows = {check.line: check for check in plan.rows}
    first: dict[str, RowCheck] = {}
    for check in plan.rows:
        first.setdefault(normalise_name(check.values.get("name", "")), check)
        if check.contact:
            check.contact.client_line = check.same_as or check.line
    for contact in plan.contact_rows:
        name_key = normalise_name(contact.values.get("name", ""))
        if contact.errors:
            continue
        if name_key in first:
            contact.client_line = first[name_key].line
        elif name_key in known.clients and known.clients[name_key][2]:
            contact.client_id, contact.client_name = known.clients[name_key][:2]
        else:
            contact.errors.append(_("“%(name)s” is neither in the first sheet nor a client you can see.",
                                    name=contact.values["name"]))
    for contact in plan.contacts:
        row = rows.get(contact.client_line)
        if row is not None:
            contact.client_id, contact.client_name = row.client_id, row.duplicate_of or row.values.get("name", "")
            if row.action == SKIP:
                contact.skipped = _("Its client is skipped.")
    _skip_known_contacts(plan.contacts)


def _skip_known_contacts(contacts: list[ContactCheck]) -> None:
    ids = {contact.client_id for contact in contacts if contact.added and contact.client_id}
    kept = db.session.execute(select(Contact.client_id, Contact.name).where(
        Contact.client_id.in_(ids), Contact.deleted_at.is_(None))).all() if ids else []
    seen = {(client_id, key(name)) for client_id, name in kept}
    for contact in contacts:
        if contact.added:
            person = (contact.client_id or f"line {contact.client_line}", key(contact.values["contact_name"]))
            if person in seen:
                contact.skipped = _("Already a contact of this client.")
            seen.add(person)


# --- Importing --------------------------------------------------------------------------------------------


def import_plan(plan: Plan, user) -> None:
    """Create and update the clients, add the contacts (through save_client and add_contact, so their rules and
    the audit apply). Flushes; the route commits once, so a file imports whole or not at all."""
    if plan.has_errors:
        raise ValueError("import_plan was given rows with errors")
    ids = {row.client_id for row in plan.rows if row.action == UPDATE}
    ids |= {contact.client_id for contact in plan.contacts if contact.added and contact.client_id}
    kept = {client.id: client for client in db.session.execute(
        visible(select(Client).where(Client.id.in_(ids)), Client, user)).scalars()} if ids else {}
    by_line = {}
    for row in plan.rows:
        if row.action == CREATE:
            by_line[row.line] = save_client(Client(), row.data, user)
        elif row.action == UPDATE:
            by_line[row.line] = save_client(kept[row.client_id], row.data, user)
    for contact in plan.contacts:
        if contact.added:
            add_contact(by_line.get(contact.client_line) or kept[contact.client_id], contact.data)
