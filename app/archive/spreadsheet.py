"""Client lists as .xlsx and CSV: the columns, reading a file into rows, writing clients back out.
Importing (mapping, checking, creating) is in importing.py, import_cells.py and import_rows.py."""
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from datetime import time as clock_time
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from flask_babel import gettext as _

from app.archive.models import Client
from app.core.xlsx import stream_xlsx

_FIELDS = ("name", "short_name", "category", "unit_level", "region", "city", "address", "postcode", "phone",
           "website", "legal_representative", "employees", "beds", "annual_revenue", "established_year",
           "business_situation", "after_sales_situation", "it_situation", "needs", "competitors", "notes",
           "lead_source", "status", "owner", "relationship_class", "income_tier", "expansion", "demand",
           "development_type", "strategy_layer", "value_grade")
COLUMN_OF = {"unit_level": "unit_level_id", "owner": "owner_id"}  # file field → Client column

COLUMNS = [(name, Client.field_labels[COLUMN_OF.get(name, name)]) for name in _FIELDS]
LABELS = dict(COLUMNS)
# Grades come from assessments, so an imported value grade would bypass them: exported, never imported.
IMPORT_FIELDS = tuple(name for name in _FIELDS if name != "value_grade")
ENUMS = {name: Client.__table__.c[name].type.enum_class for name in _FIELDS
         if name in Client.__table__.c and getattr(Client.__table__.c[name].type, "enum_class", None)}
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
HEADER_ROWS = 10  # the header is looked for among a sheet's first rows (a title and blank rows may come first)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a <f> element in a worksheet's XML


class SpreadsheetError(ValueError):
    """A file that cannot be read; str(error) is the message for the user."""


class Row(list):
    """The cells of one row, its line number as the user sees it in the file (the first row is line 1), and the
    columns holding a formula that has no calculated value."""

    def __init__(self, line: int, cells):
        super().__init__(cells)
        self.line = line
        self.formulas: set[int] = set()


class Sheet(NamedTuple):
    title: str
    rows: list[Row]  # the non-empty rows, all as wide as the widest


# --- Reading ----------------------------------------------------------------------------------------------


def read_sheets(filename: str, data: bytes, wanted: Callable[[list[Row]], bool] = lambda rows: False) -> list[Sheet]:
    """The first sheet, then the first later sheet that ``wanted`` accepts after seeing its first HEADER_ROWS
    non-empty rows (a CSV file is one sheet). Every cell is a string."""
    extension = Path(filename or "").suffix.lower()
    if extension not in (".xlsx", ".csv"):
        raise SpreadsheetError(_("Choose an Excel (.xlsx) or CSV file; save an old .xls as .xlsx first."))
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(_("The file is larger than %(size)s MB.", size=MAX_BYTES // 1024 // 1024))
    if extension == ".xlsx":
        sheets = _xlsx_sheets(data, wanted)
    else:
        sheets = [Sheet("", _padded(list(_non_empty(_csv_lines(data)))))]
    if len(sheets[0].rows) < 2:
        raise SpreadsheetError(_("The file has no rows under its header row."))
    return sheets


def _non_empty(lines) -> Iterator[Row]:
    count = 0
    for line, cells in enumerate(lines, start=1):
        if any(cells):
            count += 1
            if count > MAX_ROWS + HEADER_ROWS:  # stop reading: a small file can unpack to millions of rows
                raise SpreadsheetError(_("The file has more than %(count)s rows; split it into smaller files.",
                                         count=MAX_ROWS))
            yield Row(line, cells)


def _padded(rows: list[Row]) -> list[Row]:
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    return rows


def _xlsx_sheets(data: bytes, wanted) -> list[Sheet]:
    from openpyxl import load_workbook  # only an import reads .xlsx: no other process carries openpyxl (~7 MB)

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets, paths = [], []
            for index, sheet in enumerate(workbook.worksheets):
                rows = _non_empty(_sheet_lines(sheet))
                first = list(islice(rows, HEADER_ROWS))
                if index == 0 or wanted(_padded(first)):
                    sheets.append(Sheet(sheet.title, _padded(first + list(rows))))
                    paths.append(sheet._worksheet_path)  # the sheet's XML inside the file (no public name for it)
                    if index:
                        break
        finally:
            workbook.close()
        if _has_formulas(data, paths):
            _mark_formulas_without_value(data, sheets)
    except SpreadsheetError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise SpreadsheetError(_("The file could not be read as an Excel workbook (.xlsx).")) from error
    return sheets


def _sheet_lines(sheet):
    sheet.reset_dimensions()  # some writers store a wrong size; read what is really there
    for values in sheet.iter_rows(values_only=True):
        yield _trimmed([_cell_text(value) for value in values])


def _has_formulas(data: bytes, paths: list[str]) -> bool:
    """Whether the sheets read hold a formula: a byte search of their XML, much cheaper than a second parse.
    Read a chunk at a time, so a sheet that unpacks to gigabytes is never held in memory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for path in paths:
            with archive.open(path) as xml:
                tail = b""
                while chunk := xml.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-16:]  # a tag cut in two by the chunk boundary
    return False


def _mark_formulas_without_value(data: bytes, sheets: list[Sheet]) -> None:
    """Note the cells that hold a formula but no calculated value (a file written by a program and never opened
    in Excel): read with data_only they look empty, so the import can say why instead of taking them as blank."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for kept in sheets:
            sheet = workbook[kept.title]
            sheet.reset_dimensions()
            by_line = {row.line: row for row in kept.rows}
            for line, cells in enumerate(sheet.iter_rows(), start=1):
                row = by_line.get(line)
                for column, cell in enumerate(cells):
                    if row is not None and getattr(cell, "data_type", None) == "f" and not row[column]:
                        row.formulas.add(column)
    finally:
        workbook.close()


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


# --- Writing ----------------------------------------------------------------------------------------------


def _rows(clients):
    """Each client's cells in COLUMNS order; an enum shows its label, translated once per export, not per cell."""
    labels = {}
    for client in clients:
        row = []
        for name, _label in COLUMNS:
            if name == "unit_level":
                row.append(client.unit_level.name if client.unit_level else "")
            elif name == "owner":
                row.append(client.owner.username if client.owner else "")
            elif name in ENUMS:
                value = getattr(client, name)
                if value and value not in labels:
                    labels[value] = str(value.label)
                row.append(labels[value] if value else "")
            else:
                value = getattr(client, name)
                row.append("" if value is None else value)
        yield row


def export_xlsx(clients):
    """The clients as .xlsx, yielded in pieces as they are read (a streamed download, memory flat)."""
    return stream_xlsx(_("Clients"), [str(label) for _name, label in COLUMNS], _rows(clients))


def export_csv(clients, chunk_rows: int = 500):
    """The clients as UTF-8 CSV, yielded in chunks of encoded rows as they are read (a streamed download)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(label) for _name, label in COLUMNS])
    for number, row in enumerate(_rows(clients), start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if number % chunk_rows == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _csv_cell(value) -> str:
    text = str(value)
    # A leading ' keeps Excel from running the cell as a formula (CSV injection); read_table takes it off.
    return "'" + text if text.startswith(_FORMULA_START) else text
