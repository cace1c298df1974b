"""A one-sheet .xlsx written as a stream: the download starts with the first rows and memory stays flat however
many follow. An .xlsx is a zip of XML parts; the standard library's zipfile writes one to a stream that cannot
seek (each part followed by its sizes), so only the rows not yet sent are ever held. openpyxl reads what this
writes (the tests check), Excel and WPS open it; cells are text, numbers or dates — never formulas."""
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's date serial numbers (the 1900 leap-year bug included)
BOLD, MONEY, DAY = 1, 2, 3  # cell styles in _STYLES
ROWS_PER_CHUNK = 500


def column_letter(number: int) -> str:
    """1 → A, 26 → Z, 27 → AA: a column's name in a cell reference (openpyxl's get_column_letter, without loading
    openpyxl into every web process for it)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (  # 0 plain, 1 bold (the header), 2 money 0.00, 3 a date as YYYY-MM-DD
        f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
        '<font><b/><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


class _Sink(io.RawIOBase):
    """Where the zip writes; what it holds is taken out and sent after every few hundred rows."""

    def __init__(self):
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def stream_xlsx(sheet_name: str, header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """The workbook's bytes, in pieces: a bold, frozen header row, then one row per item of ``rows``."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as workbook:
        for name, xml in _PARTS.items():
            workbook.writestr(name, _xml(xml))
        workbook.writestr("xl/workbook.xml", _xml(
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name={quoteattr(_sheet_title(sheet_name))} sheetId="1" r:id="rId1"/></sheets></workbook>'))
        with workbook.open("xl/worksheets/sheet1.xml", "w") as sheet:
            widths = "".join(f'<col min="{n}" max="{n}" width="{min(max(10, 2 * len(text) + 4), 40)}" customWidth="1"/>'
                             for n, text in enumerate(header, start=1))
            sheet.write(_xml(
                f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                f'<cols>{widths}</cols><sheetData>'))
            sheet.write(_row(1, header, BOLD).encode())
            yield sink.take()  # the first bytes go before the first row is read
            for number, row in enumerate(rows, start=2):
                sheet.write(_row(number, row).encode())
                if number % ROWS_PER_CHUNK == 0:
                    yield sink.take()
            sheet.write(b"</sheetData></worksheet>")
    yield sink.take()


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode()


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "Sheet1"


def _row(number: int, values: list, style: int = 0) -> str:
    cells = "".join(_cell(f"{column_letter(column)}{number}", value, style)
                    for column, value in enumerate(values, start=1) if value is not None and value != "")
    return f'<row r="{number}">{cells}</row>'


def _cell(ref: str, value, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{styled}><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}" s="{MONEY}"><v>{value}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{styled}><v>{value!r}</v></c>'
    if isinstance(value, date):
        moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
        serial = (moment - _EPOCH) / timedelta(days=1)
        return f'<c r="{ref}" s="{DAY}"><v>{serial:.10g}</v></c>'
    text = escape(_ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t xml:space="preserve">{text}</t></is></c>'
