"""The legal timeline on the real calendar; every expected date was counted by hand on a grid."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from scheduler.calendar import WorkingCalendar
from scheduler.deadlines import (
    Timeline,
    alert_dates,
    answer_due,
    check_notice_period,
    conclusion_due,
    earliest_session_date,
    front_summary_date,
    max_extension_due,
)

DEFAULT = Timeline()


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(
    ("today", "earliest"),
    [
        # Tết 2025 (27-31/1 off): 21, 22, 23, 24 Jan, then 3, 4, 5 Feb.
        (date(2025, 1, 20), date(2025, 2, 5)),
        # Tết 2026 (16-20/2 off): 10-13 Feb, then 23, 24, 25 Feb; without Tết it would be 18/2.
        (date(2026, 2, 9), date(2026, 2, 25)),
        (date(2026, 2, 6), date(2026, 2, 24)),
        # Tết 2027 (4-10/2 off): 2, 3 Feb, then 11, 12, 15, 16, 17 Feb.
        (date(2027, 2, 1), date(2027, 2, 17)),
        # 30/4-1/5 2025: Saturday 26/4 is worked, 30/4-4/5 off.
        (date(2025, 4, 22), date(2025, 5, 5)),
        # 30/4-1/5 2026 with Hùng Vương moved to Monday 27/4.
        (date(2026, 4, 20), date(2026, 5, 4)),
        # 2/9 2025: 30/8-2/9 off.
        (date(2025, 8, 25), date(2025, 9, 5)),
        # 2/9 2026: Saturday 22/8 is worked, 29/8-2/9 off.
        (date(2026, 8, 17), date(2026, 8, 25)),
        # Notice on a Sunday: counting starts on Monday.
        (date(2025, 3, 9), date(2025, 3, 18)),
    ],
)
def test_earliest_session_date(cal: WorkingCalendar, today: date, earliest: date) -> None:
    assert earliest_session_date(cal, DEFAULT, today) == earliest
    assert cal.working_days_between(today, earliest) == DEFAULT.notice_working_days


def test_notice_period_across_tet_2026(cal: WorkingCalendar) -> None:
    today = date(2026, 2, 9)
    # A week and a half later looks like enough, but Tết leaves only six working days.
    assert check_notice_period(cal, DEFAULT, today, date(2026, 2, 24), "dinh_ky") == date(
        2026, 2, 25
    )
    assert check_notice_period(cal, DEFAULT, today, date(2026, 2, 25), "dinh_ky") is None
    # A Saturday session after the earliest date is fine (village meetings are often at weekends).
    assert check_notice_period(cal, DEFAULT, today, date(2026, 2, 28), "chuyen_de") is None


def test_notice_period_across_tet_2027(cal: WorkingCalendar) -> None:
    today = date(2027, 2, 1)
    assert check_notice_period(cal, DEFAULT, today, date(2027, 2, 16), "dinh_ky") == date(
        2027, 2, 17
    )
    assert check_notice_period(cal, DEFAULT, today, date(2027, 2, 17), "dinh_ky") is None


def test_ad_hoc_needs_no_notice(cal: WorkingCalendar) -> None:
    today = date(2026, 2, 13)
    assert check_notice_period(cal, DEFAULT, today, today, "dot_xuat") is None
    assert check_notice_period(cal, DEFAULT, today, date(2026, 2, 17), "dot_xuat") is None


def test_unknown_session_kind_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="'ad_hoc'"):
        check_notice_period(cal, DEFAULT, date(2026, 2, 9), date(2026, 2, 10), "ad_hoc")


def test_notice_period_across_a_swapped_working_day() -> None:
    # 2026 New Year swap: Friday 2/1 off, Saturday 10/1 worked (not in holidays 0.109).
    plain = WorkingCalendar()
    swapped = WorkingCalendar.from_config(
        {"extra_days_off": ["2026-01-02"], "swapped_working_days": ["2026-01-10"]}
    )
    today = date(2025, 12, 30)
    # Plain: 31/12, 2/1, 5-9/1. Swapped: 31/12, 5-9/1, Saturday 10/1.
    assert earliest_session_date(plain, DEFAULT, today) == date(2026, 1, 9)
    assert earliest_session_date(swapped, DEFAULT, today) == date(2026, 1, 10)
    assert check_notice_period(swapped, DEFAULT, today, date(2026, 1, 9), "dinh_ky") == date(
        2026, 1, 10
    )


def test_notice_period_with_a_tet_swap() -> None:
    # Friday 24/1/2025 off, Saturday 8/2/2025 worked.
    swapped = WorkingCalendar(
        extra_days_off={date(2025, 1, 24)}, swapped_working_days={date(2025, 2, 8)}
    )
    # 21, 22, 23 Jan, then 3, 4, 5, 6 Feb.
    assert earliest_session_date(swapped, DEFAULT, date(2025, 1, 20)) == date(2025, 2, 6)
    # 4-8 Feb (Saturday included), 10, 11 Feb; the plain calendar gives 12 Feb.
    assert earliest_session_date(swapped, DEFAULT, date(2025, 2, 3)) == date(2025, 2, 11)
    assert earliest_session_date(WorkingCalendar(), DEFAULT, date(2025, 2, 3)) == date(2025, 2, 12)


def test_configured_notice_period(cal: WorkingCalendar) -> None:
    shorter = Timeline(notice_working_days=3)
    assert earliest_session_date(cal, shorter, date(2026, 2, 12)) == date(2026, 2, 24)
    none = Timeline(notice_working_days=0)
    sunday = date(2025, 3, 9)
    assert earliest_session_date(cal, none, sunday) == sunday
    assert check_notice_period(cal, none, sunday, sunday, "dinh_ky") is None


@pytest.mark.parametrize(
    ("session", "summary"),
    [
        (date(2026, 1, 15), date(2026, 1, 5)),  # ten days before is a Monday
        (date(2026, 2, 27), date(2026, 2, 13)),  # 17/2 is Tết: the Friday before
        (date(2026, 3, 3), date(2026, 2, 13)),  # 21/2 is a Saturday after Tết
        (date(2025, 5, 12), date(2025, 4, 29)),  # 2/5 is the swapped day off
    ],
)
def test_front_summary_date(cal: WorkingCalendar, session: date, summary: date) -> None:
    assert front_summary_date(cal, DEFAULT, session) == summary


def test_deadline_chain_across_tet_2026(cal: WorkingCalendar) -> None:
    session = date(2026, 1, 15)
    conclusion = conclusion_due(cal, DEFAULT, session)
    assert conclusion == date(2026, 1, 29)
    # 30/1, 2-13/2 (11 days), Tết, 23-27/2, 2-5/3.
    assert answer_due(cal, DEFAULT, conclusion) == date(2026, 3, 5)
    assert max_extension_due(cal, DEFAULT, conclusion) == date(2026, 3, 19)
    assert alert_dates(cal, DEFAULT, date(2026, 3, 5)) == (date(2026, 3, 2), date(2026, 3, 5))


def test_conclusion_across_national_day(cal: WorkingCalendar) -> None:
    assert conclusion_due(cal, DEFAULT, date(2025, 8, 22)) == date(2025, 9, 9)


def test_alert_reaches_back_over_tet(cal: WorkingCalendar) -> None:
    assert alert_dates(cal, DEFAULT, date(2026, 2, 24)) == (date(2026, 2, 12), date(2026, 2, 24))
    # With no lead time the only alert is the due day itself, even when that is a holiday.
    no_lead = Timeline(alert_before_working_days=0)
    assert alert_dates(cal, no_lead, date(2026, 2, 17)) == (date(2026, 2, 17), date(2026, 2, 17))


def test_timeline_from_config() -> None:
    assert Timeline.from_config({}) == DEFAULT
    custom = Timeline.from_config({"answer_working_days": 30, "conclusion_working_days": 5})
    assert custom.answer_working_days == 30
    assert custom.conclusion_working_days == 5
    assert custom.notice_working_days == 7


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"notice_days": 7}, r"unknown timeline setting\(s\) notice_days"),
        ({"notice_working_days": -1}, r"notice_working_days .* got -1"),
        ({"notice_working_days": "7"}, r"notice_working_days .* got '7'"),
        ({"front_summary_days": True}, r"front_summary_days .* got True"),
        ({"front_summary_days": 10.5}, r"front_summary_days .* got 10.5"),
        ({"answer_working_days": 40}, r"extension_max_working_days \(30\) must not be shorter"),
    ],
)
def test_timeline_config_errors(cfg: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Timeline.from_config(cfg)
