"""Working days for a Vietnamese commune office.

Vietnam's public holidays come from the ``holidays`` package (country "VN"), which computes Tết
Nguyên đán and Giỗ Tổ Hùng Vương from the lunar calendar, adds the compensatory days the Labour
Code grants when a holiday falls on a weekend, and knows some of the government's yearly swaps.
Each commune adds what the package cannot know: further days off (a swap announced after the
package was released, a local festival) and weekend days turned into working days.

Which source decides, for one date, from the strongest to the weakest:

1. the commune's ``swapped_working_days``: a working day;
2. the commune's ``extra_days_off``: a day off;
3. a weekend day the package knows the government turned into a working day: a working day;
4. a public holiday (or compensatory day off) in the package: a day off;
5. the configured weekend: a day off; any other day is a working day.

Rule 1 outranking the package lets a commune correct a holiday the package lists but the law does
not (yet) grant, without waiting for a new release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, timedelta
from typing import Any, Final

import holidays

_COUNTRY: Final = "VN"
_ONE_DAY: Final = timedelta(days=1)
# date.fromisoformat also takes "20250124" and week dates; a commune's file must be unambiguous.
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONFIG_KEYS: Final = frozenset({"extra_days_off", "swapped_working_days", "weekend", "language"})


@dataclass(frozen=True, slots=True)
class _YearData:
    """What the ``holidays`` package says about one Gregorian year."""

    names: Mapping[date, str]
    weekend_workdays: frozenset[date]


def _require_date(value: object) -> date:
    # datetime is a subclass of date but never equals one, so a datetime would silently miss
    # every holiday lookup; refuse it loudly instead.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a datetime.date, got {type(value).__name__}: {value!r}")
    return value


def _load_year(year: int, language: str) -> _YearData:
    # A swap may move a working day into the previous year (the 2015 New Year swap was worked on
    # 2014-12-27), and the package records it only when it builds the later year.
    years = [year] if year == MAXYEAR else [year, year + 1]
    found = holidays.country_holidays(_COUNTRY, years=years, language=language)
    names = {day: str(name) for day, name in found.items() if day.year == year}
    workdays = frozenset(day for day in found.weekend_workdays if day.year == year)
    return _YearData(names=names, weekend_workdays=workdays)


class WorkingCalendar:
    """Decides which days a commune office works, and counts working days.

    ``years`` limits the calendar to the years it was checked for: asking about a date outside
    raises ``ValueError`` rather than trusting holiday data nobody looked at. ``None`` allows any
    year. Holiday data is built per year on first use and then cached.
    """

    def __init__(
        self,
        years: range | None = None,
        *,
        extra_days_off: Iterable[date] = (),
        swapped_working_days: Iterable[date] = (),
        weekend: Iterable[int] = (5, 6),
        language: str = "vi",
    ) -> None:
        if years is not None and len(years) == 0:
            raise ValueError("years must not be empty")
        weekend_days = frozenset(weekend)
        if not weekend_days <= set(range(7)):
            raise ValueError(
                f"weekend days must be 0 (Monday) to 6 (Sunday), got {sorted(weekend_days)}"
            )
        if len(weekend_days) == 7:
            raise ValueError("weekend cannot cover the whole week")
        supported = holidays.country_holidays(_COUNTRY, years=[]).supported_languages
        if language not in supported:
            raise ValueError(f"language {language!r} is not one of {', '.join(supported)}")
        self._years = years
        self._weekend = weekend_days
        self._language = language
        self._extra = frozenset(_require_date(d) for d in extra_days_off)
        self._swapped = frozenset(_require_date(d) for d in swapped_working_days)
        both = sorted(self._extra & self._swapped)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"{listed}: both an extra day off and a swapped working day")
        for day in sorted(self._extra | self._swapped):
            self._check_year(day)
        self._cache: dict[int, _YearData] = {}

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any], *, years: range | None = None) -> WorkingCalendar:
        """Build from a commune's settings, e.g. parsed from JSON or TOML.

        Keys (all optional): ``extra_days_off`` and ``swapped_working_days`` (lists of
        ``"YYYY-MM-DD"``), ``weekend`` (list of weekday numbers, Monday = 0), ``language``
        (holiday names: "vi", "en_US" or "th"). Unknown keys are refused, since a misspelt key
        would otherwise silently drop a day off.
        """
        unknown = sorted(set(cfg) - _CONFIG_KEYS)
        if unknown:
            raise ValueError(
                f"unknown calendar setting(s) {', '.join(unknown)}; "
                f"expected {', '.join(sorted(_CONFIG_KEYS))}"
            )
        weekend = cfg.get("weekend", (5, 6))
        if not isinstance(weekend, list | tuple) or not all(
            isinstance(day, int) and not isinstance(day, bool) for day in weekend
        ):
            raise ValueError(f"weekend must be a list of weekday numbers 0-6, got {weekend!r}")
        language = cfg.get("language", "vi")
        if not isinstance(language, str):
            raise ValueError(f"language must be a string, got {language!r}")
        return cls(
            years,
            extra_days_off=_parse_dates(cfg, "extra_days_off"),
            swapped_working_days=_parse_dates(cfg, "swapped_working_days"),
            weekend=weekend,
            language=language,
        )

    @property
    def extra_days_off(self) -> frozenset[date]:
        return self._extra

    @property
    def swapped_working_days(self) -> frozenset[date]:
        return self._swapped

    def is_working_day(self, d: date) -> bool:
        """Whether the commune office works on ``d`` (see the module docstring for precedence)."""
        _require_date(d)
        if d in self._swapped:
            return True
        if d in self._extra:
            return False
        data = self._year_data(d.year)
        if d in data.weekend_workdays:
            return True
        if d in data.names:
            return False
        return d.weekday() not in self._weekend

    def holiday_name(self, d: date) -> str | None:
        """The public holiday's name from the package, in the calendar's language, else None.

        Weekends and the commune's own days off have no name. A holiday keeps its name even when
        the commune has made it a working day, so the bot can still say what the date is.
        """
        _require_date(d)
        return self._year_data(d.year).names.get(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self._step_to_working_day(d, _ONE_DAY)

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        return self._step_to_working_day(d, -_ONE_DAY)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (before it when ``n`` < 0).

        ``start`` itself never counts. ``n == 0`` gives ``start`` when it is a working day,
        otherwise the next working day.
        """
        _require_date(start)
        if n == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        day = start
        for _ in range(abs(n)):
            day = self._step_to_working_day(day, step)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in the half-open range (a, b]; negative when ``b`` is before ``a``."""
        _require_date(a)
        _require_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def _step_to_working_day(self, d: date, step: timedelta) -> date:
        # Terminates: the weekend leaves at least one weekday, and each year holds finitely
        # many days off (outside ``years`` the lookup raises instead of looping).
        day = _require_date(d) + step
        while not self.is_working_day(day):
            day += step
        return day

    def _check_year(self, d: date) -> None:
        if self._years is not None and d.year not in self._years:
            raise ValueError(f"{d.isoformat()} is outside the calendar's years {self._years!r}")

    def _year_data(self, year: int) -> _YearData:
        data = self._cache.get(year)
        if data is None:
            if self._years is not None and year not in self._years:
                raise ValueError(f"year {year} is outside the calendar's years {self._years!r}")
            data = self._cache[year] = _load_year(year, self._language)
        return data


def _parse_dates(cfg: Mapping[str, Any], key: str) -> list[date]:
    raw = cfg.get(key, [])
    # A bare string is iterable too; it must not be read as a list of characters.
    if not isinstance(raw, list | tuple):
        raise ValueError(f"{key} must be a list of dates written YYYY-MM-DD, got {raw!r}")
    parsed: list[date] = []
    for index, item in enumerate(raw):
        where = f"{key}[{index}] = {item!r}"
        if isinstance(item, date) and not isinstance(item, datetime):
            parsed.append(item)
            continue
        if not isinstance(item, str) or not _ISO_DATE.fullmatch(item):
            raise ValueError(f"{where} is not a date written YYYY-MM-DD")
        try:
            parsed.append(date.fromisoformat(item))
        except ValueError:
            raise ValueError(f"{where} is not a real calendar date") from None
    return parsed
