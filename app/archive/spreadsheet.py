"""Client import and export as .xlsx and CSV: read a file, map its columns to fields, check every row the way
the client form does, create the clients, and write the list back out. Plain functions; routes_transfer.py
only calls them."""
import csv
import io
import json
import re
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.archive.forms import ClientForm
from app.archive.models import Client, UnitLevel
from app.archive.queries import owner_choices
from app.archive.rules import normalise_name
from app.archive.services import save_client
from app.core.models import User, get_setting, put_setting
from app.extensions import db

_FIELDS = ("name", "short_name", "category", "unit_level", "region", "city", "address", "postcode", "phone",
           "website", "legal_representative", "employees", "beds", "annual_revenue", "established_year",
           "business_situation", "after_sales_situation", "it_situation", "needs", "competitors", "notes",
           "lead_source", "status", "owner", "relationship_class", "income_tier", "expansion", "demand",
           "development_type", "strategy_layer", "value_grade")
_COLUMN_OF = {"unit_level": "unit_level_id", "owner": "owner_id"}  # file field → Client column
_FILE_FIELD_OF = {column: name for name, column in _COLUMN_OF.items()}

COLUMNS = [(name, Client.field_labels[_COLUMN_OF.get(name, name)]) for name in _FIELDS]
LABELS = dict(COLUMNS)
# Grades come from assessments, so an imported value grade would bypass them: exported, never imported.
IMPORT_FIELDS = tuple(name for name in _FIELDS if name != "value_grade")
ENUMS = {name: Client.__table__.c[name].type.enum_class for name in _FIELDS
         if name in Client.__table__.c and getattr(Client.__table__.c[name].type, "enum_class", None)}
NUMBERS = ("employees", "beds", "annual_revenue", "established_year")
DEFAULT_STATUS = Client.__table__.c.status.default.arg.value  # an empty status means what the model defaults to
# Headers people write by hand for the same thing (the labels and field names match anyway).
ALIASES = {"客户名称": "name", "单位名称": "name", "医院名称": "name", "客户": "name", "简称": "short_name",
           "电话": "phone", "联系电话": "phone", "省份": "region", "地区": "region", "城市": "city",
           "地址": "address", "邮编": "postcode", "网址": "website", "法人": "legal_representative",
           "床位": "beds", "员工人数": "employees", "人数": "employees", "医院级别": "unit_level",
           "医院等级": "unit_level", "客户经理": "owner", "负责人": "owner", "状态": "status",
           "生命周期状态": "status"}

MAPPING_SETTING = "client_import_mapping"
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
UPLOAD_LIFETIME = 24 * 3600  # seconds an abandoned upload is kept
_TOKEN = re.compile(r"[0-9a-f]{32}")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """A file that cannot be read; str(error) is the message for the user."""


class Row(list):
    """The cells of one row and its line number as the user sees it in the file (the header is line 1)."""

    def __init__(self, line: int, cells):
        super().__init__(cells)
        self.line = line


@dataclass
class RowCheck:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    duplicate_id: int | None = None  # set only when the user may open the existing client
    form: ClientForm | None = field(default=None, repr=False, compare=False)


