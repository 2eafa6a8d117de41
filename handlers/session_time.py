"""Reading a session's date and time as officials type it, in the commune's local time.

Accepted, with or without diacritics: "15/12/2026 08:00", "15-12-2026 8h30", "8h 15/12",
"2 giờ chiều 15/12/2026", "2026-12-15 08:00" (the CLI's form). A date without a year means the
next such date from today.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from storage.repo.communes import fold_name

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:t|\b)")
_DMY = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?\b")
_TIME = re.compile(r"\b(\d{1,2})\s*(?:gio|h|g|:|\.)\s*(\d{1,2})?")
_AFTERNOON = ("chieu", "toi", "pm")


def parse_start(text: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The aware datetime ``text`` names in ``tz`` (returned in UTC), or None if unreadable."""
    folded = fold_name(text)
    today = now.astimezone(tz).date()
    iso = _ISO.search(folded)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        rest = folded[: iso.start()] + " " + folded[iso.end() :]
    else:
        # "8.30 15/12" holds two candidates; the first that is a real date is the date.
        dmy = next(
            (
                m
                for m in _DMY.finditer(folded)
                if _safe_date(2000, int(m.group(2)), int(m.group(1)))
            ),
            None,
        )
        if dmy is None:
            return None
        day, month = int(dmy.group(1)), int(dmy.group(2))
        year_text = dmy.group(3)
        year = (
            (int(year_text) + 2000 if len(year_text) == 2 else int(year_text))
            if year_text
            else today.year
        )
        rest = folded[: dmy.start()] + " " + folded[dmy.end() :]
        if (
            not year_text
            and _safe_date(year, month, day)
            and (month, day)
            < (
                today.month,
                today.day,
            )
        ):
            year += 1
    found = _TIME.search(rest)
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if any(word in rest.split() for word in _AFTERNOON) and 1 <= hour < 12:
        hour += 12
    if not (0 <= hour < 24 and 0 <= minute < 60) or not _safe_date(year, month, day):
        return None
    return datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)


def _safe_date(year: int, month: int, day: int) -> bool:
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return True
