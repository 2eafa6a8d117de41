"""Statistics for a period as a workbook: a summary sheet and counts by topic, village and
status, with real numbers and percentages that Excel can chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from handlers.reports import _xlsx as xl
from handlers.reports._format import (
    one_line,
    status_label,
    topic_label,
    village_label,
)
from handlers.reports._stats import stats_total
from handlers.reports._tables import Value, count_columns
from locales import Translator
from storage.report_records import Count, StatsData


def render_stats_xlsx(data: StatsData, t: Translator) -> bytes:
    """The statistics as XLSX bytes."""
    total = stats_total(data)
    rate: Value = data.on_time_rate if data.on_time_rate is not None else t("report.stats.no_data")
    generated: Value = data.generated_at
    workbook = xl.new_workbook()
    xl.pairs_sheet(
        workbook,
        t("report.sheet.summary"),
        [
            (t("report.label.commune"), one_line(data.commune_name)),
            (t("report.label.from"), data.period_start),
            (t("report.label.to"), data.period_end),
            (t("report.label.generated"), generated),
            (t("report.label.total"), total),
            (t("report.stats.on_time_label"), rate),
            (t("report.stats.answered_on_time"), data.answered_on_time),
            (t("report.stats.answered_late"), data.answered_late),
            (t("report.stats.overdue"), data.overdue),
        ],
    )
    tables: tuple[tuple[str, str, Sequence[Count], Callable[[Translator, str], str]], ...] = (
        ("report.sheet.by_topic", "report.col.topic", data.by_topic, topic_label),
        ("report.sheet.by_village", "report.col.village", data.by_village, village_label),
        ("report.sheet.by_status", "report.col.status", data.by_status, status_label),
    )
    for sheet_key, name_key, counts, label in tables:
        columns = count_columns(t, name_key, partial(label, t), total)
        xl.table_sheet(workbook, t, t(sheet_key), columns, counts)
    return xl.to_bytes(workbook)
