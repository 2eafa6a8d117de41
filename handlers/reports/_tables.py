"""Column definitions shared by the DOCX and XLSX reports, so both show the same columns.

A column yields a typed value (text, count, fraction, date); each format writes it its own way:
DOCX as text, XLSX as a real number or date cell that can be sorted and summed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from handlers.reports._format import (
    as_local_date,
    clean,
    concern_text,
    fmt_date,
    one_line,
    percent,
    status_label,
    topic_label,
    village_label,
)
from locales import Translator
from storage.report_records import ConcernRow, Count, GroupRow, SpeakerRow

R = TypeVar("R")
# A float is always a fraction, shown as a percentage.
Value = str | int | float | date | None


@dataclass(frozen=True)
class Column(Generic[R]):
    header_key: str
    width_mm: float
    width_chars: float
    value: Callable[[int, R], Value]
    centred: bool = False
    wrap: bool = False


def as_text(t: Translator, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, float):
        return percent(t, value)
    return str(value)


def number_column(width_mm: float = 12) -> Column[Any]:
    return Column("report.col.number", width_mm, 6, lambda n, _row: n, centred=True)


def concern_columns(t: Translator, *, repeated: bool = False) -> list[Column[ConcernRow]]:
    """Code, date, village, topic, text; with the times raised and status for repeated ones."""
    # Widths add up to the 165 mm between the margins; the text column takes what is left.
    text_mm = 39.0 if repeated else 63.0
    place_mm = 19.0 if repeated else 22.0
    date_mm = 23.0 if repeated else 24.0
    columns: list[Column[ConcernRow]] = [
        number_column(),
        Column("report.col.code", 22, 16, lambda _n, r: r.code),
        Column(
            "report.col.received",
            date_mm,
            12,
            lambda _n, r: as_local_date(r.created_at),
            centred=True,
        ),
        Column("report.col.village", place_mm, 18, lambda _n, r: village_label(t, r.village)),
        Column("report.col.topic", place_mm, 18, lambda _n, r: topic_label(t, r.primary_topic)),
        Column(
            "report.col.content",
            text_mm,
            60,
            lambda _n, r: concern_text(t, r.text, r.abusive),
            wrap=True,
        ),
    ]
    if repeated:
        columns += [
            Column("report.col.times", 13, 10, lambda _n, r: r.times_raised, centred=True),
            Column("report.col.status", 18, 18, lambda _n, r: status_label(t, r.status)),
        ]
    return columns


def group_columns(t: Translator) -> list[Column[GroupRow]]:
    return [
        number_column(),
        Column("report.col.count", 16, 10, lambda _n, g: g.count, centred=True),
        Column("report.col.topic", 25, 18, lambda _n, g: topic_label(t, g.primary_topic)),
        Column(
            "report.col.village",
            30,
            24,
            lambda _n, g: ", ".join(village_label(t, v) for v in g.villages),
            wrap=True,
        ),
        Column(
            "report.col.representative",
            52,
            60,
            lambda _n, g: clean(g.representative_text),
            wrap=True,
        ),
        Column("report.col.codes", 30, 30, lambda _n, g: ", ".join(g.codes), wrap=True),
    ]


def speaker_columns(t: Translator) -> list[Column[SpeakerRow]]:
    return [
        Column("report.col.position", 20, 10, lambda _n, s: s.position, centred=True),
        Column(
            "report.col.speaker",
            95,
            36,
            lambda _n, s: one_line(s.name or "") or t("report.speaker.anonymous"),
        ),
        Column("report.col.code", 50, 16, lambda _n, s: s.concern_code),
    ]


def count_columns(
    t: Translator, name_key: str, label: Callable[[str], str], total: int
) -> list[Column[Count]]:
    """Name, count and share of the total (no share when the total is zero)."""

    def share(_n: int, row: Count) -> Value:
        return row[1] / total if total > 0 else None

    return [
        number_column(),
        Column(name_key, 103, 30, lambda _n, row: label(row[0])),
        Column("report.col.count", 25, 12, lambda _n, row: row[1], centred=True),
        Column("report.col.share", 25, 10, share, centred=True),
    ]


def values(columns: Sequence[Column[R]], rows: Sequence[R]) -> list[list[Value]]:
    return [[column.value(n, row) for column in columns] for n, row in enumerate(rows, 1)]
