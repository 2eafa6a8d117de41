"""The triage summary as a workbook the office can sort, filter and rework.

One sheet per section: summary, by topic, by village, groups, urgent, repeated, complaints and
denunciations, speakers. Sheet names come from the catalog.
"""

from __future__ import annotations

from handlers.reports import _xlsx as xl
from handlers.reports._format import one_line, topic_label, village_label
from handlers.reports._tables import concern_columns, count_columns, group_columns, speaker_columns
from locales import Translator
from storage.report_records import TriageData


def render_triage_xlsx(data: TriageData, t: Translator) -> bytes:
    """The summary as XLSX bytes."""
    workbook = xl.new_workbook()
    xl.pairs_sheet(
        workbook,
        t("report.sheet.summary"),
        [
            (t("report.label.commune"), one_line(data.commune_name)),
            (t("report.label.title"), one_line(data.title)),
            (t("report.label.from"), data.period_start),
            (t("report.label.to"), data.period_end),
            (t("report.label.generated"), data.generated_at),
            (t("report.label.total"), data.total),
            (t("report.triage.h_urgent"), len(data.urgent)),
            (t("report.triage.h_groups"), len(data.groups)),
            (t("report.triage.h_repeated"), len(data.repeated_unresolved)),
            (t("report.triage.h_legal"), len(data.legal_complaints)),
            (t("report.triage.h_speakers"), len(data.speakers)),
            (t("report.label.note"), t("report.triage.legal_note")),
        ],
    )
    xl.table_sheet(
        workbook,
        t,
        t("report.sheet.by_topic"),
        count_columns(t, "report.col.topic", lambda code: topic_label(t, code), data.total),
        data.by_topic,
    )
    xl.table_sheet(
        workbook,
        t,
        t("report.sheet.by_village"),
        count_columns(t, "report.col.village", lambda name: village_label(t, name), data.total),
        data.by_village,
    )
    xl.table_sheet(workbook, t, t("report.sheet.groups"), group_columns(t), data.groups)
    xl.table_sheet(workbook, t, t("report.sheet.urgent"), concern_columns(t), data.urgent)
    xl.table_sheet(
        workbook,
        t,
        t("report.sheet.repeated"),
        concern_columns(t, repeated=True),
        data.repeated_unresolved,
    )
    xl.table_sheet(workbook, t, t("report.sheet.legal"), concern_columns(t), data.legal_complaints)
    xl.table_sheet(workbook, t, t("report.sheet.speakers"), speaker_columns(t), data.speakers)
    return xl.to_bytes(workbook)
