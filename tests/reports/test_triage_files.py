"""The triage summary as DOCX and XLSX, read back with python-docx and openpyxl."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

from docx import Document as open_docx
from docx.document import Document
from openpyxl import load_workbook

from handlers.reports.triage_docx import render_triage_docx
from handlers.reports.triage_xlsx import render_triage_xlsx
from locales import Translator
from storage.report_records import TriageData
from tests.reports.conftest import concern

SHEETS = [
    "Tổng hợp",
    "Theo chủ đề",
    "Theo thôn",
    "Nhóm ý kiến",
    "Khẩn cấp",
    "Nêu nhiều lần",
    "Khiếu nại tố cáo",
    "Phát biểu",
]


def _docx(data: TriageData, t: Translator) -> Document:
    return open_docx(io.BytesIO(render_triage_docx(data, t)))


def _table_texts(document: Document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_docx_has_every_section_in_order(triage_data: TriageData, vi: Translator) -> None:
    document = _docx(triage_data, vi)
    text = "\n".join(p.text for p in document.paragraphs)
    headings = [
        "TỔNG HỢP Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN",
        "1. Số ý kiến theo chủ đề",
        "2. Số ý kiến theo thôn",
        "3. Ý kiến khẩn cấp (2)",
        "4. Nhóm ý kiến tương tự (2)",
        "5. Ý kiến nêu nhiều lần chưa được giải quyết (1)",
        "6. Đơn khiếu nại, tố cáo (1)",
        "7. Đăng ký phát biểu (3)",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Luật Khiếu nại và Luật Tố cáo" in text
    assert "Lập lúc 00:30 ngày 05/12/2026" in text


def test_docx_tables_hold_the_rows(triage_data: TriageData, vi: Translator) -> None:
    tables = _table_texts(_docx(triage_data, vi))
    by_topic, by_village, urgent, groups, repeated, legal, speakers = tables
    assert by_topic[0] == ["STT", "Chủ đề", "Số ý kiến", "Tỷ lệ"]
    assert by_topic[1] == ["1", "Đất đai", "4", "44,4%"]
    assert by_village[3][1] == "Chưa rõ thôn"
    assert [row[1] for row in urgent[1:]] == ["DT-0101", "DT-0102"]
    assert urgent[1][2] == "20/11/2026"
    assert groups[1][1] == "8"
    assert "DT-0207" in groups[1][5]  # the document lists every code
    assert repeated[1][6:] == ["3", "Đã giao xử lý"]
    assert legal[1][1] == "DT-0401"
    assert speakers[2][1] == "Người đăng ký không nêu tên"


def test_docx_page_is_a4_in_times_new_roman(triage_data: TriageData, vi: Translator) -> None:
    document = _docx(triage_data, vi)
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_docx_empty_sections(triage_data: TriageData, vi: Translator) -> None:
    empty = replace(triage_data, urgent=[], groups=[], speakers=[])
    document = _docx(empty, vi)
    assert len(document.tables) == 4
    assert sum(p.text == "Không có." for p in document.paragraphs) == 3


def test_xlsx_sheets_and_counts(triage_data: TriageData, vi: Translator) -> None:
    book = load_workbook(io.BytesIO(render_triage_xlsx(triage_data, vi)))
    assert book.sheetnames == SHEETS
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Tổng số ý kiến, kiến nghị"] == 9
    assert summary["Ý kiến khẩn cấp"] == 2
    assert summary["Từ ngày"] == datetime(2026, 10, 1)
    assert summary["Thời điểm lập"] == datetime(2026, 12, 5, 0, 30)
    topics = list(book["Theo chủ đề"].iter_rows(values_only=True))
    assert topics[0] == ("STT", "Chủ đề", "Số ý kiến", "Tỷ lệ")
    assert topics[1][:3] == (1, "Đất đai", 4)
    assert abs(topics[1][3] - 4 / 9) < 1e-9
    assert book["Theo chủ đề"]["D2"].number_format == "0.0%"
    assert book["Nhóm ý kiến"].max_row == 3
    assert book["Khẩn cấp"].max_row == 3
    assert book["Khẩn cấp"]["C2"].value == datetime(2026, 11, 20)
    assert book["Khẩn cấp"]["C2"].number_format == "DD/MM/YYYY"
    assert book["Khẩn cấp"].freeze_panes == "A2"
    speakers = list(book["Phát biểu"].iter_rows(values_only=True))
    assert speakers[2] == (2, "Người đăng ký không nêu tên", "DT-0501")
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_xlsx_stores_formula_like_text_as_text(triage_data: TriageData, vi: Translator) -> None:
    evil = concern("DT-0666", '=HYPERLINK("http://x.example","bấm")', urgent=True)
    book = load_workbook(io.BytesIO(render_triage_xlsx(replace(triage_data, urgent=[evil]), vi)))
    cell = book["Khẩn cấp"]["F2"]
    assert cell.value == '=HYPERLINK("http://x.example","bấm")'
    assert cell.data_type == "s"


def test_xlsx_english_sheet_names(triage_data: TriageData, en: Translator) -> None:
    book = load_workbook(io.BytesIO(render_triage_xlsx(triage_data, en)))
    assert book.sheetnames[:3] == ["Summary", "By topic", "By village"]
    assert book["Urgent"]["C2"].value.date() == date(2026, 11, 20)
