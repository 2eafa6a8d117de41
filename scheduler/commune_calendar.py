"""A commune's working-day calendar and deadline timeline, read from ``Commune.settings``.

The settings JSON may hold ``{"calendar": {...}, "timeline": {...}}``: the calendar's extra days
off and swapped working days (``WorkingCalendar.from_config``) and the timeline's numbers of days
(``Timeline.from_config``). Every deadline the bot shows or alerts on goes through these two
helpers, so a commune's own days off count everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.calendar import WorkingCalendar
from scheduler.deadlines import Timeline
from storage.models import Commune


class CommuneSettingsError(ValueError):
    """A commune's calendar or timeline settings cannot be used; the message says which."""


def _section(commune: Commune, key: str) -> Mapping[str, Any]:
    settings = commune.settings or {}
    section = settings.get(key, {}) if isinstance(settings, Mapping) else None
    if not isinstance(section, Mapping):
        raise CommuneSettingsError(f"commune {commune.slug}: settings.{key} must be an object")
    return section


@lru_cache(maxsize=64)
def _calendar(config_json: str) -> WorkingCalendar:
    # Cached by the configuration's text: a WorkingCalendar caches the holiday data it builds
    # per year, so reusing one instance keeps the daily jobs from rebuilding it per commune.
    return WorkingCalendar.from_config(json.loads(config_json))


def calendar_for(commune: Commune) -> WorkingCalendar:
    """The commune's working-day calendar (national holidays plus its own days off and swaps)."""
    section = _section(commune, "calendar")
    try:
        return _calendar(json.dumps(dict(section), sort_keys=True))
    except (TypeError, ValueError) as exc:
        raise CommuneSettingsError(f"commune {commune.slug}: calendar: {exc}") from None


def timeline_for(commune: Commune) -> Timeline:
    """The commune's deadlines in days (defaults from the plans, overridden by its settings)."""
    section = _section(commune, "timeline")
    try:
        return Timeline.from_config(section)
    except (TypeError, ValueError) as exc:
        raise CommuneSettingsError(f"commune {commune.slug}: timeline: {exc}") from None


def local_date(moment: datetime, timezone: ZoneInfo) -> date:
    """The calendar date of ``moment`` in the commune's time zone (deadlines are local dates)."""
    return moment.astimezone(timezone).date()
