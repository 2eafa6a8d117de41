"""The notice-period rule with the commune's working-day calendar: Tết, swaps, days off."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from handlers.session_ops import SessionDates, session_dates, start_problem
from scheduler.commune_calendar import CommuneSettingsError, calendar_for, timeline_for
from storage.models import Commune, DialogueSession, SessionForm, SessionKind
from tests.sessions.support import TZ, local


def commune(settings: dict[str, Any] | None = None) -> Commune:
    return Commune(id=1, slug="bao-tan", name="Xã Bảo Tân", settings=settings or {})


def test_a_periodic_session_across_tet_is_refused_with_the_earliest_date() -> None:
    # Announced Friday 6 February 2026; Tết closes the office 16-20 February.
    now = local(2026, 2, 6, 9)
    problem = start_problem(commune(), SessionKind.PERIODIC, local(2026, 2, 17), now, TZ)
    assert problem is not None and problem.key == "session.notice_too_short"
    # 9-13 Feb are five working days, then Tết and a weekend: 23 and 24 Feb make seven.
    assert problem.earliest == date(2026, 2, 24)
    assert problem.notice_days == 7
    assert start_problem(commune(), SessionKind.PERIODIC, local(2026, 2, 24), now, TZ) is None
    assert start_problem(commune(), SessionKind.THEMATIC, local(2026, 2, 23), now, TZ) is not None


def test_an_ad_hoc_session_needs_no_notice_but_not_the_past() -> None:
    now = local(2026, 2, 6, 9)
    assert start_problem(commune(), SessionKind.AD_HOC, local(2026, 2, 6, 14), now, TZ) is None
    past = start_problem(commune(), SessionKind.AD_HOC, local(2026, 2, 6, 8), now, TZ)
    assert past is not None and past.key == "session.start_past" and past.earliest is None


def test_the_governments_swapped_working_saturday_counts() -> None:
    # Saturday 22 August 2026 is a working day (swapped for Monday 31 August).
    now = local(2026, 8, 17, 9)
    problem = start_problem(commune(), SessionKind.PERIODIC, local(2026, 8, 25, 8), now, TZ)
    assert problem is None
    refused = start_problem(commune(), SessionKind.PERIODIC, local(2026, 8, 24), now, TZ)
    assert refused is not None and refused.earliest == date(2026, 8, 25)


def test_a_commune_swap_and_an_extra_day_off_from_settings() -> None:
    now = local(2026, 3, 2, 9)  # Monday
    plain = start_problem(commune(), SessionKind.PERIODIC, local(2026, 3, 10), now, TZ)
    assert plain is not None and plain.earliest == date(2026, 3, 11)
    swapped = commune({"calendar": {"swapped_working_days": ["2026-03-07"]}})
    assert start_problem(swapped, SessionKind.PERIODIC, local(2026, 3, 10), now, TZ) is None
    festival = commune({"calendar": {"extra_days_off": ["2026-03-04", "2026-03-05"]}})
    later = start_problem(festival, SessionKind.PERIODIC, local(2026, 3, 11), now, TZ)
    assert later is not None and later.earliest == date(2026, 3, 13)


def test_the_timeline_numbers_come_from_the_communes_settings() -> None:
    now = local(2026, 3, 2, 9)
    short = commune({"timeline": {"notice_working_days": 3}})
    assert timeline_for(short).notice_working_days == 3
    assert start_problem(short, SessionKind.PERIODIC, local(2026, 3, 5), now, TZ) is None


def test_bad_settings_name_the_commune_and_the_problem() -> None:
    with pytest.raises(CommuneSettingsError, match="bao-tan: calendar"):
        calendar_for(commune({"calendar": {"extra_days": ["2026-03-04"]}}))
    with pytest.raises(CommuneSettingsError, match="timeline"):
        timeline_for(commune({"timeline": {"notice_working_days": -1}}))
    with pytest.raises(CommuneSettingsError, match="must be an object"):
        calendar_for(commune({"calendar": ["2026-03-04"]}))


def test_the_calendar_is_built_once_per_configuration() -> None:
    settings = {"calendar": {"extra_days_off": ["2026-05-04"]}}
    assert calendar_for(commune(settings)) is calendar_for(commune(dict(settings)))
    assert calendar_for(commune(settings)) is not calendar_for(commune())


def test_the_session_dates_shown_on_the_card() -> None:
    dialogue = DialogueSession(
        kind=SessionKind.PERIODIC,
        form=SessionForm.IN_PERSON,
        starts_at=local(2026, 3, 20, 8),  # Friday
    )
    assert session_dates(commune(), dialogue, TZ) == SessionDates(
        session_date=date(2026, 3, 20),
        notice_by=date(2026, 3, 11),  # seven working days before
        front_summary=date(2026, 3, 10),  # ten calendar days before
        conclusion=date(2026, 4, 3),  # ten working days after
    )
