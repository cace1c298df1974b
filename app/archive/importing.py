"""Importing clients from a spreadsheet: map the columns, check every row the way the client form does,
create the clients in one transaction, and keep the uploaded file between the steps."""
import json
import re
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.archive.access import chooses_owner
from app.archive.forms import ClientForm
from app.archive.models import Client, UnitLevel
from app.archive.queries import owner_choices
from app.archive.rules import normalise_name
from app.archive.services import save_client
from app.archive.spreadsheet import COLUMN_OF, ENUMS, IMPORT_FIELDS, LABELS
from app.core.forms import form_data
from app.core.models import User, get_setting, put_setting
from app.extensions import db

_FILE_FIELD_OF = {column: name for name, column in COLUMN_OF.items()}

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

UPLOAD_LIFETIME = 24 * 3600  # seconds an abandoned upload is kept
_TOKEN = re.compile(r"[0-9a-f]{32}")

@dataclass
class RowCheck:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    duplicate_id: int | None = None  # set only when the user may open the existing client
    data: dict = field(default_factory=dict, repr=False, compare=False)  # what save_client takes


def _key(text) -> str:
    """Header and label text compared loosely: full/half width folded, case and spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)).casefold())




# --- Mapping ----------------------------------------------------------------------------------------------


def _header_lookup() -> dict[str, str]:
    lookup = {_key(alias): name for alias, name in ALIASES.items()}
    for name in IMPORT_FIELDS:
        lookup[_key(name)] = name
        lookup.setdefault(_key(COLUMN_OF.get(name, name)), name)
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
    if not chooses_owner(user):
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
        if name != "owner" or chooses_owner(user):
            form_field, formdata[form_field], errors[name] = _form_value(name, values.get(name, ""), known, user)
    form = _row_form(formdata, known, user)
    form.validate()
    errors = {name: error for name, error in errors.items() if error}  # ours first: they say more
    for form_field, messages in form.errors.items():
        errors.setdefault(_FILE_FIELD_OF.get(form_field, form_field), messages[0])
    shown = [f"{LABELS[name]}: {errors[name]}" for name in IMPORT_FIELDS if name in errors]
    return RowCheck(line=line, values=values, errors=shown, data=form_data(form))


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
    if chooses_owner(user):
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
        save_client(Client(), check.data, user)
        created += 1
    return created


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
