"""Importing clients from a spreadsheet, the file side: which row is the header, which field each column holds,
which sheet holds contacts, and keeping the uploaded file between the steps. What a cell means is in
import_cells.py; checking and creating the rows in import_rows.py."""
import json
import re
import time
import unicodedata
import uuid
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.archive.enums import DecisionRole
from app.archive.spreadsheet import COLUMN_OF, ENUMS, HEADER_ROWS, IMPORT_FIELDS, LABELS, Row, read_sheets
from app.core.models import get_setting, put_setting

# A contact per row of the clients' sheet, or a row per contact on a sheet of its own.
CONTACT_FIELDS = ("contact_name", "contact_title", "contact_mobile", "contact_decision_role", "contact_birthday",
                  "contact_lunar")
FIELD_LABELS = {**LABELS, "contact_name": _l("Contact"), "contact_title": _l("Contact's title"),
                "contact_mobile": _l("Contact's mobile"), "contact_decision_role": _l("Contact's decision role"),
                "contact_birthday": _l("Contact's birthday"), "contact_lunar": _l("Contact's birthday is lunar")}
CLIENT_SHEET_FIELDS = IMPORT_FIELDS + CONTACT_FIELDS
CONTACT_SHEET_FIELDS = ("name", *CONTACT_FIELDS)  # the client's name and the contact
VALUE_ENUMS = {**ENUMS, "contact_decision_role": DecisionRole}

# Headers people write by hand for the same thing (the labels and field names match anyway).
ALIASES = {"客户名称": "name", "单位名称": "name", "医院名称": "name", "客户": "name", "简称": "short_name",
           "电话": "phone", "联系电话": "phone", "省份": "region", "地区": "region", "城市": "city",
           "地址": "address", "邮编": "postcode", "网址": "website", "法人": "legal_representative",
           "床位": "beds", "员工人数": "employees", "人数": "employees", "医院级别": "unit_level",
           "医院等级": "unit_level", "客户经理": "owner", "负责人": "owner", "状态": "status",
           "生命周期状态": "status", "客户来源": "lead_source", "来源": "lead_source",
           "联系人": "contact_name", "联系人姓名": "contact_name", "姓名": "contact_name",
           "职务": "contact_title", "职位": "contact_title", "手机": "contact_mobile", "手机号": "contact_mobile",
           "手机号码": "contact_mobile", "联系人手机": "contact_mobile", "决策角色": "contact_decision_role",
           "角色": "contact_decision_role", "生日": "contact_birthday", "出生日期": "contact_birthday",
           "农历": "contact_lunar", "是否农历": "contact_lunar"}
# Values people type for the same choice (codes and labels match anyway); a unit level names the admin's list.
SYNONYMS = {"lead_source": {"客户推荐": "referral", "老客户推荐": "referral", "客户介绍": "referral"},
            "status": {"老客户": "customer", "已成交": "customer", "合作中": "customer", "意向客户": "prospect"},
            "unit_level": {"三级甲等": "三甲", "三级乙等": "三乙", "二级甲等": "二甲", "二级乙等": "二乙",
                           "一级医院": "一级", "未评级": "未定级"},
            "contact_decision_role": {"决策人": "decider", "拍板人": "decider", "采购": "buyer", "使用人": "user"}}

SKIP, CREATE, UPDATE = "skip", "create", "update"  # the modes: what a row naming a kept client does

MAPPING_SETTING = "client_import_mapping"

UPLOAD_LIFETIME = 24 * 3600  # seconds an abandoned upload is kept
_TOKEN = re.compile(r"[0-9a-f]{32}")


def key(text) -> str:
    """Header and value text compared loosely: full/half width folded, case and spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)).casefold())


# --- Mapping ----------------------------------------------------------------------------------------------


def _header_lookup(fields) -> dict[str, str]:
    lookup = {key(alias): name for alias, name in ALIASES.items() if name in fields}
    for name in fields:
        lookup[key(name)] = name
        lookup.setdefault(key(COLUMN_OF.get(name, name)), name)
    for locale in ("en", "zh_CN"):
        with force_locale(locale):
            lookup.update({key(FIELD_LABELS[name]): name for name in fields})
    return lookup


def suggest_mapping(headers: list[str], remembered: dict, fields=CLIENT_SHEET_FIELDS) -> dict[int, str]:
    """Column index → field: what the user chose for this header text before, else the field whose label or
    name the header is. A header the user chose to ignore stays ignored; no field is given two columns."""
    return _matched(headers, {key(text): name for text, name in remembered.items()}, _header_lookup(fields), fields)


def _matched(headers, remembered: dict, lookup: dict, fields) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        header_key = key(header)
        name = remembered[header_key] if header_key in remembered else lookup.get(header_key, "")
        if name in fields and name not in mapping.values():
            mapping[index] = name
    return mapping


def guess_header(rows: list[Row], remembered: dict, fields=CLIENT_SHEET_FIELDS) -> tuple[int, dict[int, str]]:
    """(line, mapping) of the likely header: of the rows it may be (header_candidates), the first whose cells
    name the most fields. A merged title row above it names none."""
    remembered = {key(text): name for text, name in remembered.items()}
    lookup = _header_lookup(fields)
    best_line, best = rows[0].line, {}
    for row in header_candidates(rows):
        mapping = _matched(row, remembered, lookup, fields)
        if len(mapping) > len(best):
            best_line, best = row.line, mapping
    return best_line, best


def header_candidates(rows: list[Row]) -> list[Row]:
    """The rows the header may be: among the first few, and with at least one row below it."""
    return rows[:min(HEADER_ROWS, len(rows) - 1)]


def remembered_mapping() -> dict:
    return get_setting(MAPPING_SETTING, {})


def remember_mapping(*tables: tuple[list[str], dict[int, str]]) -> None:
    """Keep header text → field (or "" for ignored) for the next upload; other layouts stay remembered."""
    chosen = {header: mapping.get(index, "") for headers, mapping in tables
              for index, header in enumerate(headers) if header}
    put_setting(MAPPING_SETTING, {**remembered_mapping(), **chosen})


# --- The sheets of an upload ------------------------------------------------------------------------------


@dataclass
class Table:
    """One sheet of the upload: its non-empty rows, and which of them is the header."""

    title: str
    rows: list[Row]
    header_line: int

    @cached_property
    def header(self) -> list[str]:
        return next(row for row in self.rows if row.line == self.header_line)

    @cached_property
    def body(self) -> list[Row]:
        return [row for row in self.rows if row.line > self.header_line]

    @property
    def candidates(self) -> list[Row]:
        return header_candidates(self.rows)


def read_upload(filename: str, data: bytes, remembered: dict, header_line: int | None = None
                ) -> tuple[Table, Table | None]:
    """The clients' sheet (the first), with the header at ``header_line`` when that is a row it may be, else
    where it seems to be; and the contacts' sheet, if a later sheet's header names a client and a contact."""
    contacts_header: list[int] = []

    def holds_contacts(rows: list[Row]) -> bool:
        line, mapping = guess_header(rows, remembered, CONTACT_SHEET_FIELDS)
        if {"name", "contact_name"} <= set(mapping.values()):
            contacts_header.append(line)
        return bool(contacts_header)

    sheets = read_sheets(filename, data, wanted=holds_contacts)
    first = sheets[0].rows
    if header_line not in {row.line for row in header_candidates(first)}:
        header_line = guess_header(first, remembered)[0]
    contacts = Table(sheets[1].title, sheets[1].rows, contacts_header[0]) if len(sheets) > 1 else None
    return Table(sheets[0].title, first, header_line), contacts


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
