"""Dates officials type after a command: "15/3/2026", "15/03", "2026-03-15"."""

from __future__ import annotations

import re
from datetime import date, timedelta

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str, today: date) -> date | None:
    """Day first, as Vietnamese write dates; the year may be left out (this year) or short."""
    raw = text.strip()
    try:
        iso = _ISO.match(raw)
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        dmy = _DMY.match(raw)
        if dmy:
            year = today.year if dmy[3] is None else int(dmy[3])
            if year < 100:
                year += 2000
            return date(year, int(dmy[2]), int(dmy[1]))
    except ValueError:
        return None
    return None


def parse_period(args: tuple[str, ...], today: date) -> tuple[date, date] | None:
    """Two dates, in either order; None if they are not two dates."""
    if len(args) != 2:
        return None
    first, second = parse_date(args[0], today), parse_date(args[1], today)
    if first is None or second is None:
        return None
    return (first, second) if first <= second else (second, first)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def last_days(today: date, days: int = 30) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today
