"""The report's tables as files: a CSV (tables one after another) and an XLSX (a sheet per table).

Small (a few hundred rows at most), so built in memory at once; the one-row-per-complaint export
(reports.services.exports) is the large one. Texts typed by people (root causes, names) are never
formulas.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import xlsxwriter

from reports.services.report_document import document_tables

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XLSX_FORMATS = {
    "int": "#,##0",
    "dec1": "0.0",
    "pct": "0.0",
    "money": "#,##0.00",
    "change": "+0.0#;-0.0#;0",
}


def _cell(value: Any, fmt: str) -> tuple[Any, str]:
    """(value, format) of a cell, unwrapping a comparison cell that carries its own format."""
    if isinstance(value, dict):
        return value.get("value"), value.get("format", "text")
    return value, fmt


def _text(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def report_csv(document: dict) -> str:
    """UTF-8 text with a byte-order mark (Excel reads the Chinese): per table its title, its
    heading row and its rows, and a blank line."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([document["title"]])
    writer.writerow(
        [document["scope"], *(f"{name}: {value}" for name, value in document["filters"])]
    )
    writer.writerow([])
    for table in document_tables(document):
        writer.writerow([table["title"]])
        writer.writerow(table["columns"])
        for row in table["rows"]:
            cells = []
            for value, fmt in (_cell(v, f) for v, f in zip(row, table["formats"], strict=True)):
                if value is None:
                    cells.append("")
                elif fmt == "text" or isinstance(value, str):
                    cells.append(_text(value))
                else:
                    cells.append(str(value))
            writer.writerow(cells)
        writer.writerow([])
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    candidate, number = name, 2
    while candidate.lower() in used:
        candidate = f"{name[:26]} {number}"
        number += 1
    used.add(candidate.lower())
    return candidate


def _write_text(sheet: Any, row: int, column: int, text: str, plain: Any) -> None:
    """A text cell. XlsxWriter writes a string shaped "<r>…</r>" into the file unescaped (its
    rich-string shortcut), so a typed text of that shape could add cells, formulas included:
    such a text goes in as two plain runs, which XlsxWriter escapes."""
    if text.startswith("<r>") and text.endswith("</r>"):
        sheet.write_rich_string(row, column, plain, text[:1], plain, text[1:])
    else:
        sheet.write_string(row, column, text)


def report_xlsx(document: dict) -> bytes:
    """The workbook: one sheet per table, its title in the first row, headings in the second."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    title_format = workbook.add_format({"bold": True, "font_size": 13})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    number_formats = {
        key: workbook.add_format({"num_format": pattern}) for key, pattern in _XLSX_FORMATS.items()
    }
    plain = workbook.add_format()
    used: set[str] = set()
    for table in document_tables(document):
        sheet = workbook.add_worksheet(_sheet_name(table["title"], used))
        sheet.write_string(0, 0, f"{document['title']} · {table['title']}", title_format)
        sheet.write_row(1, 0, table["columns"], bold)
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, max(1, len(table["columns"]) - 1), 14)
        for index, row in enumerate(table["rows"], start=2):
            for column, (value, fmt) in enumerate(
                _cell(v, f) for v, f in zip(row, table["formats"], strict=True)
            ):
                if value is None:
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(index, column, value, number_formats.get(fmt))
                else:
                    _write_text(sheet, index, column, str(value), plain)
        if table["note"]:
            sheet.write_string(len(table["rows"]) + 3, 0, table["note"])
    workbook.close()
    return buffer.getvalue()
