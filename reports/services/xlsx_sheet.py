"""A one-sheet XLSX of many rows, fast and in flat memory: our rows inside XlsxWriter's workbook.

Why not XlsxWriter alone: in constant-memory mode it costs about 5 µs a cell (its per-cell
checks, a cell object, the cell reference, attribute and inline-string escaping, each through a
few method calls): 0.13 ms a row of 25 cells, 13 s for a month of 100,000 cases, over the 10 s
the month's export must take. The other libraries weighed (issue 14; bench/README.md):

- pyexcelerate is fast but builds the whole workbook in memory (its rows are lists it keeps):
  a 100,000-row month would cost hundreds of megabytes in the worker;
- openpyxl's write-only mode streams but is slower than XlsxWriter;
- rustpy-xlsxwriter (Rust bindings, 7–9× faster) is a one-person project in its 0.x versions
  with no constant-memory mode: the product's exports would hang on one person's time;
- polars' write_excel calls XlsxWriter.

So the rows are written here, one `str.join` a row (about 1 µs a cell), and everything else —
styles, the workbook, content types, document properties, the sheet's column widths, frozen
panes, autofilter and its defined name, and the header row — is XlsxWriter's, from the same
public calls as before. The package is assembled in three steps:

1. a *probe* workbook with the same calls tells which style index XlsxWriter gives each cell
   format (the formats are the date and money columns' own, `set_column(..., fmt)`, so they
   are in the workbook without any data cell);
2. the rows are written as `<row>` XML into a temporary file, counted as they go;
3. the real workbook is built with the autofilter over the rows counted (its styles must equal
   the probe's, checked), and copied into the final zip with the rows spliced into its sheet
   before `</sheetData>` and its `<dimension>` widened to the last row.

The cells are written as XlsxWriter writes them in constant-memory mode (so the file reads the
same as before): texts as inline strings, never formulas or numbers, control characters as
Excel's `_xHHHH_` escapes (and a literal `_xHHHH_` with its underscore escaped), `xml:space`
kept for leading or trailing blanks, cut at Excel's 32,767 UTF-16 units; numbers as
`{:.16G}`; times as Excel serial numbers in the date format. One difference, on purpose:
XlsxWriter writes a text that starts with `<r>` and ends with `</r>` unescaped (its rich-string
shortcut), so a customer who types such a text could inject XML, a formula cell included; here
every text is escaped.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

TEXT, WHEN, MONEY, NUMBER = "text", "when", "money", "number"
KINDS = (TEXT, WHEN, MONEY, NUMBER)
WHEN_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
# Excel's longest cell text, in UTF-16 code units (an emoji counts two).
TEXT_LIMIT = 32767
_EPOCH_ORDINAL = 693594  # date(1899, 12, 30).toordinal(): Excel's day 0
_SHEET_PART = "xl/worksheets/sheet1.xml"
_CHUNK = 1 << 20
# Escaped texts kept per column: at most this many, each shorter than this (a few MB at most).
_SEEN_PER_COLUMN, _SEEN_LENGTH = 2000, 200

# Anything a text needs escaped for XML or Excel: markup characters, control characters other
# than tab and newline (invalid in XML 1.0, or turned into newlines by XML parsers: \r), the two
# non-characters, and literal `_xHHHH_` sequences (Excel would read them as escapes).
_NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_EXCEL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


@dataclass(frozen=True)
class SheetColumn:
    header: str
    kind: str  # one of KINDS
    width: float


def excel_serial(value: datetime) -> float:
    """A local time as Excel's serial number (days since 1899-12-30), as XlsxWriter's
    write_datetime writes it for any date after February 1900 (the time zone is dropped: the
    value is already in the reader's local time).

    The same sums as XlsxWriter's `(naive - epoch).days + (seconds + µs / 1e6) / 86400`, so the
    same float to the bit, from the fields directly: `replace(tzinfo=None)` on an aware time
    costs more than the rest together."""
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return value.toordinal() - _EPOCH_ORDINAL + (seconds + value.microsecond / 1e6) / 86400


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _cut(text: str) -> str:
    """`text` cut to Excel's limit without splitting a character above U+FFFF."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > TEXT_LIMIT:
            return text[:index]
    return text


def _escaped(text: str) -> str:
    text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_tail(value: str) -> str:
    """What follows an inline-string cell's reference: a text, never a formula or a number,
    whatever it starts with."""
    if len(value) > TEXT_LIMIT // 2 and _utf16_units(value) > TEXT_LIMIT:
        value = _cut(value)
    if _NEEDS_ESCAPING.search(value):
        value = _escaped(value)
    if value[:1].isspace() or value[-1:].isspace():
        return f' t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    return f' t="inlineStr"><is><t>{value}</t></is></c>'


class RowWriter:
    """Turns rows of values (in column order) into the worksheet's `<row>` elements.

    A None or "" value leaves its cell out (an empty cell). Texts in TEXT columns, numbers in
    NUMBER columns, local datetimes in WHEN columns, Decimals or numbers in MONEY columns.
    """

    def __init__(self, kinds: Sequence[str], styles: dict[str, int]) -> None:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown column kinds: {sorted(unknown)}")
        canonical = {kind: kind for kind in KINDS}  # the loop below compares by identity
        # Per column: its letter, its kind, and the escaped texts seen in it (labels, names and
        # regions repeat from row to row: most texts are escaped once, then looked up).
        self._columns: list[tuple[str, str, dict[str, str]]] = [
            (xl_col_to_name(index), canonical[kind], {}) for index, kind in enumerate(kinds)
        ]
        missing = {WHEN, MONEY} & set(kinds) - set(styles)
        if missing:
            raise ValueError(f"no style for the column kinds {sorted(missing)}")
        self._when = styles.get(WHEN)
        self._money = styles.get(MONEY)

    def row(self, number: int, values: Sequence[Any]) -> str:
        """Row `number` (1-based, as Excel numbers rows) as XML."""
        cells = [f'<row r="{number}">']
        append = cells.append
        when, money = self._when, self._money
        for (letter, kind, seen), value in zip(self._columns, values, strict=True):
            if value is None or value == "":
                continue
            if kind is TEXT:
                tail = seen.get(value)
                if tail is None:
                    tail = text_tail(value if type(value) is str else str(value))
                    if len(seen) < _SEEN_PER_COLUMN and len(tail) < _SEEN_LENGTH:
                        seen[value] = tail
                append(f'<c r="{letter}{number}"{tail}')
            elif kind is WHEN:
                append(f'<c r="{letter}{number}" s="{when}"><v>{excel_serial(value):.16G}</v></c>')
            elif kind is MONEY:
                append(f'<c r="{letter}{number}" s="{money}"><v>{float(value):.16G}</v></c>')
            else:
                append(f'<c r="{letter}{number}"><v>{value:.16G}</v></c>')
        append("</row>")
        return "".join(cells)


def _workbook(
    path: Path, *, sheet_name: str, columns: Sequence[SheetColumn], rows: int
) -> dict[str, int]:
    """XlsxWriter's workbook of the sheet without its data rows (header, widths, panes, the
    autofilter over `rows` rows); returns the style index of each cell format."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "tmpdir": str(path.parent),
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        sheet = workbook.add_worksheet(sheet_name)
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        kinds = {column.kind for column in columns}
        formats = {
            kind: workbook.add_format({"num_format": number_format})
            for kind, number_format in ((WHEN, WHEN_FORMAT), (MONEY, MONEY_FORMAT))
            if kind in kinds
        }
        for index, column in enumerate(columns):
            # The date and money columns carry their format: it puts the two formats in the
            # workbook's styles (and a date typed into an empty cell there reads as a date).
            sheet.set_column(index, index, column.width, formats.get(column.kind))
        sheet.write_row(0, 0, [column.header for column in columns], bold)
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    finally:
        workbook.close()
    styles = {kind: fmt.xf_index for kind, fmt in formats.items()}
    if not all(isinstance(index, int) for index in styles.values()):
        raise RuntimeError(f"XlsxWriter left a cell format without a style: {styles}")
    return styles


def write_sheet_xlsx(
    path: Path,
    *,
    sheet_name: str,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence[Any]],
    workdir: Path,
) -> int:
    """Write a workbook of one sheet, a bold header row and then `rows`, to `path`; returns how
    many rows. `workdir`: a directory for the temporary files (the rows' XML, XlsxWriter's)."""
    probe = workdir / "probe.xlsx"
    styles = _workbook(probe, sheet_name=sheet_name, columns=columns, rows=1)
    writer = RowWriter([column.kind for column in columns], styles)
    count = 0
    rows_xml = workdir / "rows.xml"
    with rows_xml.open("w", encoding="utf-8", newline="") as out:
        write, row_xml = out.write, writer.row
        for count, values in enumerate(rows, start=1):
            write(row_xml(count + 1, values))
    template = workdir / "template.xlsx"
    if _workbook(template, sheet_name=sheet_name, columns=columns, rows=count) != styles:
        raise RuntimeError("XlsxWriter numbered the cell formats differently from its probe")
    with zipfile.ZipFile(probe) as first, zipfile.ZipFile(template) as second:
        if first.read("xl/styles.xml") != second.read("xl/styles.xml"):
            raise RuntimeError("XlsxWriter's styles differ from its probe's")
    probe.unlink()
    last_cell = f"{xl_col_to_name(len(columns) - 1)}{count + 1}"
    _assemble(template, rows_xml, path, last_cell=last_cell)
    rows_xml.unlink()  # about 1 KB a row of 25 cells: 110 MB of disk for 100,000 rows, until now
    template.unlink()
    return count


def _assemble(template: Path, rows_xml: Path, path: Path, *, last_cell: str) -> None:
    """Copy `template` to `path` with the rows spliced into its sheet."""
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for item in source.infolist():
            if item.filename != _SHEET_PART:
                target.writestr(item, source.read(item), compress_type=zipfile.ZIP_DEFLATED)
                continue
            sheet = source.read(item).decode("utf-8")
            head, end, tail = sheet.partition("</sheetData>")
            if not end or "</sheetData>" in tail:
                raise RuntimeError("XlsxWriter's sheet has no single </sheetData>")
            head, found = re.subn(
                r'<dimension ref="A1(?::[A-Z]+1)?"/>',
                f'<dimension ref="A1:{last_cell}"/>',
                head,
                count=1,
            )
            if not found:
                raise RuntimeError("XlsxWriter's sheet has no <dimension> for its header row")
            with target.open(_SHEET_PART, "w", force_zip64=True) as part:
                part.write(head.encode("utf-8"))
                with rows_xml.open("rb") as rows:
                    shutil.copyfileobj(rows, part, _CHUNK)
                part.write((end + tail).encode("utf-8"))
