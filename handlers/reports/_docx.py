"""python-docx helpers the DOCX reports share: A4 page set-up, Times New Roman, borderless layout
tables, short rules under headings, a page-number header and plain grid tables.

Elements python-docx has no API for (paragraph and table borders, fields, language) are written
as raw WordprocessingML, inserted where the schema orders them: Word rejects a file whose
properties are out of order even when LibreOffice reads it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from docx import Document as open_document
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from handlers.reports._format import VIETNAM_TZ

FONT = "Times New Roman"
A4_WIDTH_MM = 210
A4_HEIGHT_MM = 297

CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT

# What may follow each element we insert, in schema order (ECMA-376 Part 1, 17.3.1.26, 17.4.60).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_TBLBORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_TBLHEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")


class Container(Protocol):
    """A document or a table cell: anything paragraphs can be added to."""

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph: ...


def new_document(
    *,
    language: str,
    body_pt: float,
    top_mm: float,
    bottom_mm: float,
    left_mm: float,
    right_mm: float,
) -> Document:
    document = open_document()
    section = document.sections[0]
    section.page_width = Mm(A4_WIDTH_MM)
    section.page_height = Mm(A4_HEIGHT_MM)
    section.top_margin = Mm(top_mm)
    section.bottom_margin = Mm(bottom_mm)
    section.left_margin = Mm(left_mm)
    section.right_margin = Mm(right_mm)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(body_pt)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    # Without these, Word picks the theme font for text it classes as complex or East Asian.
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language_tag(language))
    r_pr.insert_element_before(lang, *_AFTER_LANG)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    return document


def text_width_mm(section: Section) -> float:
    width = section.page_width or Mm(A4_WIDTH_MM)
    left = section.left_margin or 0
    right = section.right_margin or 0
    return float((width - left - right) / Mm(1))


def add_par(
    container: Container,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    before: float = 0,
    after: float = 0,
    first_line_mm: float | None = None,
    keep_next: bool = False,
) -> Paragraph:
    paragraph = container.add_paragraph()
    _fill(paragraph, text, align=align, bold=bold, italic=italic, size=size)
    fmt = paragraph.paragraph_format
    # The Normal style already spaces nothing; writing zeros would only bloat big tables.
    if before:
        fmt.space_before = Pt(before)
    if after:
        fmt.space_after = Pt(after)
    if first_line_mm is not None:
        fmt.first_line_indent = Mm(first_line_mm)
    if keep_next:
        fmt.keep_with_next = True
    return paragraph


def _fill(
    paragraph: Paragraph,
    text: str,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
) -> None:
    if text:
        add_run(paragraph, text, bold=bold, italic=italic, size=size)
    if align is not None:
        paragraph.paragraph_format.alignment = align


def add_run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
) -> None:
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size is not None:
        run.font.size = Pt(size)


def add_rule(container: Container, width_mm: float, box_mm: float, *, before: float = 3) -> None:
    """A centred horizontal line ``width_mm`` long in a box ``box_mm`` wide: the top border of a
    one-point-high empty paragraph, ``before`` points under the text above (less, and the line
    runs through the tone marks below the letters)."""
    paragraph = add_par(container, align=CENTER, before=before)
    fmt = paragraph.paragraph_format
    side = max((box_mm - width_mm) / 2, 0)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), "6")  # eighths of a point
    top.set(qn("w:space"), "1")
    top.set(qn("w:color"), "000000")
    borders.append(top)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def _no_borders(parent: BaseOxmlElement, tag: str, after: Sequence[str]) -> None:
    borders = OxmlElement(tag)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    parent.insert_element_before(borders, *after)


def layout_table(document: Document, widths_mm: Sequence[float]) -> Table:
    """A one-row borderless table used to place blocks side by side, as Vietnamese documents do
    for the heading and the signature."""
    table: Table = document.add_table(rows=1, cols=len(widths_mm))
    _no_borders(table._tbl.tblPr, "w:tblBorders", _AFTER_TBLBORDERS)
    set_widths(table, widths_mm)
    for cell in table.rows[0].cells:
        # A new cell holds one empty paragraph; the caller fills cells from scratch.
        cell._tc.remove(cell.paragraphs[0]._p)
    return table


def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Mm(width) for width in widths_mm]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # Row by row on the XML: python-docx's column.cells walks the whole table for each column.
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = width


def repeat_as_header(row: _Row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    header = OxmlElement("w:tblHeader")
    row._tr.get_or_add_trPr().insert_element_before(header, *_AFTER_TBLHEADER)


def cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: float | None = None,
) -> None:
    """Fill a new cell (which holds one empty paragraph) with ``text``, one paragraph a line."""
    first, *rest = text.split("\n")
    _fill(cell.paragraphs[0], first, bold=bold, align=align, size=size)
    for line in rest:
        _fill(cell.add_paragraph(), line, bold=bold, align=align, size=size)


def grid_table(
    document: Document,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    *,
    centred: Sequence[int] = (),
    size: float | None = None,
) -> Table:
    """A bordered table with a bold, repeating header row; columns in ``centred`` are centred."""
    table: Table = document.add_table(rows=1 + len(rows), cols=len(headers), style="Table Grid")
    set_widths(table, widths_mm)
    all_rows = list(table.rows)
    repeat_as_header(all_rows[0])
    for cell, header in zip(all_rows[0].cells, headers, strict=True):
        cell_text(cell, header, bold=True, align=CENTER, size=size)
    aligns = [CENTER if index in centred else None for index in range(len(headers))]
    for row, values in zip(all_rows[1:], rows, strict=True):
        for cell, value, align in zip(row.cells, values, aligns, strict=True):
            cell_text(cell, value, align=align, size=size)
    return table


def page_numbers_from_second_page(section: Section, size: float) -> None:
    """Page numbers centred at the top, from the second page on (Decree 30/2020/NĐ-CP, Annex I)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    parts: list[tuple[str, str | None]] = [
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "2"),
        ("end", None),
    ]
    for kind, value in parts:
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = value
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = value
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def language_tag(language: str) -> str:
    """The proofing language Word and LibreOffice check the text against."""
    return {"vi": "vi-VN", "en": "en-GB"}.get(language, language)


def set_properties(
    document: Document, *, title: str, author: str, language: str, created: datetime
) -> None:
    """Document metadata, replacing python-docx's template values ("generated by python-docx",
    dated 2013)."""
    moment = created if created.tzinfo else created.replace(tzinfo=VIETNAM_TZ)
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.comments = ""
    properties.language = language_tag(language)
    properties.created = utc
    properties.modified = utc


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