def _key(text) -> str:
    """Header and label text compared loosely: full/half width folded, case and spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)).casefold())


# --- Reading ----------------------------------------------------------------------------------------------


def read_table(filename: str, data: bytes) -> tuple[list[str], list[Row]]:
    """The header texts and the non-empty rows below them, every cell as a string."""
    extension = Path(filename or "").suffix.lower()
    if extension not in (".xlsx", ".csv"):
        raise SpreadsheetError(_("Choose an Excel (.xlsx) or CSV file; save an old .xls as .xlsx first."))
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(_("The file is larger than %(size)s MB.", size=MAX_BYTES // 1024 // 1024))
    lines = _xlsx_lines(data) if extension == ".xlsx" else _csv_lines(data)
    rows = []
    for line, cells in enumerate(lines, start=1):
        if any(cells):
            rows.append(Row(line, cells))
        if len(rows) > MAX_ROWS + 1:  # stop reading: a small file can unpack to millions of rows
            raise SpreadsheetError(_("The file has more than %(count)s rows; split it into smaller files.",
                                     count=MAX_ROWS))
    if len(rows) < 2:
        raise SpreadsheetError(_("The file has no rows under its header row."))
    width = max(len(row) for row in rows)
    for row in rows:
        row.extend([""] * (width - len(row)))
    return list(rows[0]), rows[1:]


def _xlsx_lines(data: bytes):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.active
            sheet.reset_dimensions()  # some writers store a wrong size; read what is really there
            for values in sheet.iter_rows(values_only=True):
                yield _trimmed([_cell_text(value) for value in values])
        finally:
            workbook.close()
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise SpreadsheetError(_("The file could not be read as an Excel workbook (.xlsx).")) from error


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == clock_time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps every number as a float: 1998.0 is the year 1998, 13800000000.0 a phone number.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _trimmed(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _csv_lines(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    try:
        return [_trimmed([_unescape(cell.strip()) for cell in cells])
                for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise SpreadsheetError(_("The file could not be read as CSV.")) from error


def _decode(data: bytes) -> str:
    # Excel saves "CSV UTF-8" with a BOM, plain "CSV" in the Windows code page: GBK on a Chinese system.
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("The file's text encoding is not UTF-8 or GBK."))


def _unescape(cell: str) -> str:
    """Undo the quote export_csv puts before a value Excel would run as a formula."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in _FORMULA_START else cell


# --- Mapping ----------------------------------------------------------------------------------------------


def _header_lookup() -> dict[str, str]:
    lookup = {_key(alias): name for alias, name in ALIASES.items()}
    for name in IMPORT_FIELDS:
        lookup[_key(name)] = name
        lookup.setdefault(_key(_COLUMN_OF.get(name, name)), name)
    for locale in ("en", "zh_CN"):
        with force_locale(locale):
            lookup.update({_key(LABELS[name]): name for name in IMPORT_FIELDS})
    return lookup


def suggest_mapping(headers: list[str], remembered: dict) -> dict[int, str]:
    """Column index → field: what the user chose for this header text before, else the field whose label or
    name the header is. A header the user chose to ignore stays ignored; no field is given two columns."""
    remembered = {_key(text): name for text, name in remembered.items()}
    lookup = _header_lookup()
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = _key(header)
        name = remembered[key] if key in remembered else lookup.get(key, "")
        if name in IMPORT_FIELDS and name not in mapping.values():
            mapping[index] = name
    return mapping


def remembered_mapping() -> dict:
    return get_setting(MAPPING_SETTING, {})


def remember_mapping(headers: list[str], mapping: dict[int, str]) -> None:
    """Keep header text → field (or "" for ignored) for the next upload; other layouts stay remembered."""
    chosen = {header: mapping.get(index, "") for index, header in enumerate(headers) if header}
    put_setting(MAPPING_SETTING, {**remembered_mapping(), **chosen})


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
    clients: dict[str, tuple[int, str, bool]]  # name key → id, name, visible to the importing user

    @classmethod
    def load(cls, user) -> "_Known":
        levels = db.session.execute(select(UnitLevel).order_by(UnitLevel.position, UnitLevel.name)).scalars().all()
        users = db.session.execute(select(User)).scalars().all()
        by_name = {_key(u.username): u for u in users}
        for display_name in {_key(u.display_name) for u in users} - set(by_name):
            same = [u for u in users if _key(u.display_name) == display_name]
            if len(same) == 1:  # a display name that says who without doubt is as good as the username
                by_name[display_name] = same[0]
        owners = {u.id: u.display_name for u in db.session.execute(owner_choices()).scalars()}
        owners.setdefault(user.id, user.display_name)
        rows = db.session.execute(select(Client.id, Client.name, Client.name_key, Client.owner_id)
                                  .where(Client.deleted_at.is_(None)).order_by(Client.id)).all()
        clients = {}
        for client_id, name, name_key, owner_id in rows:
            clients.setdefault(name_key or normalise_name(name),
                               (client_id, name, user.sees_all_clients or owner_id == user.id))
        return cls(enums=_enum_lookup(), unit_levels={_key(level.name): level.id for level in levels},
                   unit_level_choices=[("", "")] + [(str(level.id), level.name) for level in levels],
                   users=by_name, owner_choices=list(owners.items()), owner_ids=set(owners), clients=clients)


