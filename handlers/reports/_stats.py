"""What the statistics text and workbook both compute: the total and the count tables."""

from __future__ import annotations

from storage.report_records import StatsData


def stats_total(data: StatsData) -> int:
    """The given total, else the sum by status: every concern has exactly one status."""
    if data.total is not None:
        return data.total
    return sum(count for _status, count in data.by_status)
