"""The triage summary as a DOCX working paper the office prints for the host before a session.

The same sections as the chat version, in the same order, with full texts in tables instead of
shortened lines. It is an internal paper, so it keeps the house style (A4, Times New Roman, the
decree's margins) without the heading of an issued document.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document

from handlers.reports import _docx as dx
from handlers.reports._format import (
    at,
    cap_first,
    fmt_date,
    one_line,
    topic_label,
    village_label,
)
from handlers.reports._tables import (
    Column,
    R,
    as_text,
    concern_columns,
    count_columns,
    group_columns,
    speaker_columns,
    values,
)
from locales import Translator
from storage.report_records import TriageData

BODY_PT = 13.0
TABLE_PT = 11.0


def _heading(document: Document, number: int, text: str) -> None:
    dx.add_par(document, f"{number}. {text}", bold=True, before=12, after=6, keep_next=True)


def _table(
    document: Document, t: Translator, columns: Sequence[Column[R]], rows: Sequence[R]
) -> None:
    if not rows:
        dx.add_par(document, t("report.none"), italic=True)
        return
    dx.grid_table(
        document,
        [t(column.header_key) for column in columns],
        [[as_text(t, value) for value in row] for row in values(columns, rows)],
        [column.width_mm for column in columns],
        centred=[i for i, column in enumerate(columns) if column.centred],
        size=TABLE_PT,
    )


def render_triage_docx(data: TriageData, t: Translator) -> bytes:
    """The summary as DOCX bytes."""
    document = dx.new_document(
        language=t.language, body_pt=BODY_PT, top_mm=20, bottom_mm=20, left_mm=30, right_mm=15
    )
    dx.page_numbers_from_second_page(document.sections[0], size=BODY_PT)
    dx.add_par(document, t("report.triage.title").upper(), align=dx.CENTER, bold=True, size=14)
    dx.add_par(
        document,
        cap_first(one_line(f"{data.commune_name} — {data.title}")),
        align=dx.CENTER,
        bold=True,
    )
    period = t("report.period", start=fmt_date(data.period_start), end=fmt_date(data.period_end))
    dx.add_par(document, period, align=dx.CENTER, italic=True)
    generated = t("report.generated", **at(data.generated_at))
    dx.add_par(document, generated, align=dx.CENTER, italic=True, after=12)
    dx.add_par(document, t("report.total", count=data.total), bold=True)

    _heading(document, 1, t("report.by_topic"))
    by_topic = count_columns(t, "report.col.topic", lambda code: topic_label(t, code), data.total)
    _table(document, t, by_topic, data.by_topic)
    _heading(document, 2, t("report.by_village"))
    by_village = count_columns(
        t, "report.col.village", lambda name: village_label(t, name), data.total
    )
    _table(document, t, by_village, data.by_village)
    _heading(document, 3, t("report.triage.h_urgent") + f" ({len(data.urgent)})")
    _table(document, t, concern_columns(t), data.urgent)
    _heading(document, 4, t("report.triage.h_groups") + f" ({len(data.groups)})")
    _table(document, t, group_columns(t), data.groups)
    repeated = data.repeated_unresolved
    _heading(document, 5, t("report.triage.h_repeated") + f" ({len(repeated)})")
    _table(document, t, concern_columns(t, repeated=True), repeated)
    _heading(document, 6, t("report.triage.h_legal") + f" ({len(data.legal_complaints)})")
    if data.legal_complaints:
        dx.add_par(document, t("report.triage.legal_note"), italic=True, after=6, keep_next=True)
    _table(document, t, concern_columns(t), data.legal_complaints)
    _heading(document, 7, t("report.triage.h_speakers") + f" ({len(data.speakers)})")
    _table(document, t, speaker_columns(t), data.speakers)

    dx.set_properties(
        document,
        title=t("report.triage.title"),
        author=cap_first(one_line(data.commune_name)),
        language=t.language,
        created=data.generated_at,
    )
    return dx.to_bytes(document)
