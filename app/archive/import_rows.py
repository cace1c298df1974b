"""Importing clients from a spreadsheet, the rows: each checked the way the client and contact forms check it,
matched by normalised name to the clients already kept, then created, updated or skipped, and the contacts added,
in one transaction (the route commits once)."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.archive.access import chooses_owner
from app.archive.import_cells import Known, cells, client_errors, contact_errors, shown
from app.archive.importing import (
    CLIENT_SHEET_FIELDS,
    CONTACT_FIELDS,
    CONTACT_SHEET_FIELDS,
    CREATE,
    SKIP,
    UPDATE,
    Table,
    key,
)
from app.archive.models import Client, Contact
from app.archive.rules import normalise_name
from app.archive.services import add_contact, save_client
from app.archive.spreadsheet import COLUMN_OF, IMPORT_FIELDS, Row
from app.core.scoping import visible
from app.extensions import db

SAME = "same"  # a row naming the client of an earlier row: it adds its contact to that client


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


def check_file(clients: Table, mapping: dict[int, str], contacts: Table | None, contact_mapping: dict[int, str],
               user, mode: str = SKIP, versions: dict[int, int] | None = None) -> Plan:
    """Every row checked as the client (and contact) form would check it; clients matched by normalised name to
    the clients already kept (all of them, not only the user's) and to the rows above. With ``versions`` (the
    ones the preview showed), a client changed since is an error: the user checks again before it is updated."""
    known = Known.load(user)
    if not chooses_owner(user):
        mapping = {index: name for index, name in mapping.items() if name != "owner"}  # a rep owns their imports
    rows = [_check_client_row(row, mapping, clients.header, known, user) for row in clients.body]
    _match_clients(rows, known, mode, versions)
    contact_rows = [_check_contact_row(row, contact_mapping, contacts.header, known)
                    for row in contacts.body] if contacts and contact_mapping else []
    plan = Plan(rows, contact_rows)
    _place_contacts(plan, known)
    return plan


def _check_client_row(row: Row, mapping: dict[int, str], header: list[str], known: Known, user) -> RowCheck:
    values, formulas = cells(row, mapping, header)
    errors, data = client_errors(values, known, user)
    check = RowCheck(line=row.line, values={name: values[name] for name in values if name in IMPORT_FIELDS},
                     data=data)
    contact_values = {name: values[name] for name in values if name in CONTACT_FIELDS}
    if any(contact_values.values()):
        person_errors, person_data = contact_errors(contact_values, known)
        errors.update(person_errors)
        check.contact = ContactCheck(line=row.line, values=contact_values, data=person_data,
                                     errors=shown(person_errors, {}, CONTACT_FIELDS))
    check.errors = shown(errors, formulas, CLIENT_SHEET_FIELDS)
    return check


def _check_contact_row(row: Row, mapping: dict[int, str], header: list[str], known: Known) -> ContactCheck:
    """A row of the contacts' sheet: the contact, and the client's name."""
    values, formulas = cells(row, mapping, header)
    errors, data = contact_errors(values, known)
    if not values.get("name"):
        errors["name"] = _("Give the client's name.")
    return ContactCheck(line=row.line, values=values, data=data,
                        errors=shown(errors, formulas, CONTACT_SHEET_FIELDS))


def _match_clients(rows: list[RowCheck], known: Known, mode: str, versions: dict[int, int] | None) -> None:
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


def _place_contacts(plan: Plan, known: Known) -> None:
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
