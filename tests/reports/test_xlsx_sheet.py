"""The streamed sheet writer (reports.services.xlsx_sheet): the file it writes reads back, with
openpyxl, exactly as the same rows written cell by cell by XlsxWriter in constant-memory mode
(the export's writer before it), hostile texts included; it is a valid package; and it escapes
what XlsxWriter's rich-string shortcut would let through."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import xlsxwriter

from reports.services.xlsx_sheet import (
    MONEY,
    NUMBER,
    TEXT,
    TEXT_LIMIT,
    WHEN,
    RowWriter,
    SheetColumn,
    excel_serial,
    write_sheet_xlsx,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = [
    SheetColumn("投诉编号", TEXT, 16),
    SheetColumn("受理时间", WHEN, 14),
    SheetColumn("产品", TEXT, 22),
    SheetColumn("金额（元）", MONEY, 14),
    SheetColumn("满意度", NUMBER, 14),
    SheetColumn("回复时间", WHEN, 14),
    SheetColumn("客户", TEXT, 12),
]
HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil","点我")',
    "+1",
    "-1+2",
    "@SUM(A1:A2)",
    "0012",
    "1e5",
    "TRUE",
    "#N/A",
    "\tleading tab",
    "\rcarriage return first",
    "line one\nline two",
    "windows\r\nline",
    "bell \x07 and nul \x00 and \x1f",
    "_x0041_ looks like an escape",
    "_X00e9_ and _x12G4_",
    "quotes \" ' and <b>tags</b> & ampersands &amp;",
    "  leading blanks",
    "trailing blanks  ",
    "\u3000全角空格开头",
    "emoji 😀👍🏽 and 中文",
    "non-characters \ufffe \uffff",
    "x" * 40_000,
    "y" * (TEXT_LIMIT - 1) + "😀",  # the emoji would be units 32,767 and 32,768: cut before it
    "z" * (TEXT_LIMIT - 2) + "😀",  # exactly the limit: kept whole
]


def rows() -> list[list]:
    received = datetime(2026, 11, 30, 23, 59, 59, 999_000, tzinfo=SHANGHAI)
    made = []
    for number, text in enumerate(HOSTILE):
        made.append(
            [
                f"CP-2026-{number:06d}",
                received,
                text,
                Decimal("1234.50") if number % 2 else None,
                number % 6 or None,
                datetime(2026, 12, 1, 8, 0, 0, 1, tzinfo=SHANGHAI) if number % 3 else None,
                "" if number % 4 == 0 else "王先生",
            ]
        )
    made.append(["CP-2026-999999", datetime(1900, 3, 1, tzinfo=SHANGHAI), "", 0, 0, None, None])
    return made


def xlsxwriter_cell_by_cell(path: Path, data: list[list]) -> None:
    """The export's writer before this one: XlsxWriter's own cells, constant-memory mode."""
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
    sheet = workbook.add_worksheet("投诉")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
    sheet.write_row(0, 0, [column.header for column in COLUMNS], bold)
    sheet.freeze_panes(1, 1)
    for number, values in enumerate(data, start=1):
        for index, (column, value) in enumerate(zip(COLUMNS, values, strict=True)):
            if value is None or value == "":
                continue
            if column.kind == TEXT:
                sheet.write_string(number, index, value)
            elif column.kind == WHEN:
                sheet.write_datetime(number, index, value.replace(tzinfo=None), when)
            elif column.kind == MONEY:
                sheet.write_number(number, index, float(value), money)
            else:
                sheet.write_number(number, index, value)
    sheet.autofilter(0, 0, len(data), len(COLUMNS) - 1)
    workbook.close()


def cells(path: Path) -> list[list[tuple]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [
        [(cell.value, cell.data_type, cell.number_format) for cell in row]
        for row in sheet.iter_rows()
    ]


@pytest.fixture
def written(tmp_path) -> tuple[Path, int]:
    path = tmp_path / "ours.xlsx"
    work = tmp_path / "work"
    work.mkdir()
    count = write_sheet_xlsx(path, sheet_name="投诉", columns=COLUMNS, rows=rows(), workdir=work)
    return path, count


def test_every_cell_reads_back_as_xlsxwriter_wrote_it(written, tmp_path):
    ours, count = written
    theirs = tmp_path / "theirs.xlsx"
    xlsxwriter_cell_by_cell(theirs, rows())

    assert count == len(rows())
    assert cells(ours) == cells(theirs)


def test_the_sheet_keeps_header_panes_filter_widths_and_name(written):
    path, count = written
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]

    assert sheet.title == "投诉"
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:G{count + 1}"
    assert sheet.max_row == count + 1 and sheet.max_column == len(COLUMNS)
    header = sheet[1]
    assert [cell.value for cell in header] == [column.header for column in COLUMNS]
    assert all(cell.font.b and cell.alignment.wrap_text for cell in header)
    assert all(cell.alignment.vertical == "top" for cell in header)
    assert sheet.column_dimensions["A"].width == pytest.approx(16, abs=1)
    assert sheet.column_dimensions["C"].width == pytest.approx(22, abs=1)
    read_only = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    assert read_only.calculate_dimension() == f"A1:G{count + 1}"


def test_hostile_texts_stay_texts(written):
    path, _count = written
    sheet = openpyxl.load_workbook(path).worksheets[0]
    products = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    texts = [products[f"CP-2026-{number:06d}"] for number in range(len(HOSTILE))]

    by_text = dict(zip(HOSTILE, texts, strict=True))
    # Characters XML cannot carry are in Excel's _xHHHH_ escapes (Excel shows the characters;
    # openpyxl leaves the escapes), and a literal escape has its underscore escaped.
    escaped = {
        "\rcarriage return first": "_x000D_carriage return first",
        "windows\r\nline": "windows_x000D_\nline",
        "bell \x07 and nul \x00 and \x1f": "bell _x0007_ and nul _x0000_ and _x001F_",
        "_x0041_ looks like an escape": "_x005F_x0041_ looks like an escape",
        "_X00e9_ and _x12G4_": "_X00e9_ and _x12G4_",  # not Excel's escape: as typed
        "non-characters \ufffe \uffff": "non-characters _xFFFE_ _xFFFF_",
    }
    for given, read in by_text.items():
        if len(given) <= TEXT_LIMIT // 2:
            assert read == escaped.get(given, given), given
    assert by_text["=cmd|' /C calc'!A0"] == "=cmd|' /C calc'!A0"
    assert by_text["0012"] == "0012" and by_text["+1"] == "+1" and by_text["TRUE"] == "TRUE"
    assert by_text["emoji 😀👍🏽 and 中文"] == "emoji 😀👍🏽 and 中文"
    assert by_text["  leading blanks"] == "  leading blanks"
    assert by_text["\u3000全角空格开头"] == "\u3000全角空格开头"
    assert by_text["x" * 40_000] == "x" * TEXT_LIMIT
    assert by_text["y" * (TEXT_LIMIT - 1) + "😀"] == "y" * (TEXT_LIMIT - 1)
    assert by_text["z" * (TEXT_LIMIT - 2) + "😀"] == "z" * (TEXT_LIMIT - 2) + "😀"
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
        assert row[2].value is None or row[2].data_type == "s"


def test_the_package_is_valid_xml_with_no_formula(written):
    path, count = written
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        names = package.namelist()
        assert "[Content_Types].xml" in names and "xl/styles.xml" in names
        sheet_xml = package.read("xl/worksheets/sheet1.xml")
        workbook_xml = package.read("xl/workbook.xml").decode()
    root = ElementTree.fromstring(sheet_xml)  # well-formed, whatever the texts held
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    assert root.find(f"{main}dimension").get("ref") == f"A1:G{count + 1}"
    assert not root.findall(f".//{main}f")
    numbers = [int(row.get("r")) for row in root.iter(f"{main}row")]
    assert numbers == list(range(1, count + 2))
    assert "_xlnm._FilterDatabase" in workbook_xml and f"$G${count + 1}<" in workbook_xml


def test_a_text_xlsxwriter_would_write_as_raw_markup_is_escaped(tmp_path):
    # XlsxWriter writes a text shaped "<r>…</r>" unescaped (its rich-string shortcut): a customer
    # could close the cell and add a formula of their own. Here it is only text.
    injected = '<r><t>a</t></r></is></c><c r="Z9"><f>HYPERLINK("http://evil")</f></c><c><is><r>'
    injected += "<t>b</t></r>"
    work = tmp_path / "work"
    work.mkdir()
    path = tmp_path / "out.xlsx"
    write_sheet_xlsx(
        path,
        sheet_name="投诉",
        columns=[SheetColumn("text", TEXT, 10)],
        rows=[[injected]],
        workdir=work,
    )

    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["A2"].value == injected and sheet["A2"].data_type == "s"
    assert sheet["Z9"].value is None


def test_no_rows_give_a_header_only_sheet(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    path = tmp_path / "empty.xlsx"
    count = write_sheet_xlsx(
        path, sheet_name="Complaints", columns=COLUMNS, rows=iter(()), workdir=work
    )

    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert count == 0
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert sheet.max_row == 1
    assert list(work.iterdir()) == []  # the temporary files are gone


def test_the_serial_number_is_xlsxwriters_to_the_bit():
    epoch = datetime(1899, 12, 30)
    for moment in (
        datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI),
        datetime(2026, 11, 30, 23, 59, 59, 999_999, tzinfo=SHANGHAI),
        datetime(1900, 3, 1, 0, 0, 0, 1, tzinfo=SHANGHAI),
        datetime(2099, 12, 31, 12, 0, 0, 500_000, tzinfo=SHANGHAI),
    ):
        delta = moment.replace(tzinfo=None) - epoch
        assert (
            excel_serial(moment) == delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        )


def test_cells_are_in_column_order_and_empty_values_left_out():
    writer = RowWriter([TEXT, NUMBER, WHEN, MONEY, TEXT], {WHEN: 2, MONEY: 3})
    xml = writer.row(
        7, ["a&b", 3, datetime(2026, 1, 1, 12, tzinfo=SHANGHAI), Decimal("9.90"), None]
    )

    assert xml == (
        '<row r="7"><c r="A7" t="inlineStr"><is><t>a&amp;b</t></is></c>'
        '<c r="B7"><v>3</v></c><c r="C7" s="2"><v>46023.5</v></c>'
        '<c r="D7" s="3"><v>9.9</v></c></row>'
    )
    with pytest.raises(ValueError, match="unknown column kinds"):
        RowWriter(["date"], {WHEN: 2, MONEY: 3})
    assert re.fullmatch(r'<row r="1"></row>', writer.row(1, ["", None, None, None, ""]))


def test_the_report_tables_escape_a_typed_rich_string_too():
    # The report's tables (reports.services.report_files) are written by XlsxWriter itself: a
    # root cause typed "<r>…</r>" goes in as two plain runs, never as markup.
    import io

    from reports.services.report_files import report_xlsx

    typed = "<r><t>a</t></r></si><si><t>x</t></si><r><t>b</t></r>"
    table = {
        "title": "Root causes",
        "columns": ["Root cause", "Decisions"],
        "rows": [[typed, 3], ["=1+1", 1]],
        "formats": ["text", "int"],
        "note": "",
    }
    document = {"title": "Report", "sections": [{"tables": [table]}]}

    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(document))).worksheets[0]
    assert sheet["A3"].value == typed and sheet["B3"].value == 3
    assert sheet["A4"].value == "=1+1" and sheet["A4"].data_type == "s"
