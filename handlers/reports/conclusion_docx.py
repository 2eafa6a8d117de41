"""The conclusion notice (thông báo kết luận) of a dialogue session, as an official DOCX.

Laid out as Decree 30/2020/NĐ-CP (Annex I) prescribes for administrative documents: A4, margins
20/20/30/15 mm, Times New Roman; a borderless two-column heading (issuing body and number on the
left, national title and motto, place and date on the right); the document type and summary
centred; a numbered body; recipients and signature side by side at the bottom; page numbers
centred at the top from the second page. The notice is issued in Vietnamese: pass the "vi"
translator.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from docx.document import Document
from docx.text.paragraph import Paragraph

from handlers.reports import _docx as dx
from handlers.reports._format import (
    as_local_datetime,
    clean,
    concern_text,
    decree_date_parts,
    department_label,
    fmt_date,
    local,
    lower_first,
    one_line,
)
from locales import Translator
from storage.report_records import ConcernRow, ConclusionData

MARGINS_MM = {"top_mm": 20.0, "bottom_mm": 20.0, "left_mm": 30.0, "right_mm": 15.0}
BODY_PT = 14.0
HEADING_WIDTHS_MM = (63.0, 102.0)
SIGNATURE_WIDTHS_MM = (78.0, 87.0)
FIRST_LINE_MM = 12.7
PARAGRAPH_AFTER_PT = 6.0
# Rough advance of a bold Times New Roman capital, in ems: enough to size the rules under the
# heading lines, which the decree wants a third to a half of the text (the motto: all of it).
_BOLD_CAPS_EM = 0.68
_BOLD_MIXED_EM = 0.47
_PT_TO_MM = 25.4 / 72
_NUMBER_PREFIX = re.compile(r"^\s*s[oố]\s*:\s*", re.IGNORECASE)
_COMMITTEE = "ỦY BAN NHÂN DÂN"
ROMAN = ("I", "II", "III", "IV")


def _width_mm(text: str, size_pt: float, em: float) -> float:
    return len(text) * em * size_pt * _PT_TO_MM


def _body_lines(issuing_body: str) -> list[str]:
    """The issuing body in capitals on two lines, "ỦY BAN NHÂN DÂN" / "XÃ BẢO TÂN", unless the
    caller already broke it."""
    name = unicodedata.normalize("NFC", issuing_body).strip()
    if "\n" in name:
        return [one_line(line).upper() for line in name.splitlines() if line.strip()]
    name = one_line(name).upper().replace("UỶ", "ỦY")
    if name.startswith(_COMMITTEE + " "):
        return [_COMMITTEE, name[len(_COMMITTEE) :].strip()]
    return [name]


def _number_line(t: Translator, number_symbol: str | None) -> str:
    number = _NUMBER_PREFIX.sub("", unicodedata.normalize("NFC", number_symbol or "")).strip()
    return (
        t("report.conclusion.number", number=number)
        if number
        else t("report.conclusion.number_blank")
    )


def _heading(document: Document, data: ConclusionData, t: Translator) -> None:
    left_mm, right_mm = HEADING_WIDTHS_MM
    left, right = dx.layout_table(document, HEADING_WIDTHS_MM).rows[0].cells
    body_lines = _body_lines(data.issuing_body)
    for line in body_lines:
        dx.add_par(left, line, align=dx.CENTER, bold=True, size=13)
    longest = max(_width_mm(line, 13, _BOLD_CAPS_EM) for line in body_lines)
    dx.add_rule(left, min(longest * 0.4, left_mm * 0.5), left_mm)
    dx.add_par(left, _number_line(t, data.number_symbol), align=dx.CENTER, size=13, before=6)

    dx.add_par(right, t("report.conclusion.nation"), align=dx.CENTER, bold=True, size=12)
    motto = t("report.conclusion.motto")
    dx.add_par(right, motto, align=dx.CENTER, bold=True, size=13)
    dx.add_rule(right, min(_width_mm(motto, 13, _BOLD_MIXED_EM), right_mm - 8), right_mm)
    day, month, year = decree_date_parts(data.issue_date)
    place_date = t(
        "report.conclusion.place_date", place=one_line(data.place), day=day, month=month, year=year
    )
    dx.add_par(right, place_date, align=dx.CENTER, italic=True, size=14, before=6)


def _title(document: Document, data: ConclusionData, t: Translator, width_mm: float) -> str:
    dx.add_par(
        document, t("report.conclusion.doc_type"), align=dx.CENTER, bold=True, size=14, before=18
    )
    summary = t(
        "report.conclusion.summary",
        host_title=one_line(data.host_title),
        session_title=one_line(data.session_title),
    )
    dx.add_par(document, summary, align=dx.CENTER, bold=True, size=14)
    dx.add_rule(document, width_mm * 0.3, width_mm)
    return summary


def _body_par(document: Document, text: str = "", *, keep_next: bool = False) -> Paragraph:
    return dx.add_par(
        document,
        text,
        align=dx.JUSTIFY,
        after=PARAGRAPH_AFTER_PT,
        first_line_mm=FIRST_LINE_MM,
        keep_next=keep_next,
    )


def _opening(document: Document, data: ConclusionData, t: Translator) -> None:
    if isinstance(data.session_date, datetime):
        moment = local(data.session_date)
        when = t(
            "report.conclusion.when_time",
            hour=f"{moment.hour:02d}",
            minute=f"{moment.minute:02d}",
            date=fmt_date(moment),
        )
    else:
        when = t("report.conclusion.when_date", date=fmt_date(data.session_date))
    _body_par(
        document,
        t(
            "report.conclusion.opening",
            when=when,
            venue=one_line(data.venue),
            host_name=one_line(data.host_name),
            host_title=one_line(data.host_title),
            session_title=one_line(data.session_title),
            participants=one_line(data.participants_summary).rstrip("."),
        ),
    )
    _body_par(document, t("report.conclusion.lead_in", host_title=one_line(data.host_title)))


def _sentence(text: str) -> str:
    text = one_line(text)
    return text if not text or text[-1] in ".!?…" else text + "."


def _item_lead(t: Translator, number: int, row: ConcernRow) -> str:
    name = one_line(row.submitter_public_name or "")
    village = one_line(row.village or "")
    values = {"number": number, "code": row.code, "name": name, "village": village}
    if name:
        key = "report.conclusion.item_named" if village else "report.conclusion.item_named_nv"
    else:
        key = "report.conclusion.item_anon" if village else "report.conclusion.item_anon_nv"
    return t(key, **values)


def _decision(t: Translator, section: int, row: ConcernRow) -> list[tuple[str, str]]:
    """(label, text) paragraphs saying what was decided for one concern."""
    answer = clean(row.answer or "")
    if section == 0:
        return [(t("report.conclusion.answer_label"), answer or t("report.conclusion.no_answer"))]
    decided: list[tuple[str, str]] = []
    if answer:
        decided.append((t("report.conclusion.note_label"), answer))
    if section == 1:
        department = (
            department_label(t, one_line(row.department))
            if row.department and one_line(row.department)
            else t("report.conclusion.department_default")
        )
        if row.due_date is not None:
            text = t(
                "report.conclusion.assigned", department=department, due=fmt_date(row.due_date)
            )
        else:
            text = t("report.conclusion.assigned_no_due", department=department)
    elif section == 2:
        authority = one_line(row.escalated_to or "") or t("report.conclusion.authority_default")
        text = t("report.conclusion.escalated", authority=authority)
    else:
        reason = _sentence(row.reason or "")
        text = (
            t("report.conclusion.not_accepted", reason=reason)
            if reason
            else t("report.conclusion.not_accepted_no_reason")
        )
        if row.legal_complaint:
            text = f"{text} {t('report.conclusion.legal_note')}"
    decided.append((t("report.conclusion.decision_label"), text))
    return decided


def _section(
    document: Document, t: Translator, section: int, title_key: str, rows: Sequence[ConcernRow]
) -> None:
    dx.add_par(
        document,
        f"{ROMAN[section]}. {t(title_key)}",
        align=dx.JUSTIFY,
        bold=True,
        after=PARAGRAPH_AFTER_PT,
        first_line_mm=FIRST_LINE_MM,
        keep_next=True,
    )
    if not rows:
        _body_par(document, t("report.conclusion.section_empty"))
        return
    for number, row in enumerate(rows, 1):
        lead = _body_par(document, keep_next=True)
        dx.add_run(lead, _item_lead(t, number, row) + " ", bold=True)
        dx.add_run(lead, concern_text(t, row.text, row.abusive))
        for label, text in _decision(t, section, row):
            paragraph = _body_par(document)
            dx.add_run(paragraph, label + " ", bold=True, italic=True)
            dx.add_run(paragraph, text)


def _recipient_lines(t: Translator, recipients: Sequence[str]) -> list[str]:
    entries = [one_line(r).lstrip("-–• ").strip() for r in recipients]
    entries = [e for e in entries if e] or t("report.conclusion.recipients_default").split("\n")
    lines = []
    for index, entry in enumerate(entries):
        if entry[-1] not in ";.,:":
            entry += "." if index == len(entries) - 1 else ";"
        lines.append(f"- {entry}")
    return lines


def _signature(document: Document, data: ConclusionData, t: Translator) -> None:
    left, right = dx.layout_table(document, SIGNATURE_WIDTHS_MM).rows[0].cells
    dx.add_par(left, t("report.conclusion.recipients"), bold=True, italic=True, size=12)
    for line in _recipient_lines(t, data.recipients):
        dx.add_par(left, line, size=11)
    authority = one_line(data.signing_authority or "") or t("report.conclusion.authority")
    dx.add_par(right, authority.upper(), align=dx.CENTER, bold=True, size=14)
    dx.add_par(right, one_line(data.signer_title).upper(), align=dx.CENTER, bold=True, size=14)
    # Room for the signature and the seal: about 30 mm.
    for _ in range(5):
        dx.add_par(right, size=14)
    dx.add_par(right, one_line(data.signer_name), align=dx.CENTER, bold=True, size=14)


def render_conclusion_docx(data: ConclusionData, t: Translator) -> bytes:
    """The notice as DOCX bytes."""
    document = dx.new_document(language=t.language, body_pt=BODY_PT, **MARGINS_MM)
    section = document.sections[0]
    width_mm = dx.text_width_mm(section)
    dx.page_numbers_from_second_page(section, size=13)
    _heading(document, data, t)
    summary = _title(document, data, t, width_mm)
    dx.add_par(document, size=8)
    _opening(document, data, t)
    sections = (
        ("report.conclusion.section_answered", data.answered),
        ("report.conclusion.section_assigned", data.assigned),
        ("report.conclusion.section_escalated", data.escalated),
        ("report.conclusion.section_not_accepted", data.not_accepted),
    )
    for index, (title_key, rows) in enumerate(sections):
        _section(document, t, index, title_key, rows)
    _body_par(
        document,
        t(
            "report.conclusion.closing",
            host_title=one_line(data.host_title),
            session_title=one_line(data.session_title),
            commune=lower_first(one_line(data.commune_name)),
        ),
    )
    dx.add_par(document, size=8)
    _signature(document, data, t)
    dx.set_properties(
        document,
        title=f"{t('report.conclusion.doc_type')} {summary}",
        author=" ".join(_body_lines(data.issuing_body)),
        language=t.language,
        created=as_local_datetime(data.issue_date),
    )
    return dx.to_bytes(document)