def _enum_lookup() -> dict[str, dict[str, str]]:
    """Field → {code or label (zh and en) → code}, so an exported file and a hand-typed one both import."""
    lookup = {name: {_key(member.value): member.value for member in enum_cls} for name, enum_cls in ENUMS.items()}
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            for name, enum_cls in ENUMS.items():
                for member in enum_cls:
                    lookup[name].setdefault(_key(member.label), member.value)
    return lookup


def check_rows(rows: list[list[str]], mapping: dict[int, str], user) -> list[RowCheck]:
    """Every row checked as the client form would check it, plus duplicates by normalised name against the
    clients already kept (all of them, not only the user's) and the rows above it in the file."""
    known = _Known.load(user)
    if not user.sees_all_clients:
        mapping = {index: name for index, name in mapping.items() if name != "owner"}  # a rep owns their imports
    seen_in_file: dict[str, int] = {}
    checks = []
    for number, row in enumerate(rows):
        values = {name: row[index].strip() if index < len(row) else "" for index, name in mapping.items()
                  if name in IMPORT_FIELDS}
        check = _check_row(getattr(row, "line", number + 2), values, known, user)
        _flag_duplicate(check, known, seen_in_file)
        checks.append(check)
    return checks


def _check_row(line: int, values: dict[str, str], known: _Known, user) -> RowCheck:
    formdata, errors = MultiDict(), {}
    for name in IMPORT_FIELDS:
        if name != "owner" or user.sees_all_clients:
            form_field, formdata[form_field], errors[name] = _form_value(name, values.get(name, ""), known, user)
    form = _row_form(formdata, known, user)
    form.validate()
    errors = {name: error for name, error in errors.items() if error}  # ours first: they say more
    for form_field, messages in form.errors.items():
        errors.setdefault(_FILE_FIELD_OF.get(form_field, form_field), messages[0])
    shown = [f"{LABELS[name]}: {errors[name]}" for name in IMPORT_FIELDS if name in errors]
    return RowCheck(line=line, values=values, errors=shown, form=form)


def _form_value(name: str, raw: str, known: _Known, user) -> tuple[str, str, str | None]:
    """(form field, value for the client form, error or None) for one cell: labels become codes, names ids."""
    if name in ENUMS:
        code = known.enums[name].get(_key(raw), "") if raw else ""
        if raw and not code:
            return name, "", _("“%(value)s” is not one of: %(choices)s", value=raw,
                               choices=" / ".join(member.label for member in ENUMS[name]))
        return name, code or (DEFAULT_STATUS if name == "status" else ""), None
    if name == "unit_level":
        level_id = known.unit_levels.get(_key(raw)) if raw else None
        if raw and level_id is None:
            return "unit_level_id", "", _("“%(value)s” is not in the list of unit levels (%(choices)s)", value=raw,
                                          choices=" / ".join(text for _id, text in known.unit_level_choices[1:]))
        return "unit_level_id", str(level_id or ""), None
    if name == "owner":
        owner = known.users.get(_key(raw)) if raw else user
        if owner is None:
            return "owner_id", str(user.id), _("there is no user “%(value)s”", value=raw)
        error = None if owner.id in known.owner_ids else _("%(name)s cannot own clients", name=owner.display_name)
        return "owner_id", str(owner.id), error
    if name in NUMBERS:
        return name, unicodedata.normalize("NFKC", raw).replace(",", ""), None  # "1,200" and full-width digits
    if name == "website" and raw and "://" not in raw:
        return name, "http://" + raw, None  # what people type; the form wants a full URL
    return name, raw, None


