"""The legal rhythm of a dialogue session: notice, Front summary, conclusion, answers, extension.

Defaults follow the commune plans (notice 7 working days before; Front summary 10 days before;
conclusion within 10 working days; answers within 20, extended to at most 30); every number can be
changed per commune through ``Timeline.from_config``. All dates
are local calendar dates in Vietnam; turning them into reminders is the scheduler's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any, Final

from scheduler.calendar import WorkingCalendar

# The same codes as storage.models.SessionKind; kept here so the calendar needs no database code.
AD_HOC: Final = "dot_xuat"
SESSION_KINDS: Final = frozenset({"dinh_ky", "chuyen_de", AD_HOC})


@dataclass(frozen=True, slots=True)
class Timeline:
    """A commune's deadlines. Counts are working days except ``front_summary_days``."""

    notice_working_days: int = 7
    front_summary_days: int = 10
    conclusion_working_days: int = 10
    answer_working_days: int = 20
    extension_max_working_days: int = 30
    alert_before_working_days: int = 3

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            # bool is an int subclass; "true" in a config file is a mistake, not 1 day.
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{field.name} must be a whole number of days >= 0, got {value!r}")
        if self.extension_max_working_days < self.answer_working_days:
            # The extension caps the whole answer period (seed 004), so it cannot be shorter.
            raise ValueError(
                f"extension_max_working_days ({self.extension_max_working_days}) must not be "
                f"shorter than answer_working_days ({self.answer_working_days})"
            )

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> Timeline:
        """Build from a commune's settings; missing keys keep the defaults, unknown keys fail."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(cfg) - known)
        if unknown:
            raise ValueError(
                f"unknown timeline setting(s) {', '.join(unknown)}; "
                f"expected {', '.join(sorted(known))}"
            )
        return cls(**dict(cfg))


def earliest_session_date(cal: WorkingCalendar, timeline: Timeline, today: date) -> date:
    """The earliest date for a periodic or thematic session whose notice is published ``today``.

    Reading of "notice at least N working days before the session" used throughout: the session
    date must be at least N working days after the notice day, i.e. there are at least N working
    days in (today, session date]. The answer is ``cal.add_working_days(today, N)``, always a
    working day; a session on a later weekend day is allowed too (see ``check_notice_period``).
    With N = 0 no notice is needed and the answer is ``today``.
    """
    if timeline.notice_working_days == 0:
        return today
    return cal.add_working_days(today, timeline.notice_working_days)


def check_notice_period(
    cal: WorkingCalendar, timeline: Timeline, today: date, session_date: date, kind: str
) -> date | None:
    """None if a session of ``kind`` may be held on ``session_date`` when announced ``today``.

    Otherwise returns the earliest allowed date (``earliest_session_date``). Ad hoc sessions
    ("dot_xuat") need no advance notice and are always allowed. ``kind`` must be one of the
    session kind codes, so a misspelt kind fails instead of silently skipping the rule.
    """
    if kind not in SESSION_KINDS:
        raise ValueError(
            f"unknown session kind {kind!r}; expected {', '.join(sorted(SESSION_KINDS))}"
        )
    if kind == AD_HOC:
        return None
    earliest = earliest_session_date(cal, timeline, today)
    return None if session_date >= earliest else earliest


def front_summary_date(cal: WorkingCalendar, timeline: Timeline, session_date: date) -> date:
    """When the Fatherland Front's summary of opinions is due to the host.

    ``front_summary_days`` calendar days before the session; when that day is not a working day
    the summary is due on the working day before it, so the host still has at least the full
    period to read it.
    """
    due = session_date - timedelta(days=timeline.front_summary_days)
    return due if cal.is_working_day(due) else cal.previous_working_day(due)


def conclusion_due(cal: WorkingCalendar, timeline: Timeline, session_date: date) -> date:
    """Last day to publish the conclusion notice: N working days after the session."""
    return cal.add_working_days(session_date, timeline.conclusion_working_days)


def answer_due(cal: WorkingCalendar, timeline: Timeline, conclusion_date: date) -> date:
    """Last day for the written answer to an unresolved concern, counted from the conclusion."""
    return cal.add_working_days(conclusion_date, timeline.answer_working_days)


def max_extension_due(cal: WorkingCalendar, timeline: Timeline, conclusion_date: date) -> date:
    """The latest an extended answer may come: the cap counts from the conclusion notice too."""
    return cal.add_working_days(conclusion_date, timeline.extension_max_working_days)


def alert_dates(cal: WorkingCalendar, timeline: Timeline, due: date) -> tuple[date, date]:
    """When to remind the person responsible: N working days before ``due``, and on ``due``."""
    if timeline.alert_before_working_days == 0:
        # add_working_days(due, 0) would move a non-working ``due`` forward, past the deadline.
        return due, due
    return cal.add_working_days(due, -timeline.alert_before_working_days), due
