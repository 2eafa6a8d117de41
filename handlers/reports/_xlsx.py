"""openpyxl helpers the XLSX reports share: safe cells, table sheets and key-value sheets.

Citizens' text goes into these cells, so every string is stored as a string: openpyxl would
otherwise take "=HYPERLINK(...)" typed into a concern for a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from handlers.reports._format import clean, local
from handlers.reports._tables import Column, R, Value, values
from locales import Translator

MAX_TITLE = 31
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
PERCENT_FORMAT = "0.0%"
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_CENTRED = Alignment(horizontal="center", vertical="top")


def sheet_title(name: str) -> str:
    """A name Excel accepts: none of []:*?/\\ and at most 31 characters."""
    return _TITLE_FORBIDDEN.sub("-", clean(name)).strip("'")[:MAX_TITLE] or "-"


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def write(sheet: Worksheet, row: int, column: int, value: Value) -> Any:
    """One cell: dates as real dates, fractions as percentages, text always as text."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime):
        # Excel has no time zones: openpyxl refuses aware datetimes, so store local wall time.
        cell.value = local(value)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        cell.value = value
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, str):
        cell.value = clean(value)[:MAX_CELL_TEXT]
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def table_sheet(
    workbook: Workbook,
    t: Translator,
    title: str,
    columns: Sequence[Column[R]],
    rows: Sequence[R],
) -> Worksheet:
    """A sheet with a bold, frozen, filterable header row and one row per item."""
    sheet = workbook.create_sheet(sheet_title(title))
    for index, column in enumerate(columns, 1):
        cell = write(sheet, 1, index, t(column.header_key))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTRED
        sheet.column_dimensions[get_column_letter(index)].width = column.width_chars
    for row_index, row in enumerate(values(columns, rows), 2):
        for index, (column, value) in enumerate(zip(columns, row, strict=True), 1):
            cell = write(sheet, row_index, index, value)
            cell.alignment = _WRAP if column.wrap else _CENTRED if column.centred else _TOP
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def pairs_sheet(
    workbook: Workbook, title: str, pairs: Sequence[tuple[str, Value]], label_width: float = 42
) -> Worksheet:
    """A two-column sheet of labels and values, the first sheet of a report."""
    sheet = workbook.create_sheet(sheet_title(title))
    for row_index, (label, value) in enumerate(pairs, 1):
        write(sheet, row_index, 1, label).font = _HEADER_FONT
        write(sheet, row_index, 2, value).alignment = Alignment(horizontal="left")
    sheet.column_dimensions["A"].width = label_width
    sheet.column_dimensions["B"].width = 48
    return sheet


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