def _row_form(formdata: MultiDict, known: _Known, user) -> ClientForm:
    form = ClientForm(formdata=formdata, meta={"csrf": False})
    form.unit_level_id.choices = known.unit_level_choices
    if user.sees_all_clients:
        form.owner_id.choices = known.owner_choices
    else:
        del form.owner_id
    return form


def _flag_duplicate(check: RowCheck, known: _Known, seen_in_file: dict[str, int]) -> None:
    key = normalise_name(check.values.get("name", ""))
    if not key:
        return
    if key in known.clients:
        client_id, name, visible = known.clients[key]
        check.duplicate_of, check.duplicate_id = name, client_id if visible else None
    elif key in seen_in_file:
        check.duplicate_of = _("line %(line)s of this file", line=seen_in_file[key])
    else:
        seen_in_file[key] = check.line


def import_rows(checks: list[RowCheck], user, skip_duplicates: bool) -> int:
    """Create a client per checked row (through save_client, so its rules apply); flushes, the route commits
    once, so a file imports whole or not at all. Only for rows without errors."""
    if any(check.errors for check in checks):
        raise ValueError("import_rows was given rows with errors")
    created = 0
    for check in checks:
        if skip_duplicates and check.duplicate_of:
            continue
        save_client(Client(), check.form, user)
        created += 1
    return created


# --- Writing ----------------------------------------------------------------------------------------------


def _value(client: Client, name: str):
    if name == "unit_level":
        return client.unit_level.name if client.unit_level else ""
    if name == "owner":
        return client.owner.username if client.owner else ""
    value = getattr(client, name)
    if name in ENUMS:
        return value.label if value else ""
    return "" if value is None else value


def export_xlsx(clients) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Clients"))
    bold = Font(bold=True)
    sheet.append([_styled(sheet, str(label), font=bold) for _name, label in COLUMNS])
    for client in clients:
        sheet.append([_xlsx_cell(sheet, _value(client, name)) for name, _label in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _styled(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for key, setting in style.items():
        setattr(cell, key, setting)
    return cell


def _xlsx_cell(sheet, value):
    if isinstance(value, Decimal):
        return _styled(sheet, value, number_format="0.00")
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            cell = _styled(sheet, value)
            cell.data_type = "s"  # text, never a formula
            return cell
    return value


def export_csv(clients) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(label) for _name, label in COLUMNS])
    for client in clients:
        writer.writerow([_csv_cell(_value(client, name)) for name, _label in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8


def _csv_cell(value) -> str:
    text = str(value)
    # A leading ' keeps Excel from running the cell as a formula (CSV injection); read_table takes it off.
    return "'" + text if text.startswith(_FORMULA_START) else text


# --- Uploaded files between the steps ---------------------------------------------------------------------


def store_upload(directory: Path, user_id: int, filename: str, data: bytes) -> str:
    """Keep an uploaded file for the mapping and preview steps; the token is usable only by its uploader."""
    directory.mkdir(parents=True, exist_ok=True)
    _discard_stale(directory)
    token = uuid.uuid4().hex
    extension = Path(filename).suffix.lower()
    (directory / f"{token}{extension}").write_bytes(data)
    (directory / f"{token}.json").write_text(json.dumps({"user_id": user_id, "filename": filename,
                                                         "extension": extension}))
    return token


def load_upload(directory: Path, token: str, user_id: int) -> tuple[str, bytes] | None:
    """(filename, bytes) of the user's upload, or None for an unknown, expired or someone else's token."""
    meta_path = directory / f"{token}.json"
    if not _TOKEN.fullmatch(token) or not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    data_path = directory / f"{token}{meta['extension']}"
    if meta["user_id"] != user_id or not data_path.exists():
        return None
    return meta["filename"], data_path.read_bytes()


def discard_upload(directory: Path, token: str) -> None:
    if _TOKEN.fullmatch(token):
        for path in directory.glob(f"{token}.*"):
            path.unlink(missing_ok=True)


def _discard_stale(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_LIFETIME
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
