"""Statistics for a period as chat messages: totals, punctuality, and counts by topic, village
and status, each with its share of the total."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from handlers.reports._format import (
    at,
    cap_first,
    fmt_date,
    one_line,
    percent,
    status_label,
    topic_label,
    village_label,
)
from handlers.reports._paging import Block, paginate
from handlers.reports._stats import stats_total
from locales import Translator
from storage.report_records import Count, StatsData


def _counts(
    t: Translator, heading: str, counts: Sequence[Count], label: Callable[[str], str], total: int
) -> Block:
    lines = [heading]
    for key, count in counts:
        share = f" ({percent(t, count / total)})" if total > 0 else ""
        lines.append(f"• {label(key)}: {count}{share}")
    if not counts:
        lines.append(t("report.none"))
    return lines


def stats_blocks(data: StatsData, t: Translator) -> list[Block]:
    total = stats_total(data)
    header: list[str] = [
        "📈 " + t("report.stats.title").upper(),
        cap_first(one_line(data.commune_name)),
        t("report.period", start=fmt_date(data.period_start), end=fmt_date(data.period_end)),
        t("report.total", count=total),
    ]
    if data.generated_at is not None:
        header.append(t("report.generated", **at(data.generated_at)))
    rate = (
        t("report.stats.on_time_rate", rate=percent(t, data.on_time_rate))
        if data.on_time_rate is not None
        else t("report.stats.no_rate")
    )
    punctuality: Block = [
        "⏱ " + rate,
        f"• {t('report.stats.answered_on_time')}: {data.answered_on_time}",
        f"• {t('report.stats.answered_late')}: {data.answered_late}",
        f"• {t('report.stats.overdue')}: {data.overdue}",
    ]
    return [
        header,
        punctuality,
        _counts(t, "📊 " + t("report.by_topic"), data.by_topic, lambda c: topic_label(t, c), total),
        _counts(
            t, "🏘 " + t("report.by_village"), data.by_village, lambda v: village_label(t, v), total
        ),
        _counts(
            t, "📌 " + t("report.by_status"), data.by_status, lambda s: status_label(t, s), total
        ),
    ]


def render_stats_text(data: StatsData, t: Translator, max_chars: int = 3500) -> list[str]:
    """The statistics as messages of at most ``max_chars`` characters, cut between lines."""
    return paginate(
        stats_blocks(data, t),
        max_chars,
        lambda page, pages: t("report.page", page=page, pages=pages),
    )
