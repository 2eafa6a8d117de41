"""WorkingCalendar against Vietnam's real holiday dates (holidays 0.109, checked month by month)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from scheduler.calendar import WorkingCalendar


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Tết Ất Tỵ 2025: Mon 27/1 to Fri 31/1 off (9 days with the weekends around them).
        (date(2025, 1, 24), True),
        (date(2025, 1, 27), False),
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),
        # Tết Bính Ngọ 2026: Mon 16/2 to Fri 20/2.
        (date(2026, 2, 13), True),
        (date(2026, 2, 16), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        # Tết Đinh Mùi 2027 starts on a Saturday: Thu 4/2 to Wed 10/2 off.
        (date(2027, 2, 3), True),
        (date(2027, 2, 4), False),
        (date(2027, 2, 10), False),
        (date(2027, 2, 11), True),
        # Giỗ Tổ Hùng Vương 2026 is a Sunday; the Monday after is off instead.
        (date(2026, 4, 27), False),
        # 30/4-1/5 2025: Friday 2/5 off, worked on Saturday 26/4 (a swap the package knows).
        (date(2025, 4, 26), True),
        (date(2025, 5, 2), False),
        # Quốc khánh: two days, 1-2/9 in 2025, 2-3/9 in 2027.
        (date(2025, 9, 1), False),
        (date(2025, 9, 3), True),
        (date(2027, 9, 1), True),
        (date(2027, 9, 3), False),
        # 2/9 2026: Monday 31/8 off, worked on Saturday 22/8.
        (date(2026, 8, 22), True),
        (date(2026, 8, 31), False),
        # An ordinary weekend and an ordinary weekday.
        (date(2025, 3, 8), False),
        (date(2025, 3, 10), True),
    ],
)
def test_is_working_day(cal: WorkingCalendar, day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working


def test_holiday_names_default_to_vietnamese(cal: WorkingCalendar) -> None:
    assert cal.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert cal.holiday_name(date(2025, 9, 2)) == "Quốc khánh"
    assert cal.holiday_name(date(2025, 4, 7)) == "Ngày Giỗ Tổ Hùng Vương"
    assert cal.holiday_name(date(2025, 3, 8)) is None  # a plain Saturday
    assert WorkingCalendar(language="en_US").holiday_name(date(2026, 2, 17)) == "Lunar New Year"


def test_add_working_days_across_tet(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert cal.add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert cal.add_working_days(date(2026, 2, 9), 7) == date(2026, 2, 25)
    assert cal.add_working_days(date(2026, 2, 25), -7) == date(2026, 2, 9)


def test_add_zero_working_days(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2026, 2, 13), 0) == date(2026, 2, 13)
    assert cal.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 23)


def test_weekends(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)
    assert cal.add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)
    assert cal.add_working_days(date(2025, 3, 10), -1) == date(2025, 3, 7)
    assert cal.next_working_day(date(2025, 3, 7)) == date(2025, 3, 10)
    assert cal.previous_working_day(date(2025, 3, 10)) == date(2025, 3, 7)


def test_custom_weekend() -> None:
    sunday_only = WorkingCalendar(weekend=(6,))
    assert sunday_only.is_working_day(date(2025, 3, 8))
    assert sunday_only.add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 8)


def test_working_days_between(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1
    assert cal.working_days_between(date(2026, 2, 9), date(2026, 2, 25)) == 7
    assert cal.working_days_between(date(2026, 2, 25), date(2026, 2, 9)) == -7
    assert cal.working_days_between(date(2025, 3, 10), date(2025, 3, 10)) == 0
    # Start is excluded, end included.
    assert cal.working_days_between(date(2025, 3, 9), date(2025, 3, 10)) == 1
    assert cal.working_days_between(date(2025, 3, 10), date(2025, 3, 11)) == 1


def test_extra_day_off_for_a_local_festival() -> None:
    festival = date(2025, 3, 12)
    local = WorkingCalendar(extra_days_off={festival})
    assert not local.is_working_day(festival)
    assert local.add_working_days(date(2025, 3, 11), 1) == date(2025, 3, 13)
    assert local.holiday_name(festival) is None


def test_swap_moves_a_working_day() -> None:
    # A Tết 2025 swap as a commune would configure it: Friday 24/1 off, Saturday 8/2 worked.
    swapped = WorkingCalendar(
        extra_days_off={date(2025, 1, 24)}, swapped_working_days={date(2025, 2, 8)}
    )
    assert not swapped.is_working_day(date(2025, 1, 24))
    assert swapped.is_working_day(date(2025, 2, 8))
    assert swapped.add_working_days(date(2025, 2, 7), 1) == date(2025, 2, 8)
    assert swapped.previous_working_day(date(2025, 1, 27)) == date(2025, 1, 23)


def test_commune_can_override_a_package_holiday() -> None:
    # Ngày Văn hóa Việt Nam (24/11) is listed from 2026 on ahead of the Labour Code amendment.
    culture_day = date(2026, 11, 24)
    assert not WorkingCalendar().is_working_day(culture_day)
    overridden = WorkingCalendar(swapped_working_days={culture_day})
    assert overridden.is_working_day(culture_day)
    assert overridden.holiday_name(culture_day) == "Ngày Văn hóa Việt Nam"


def test_package_misses_the_2026_new_year_swap() -> None:
    # 12729/VPCP-KGVX: Friday 2/1/2026 off, Saturday 10/1/2026 worked; holidays 0.109 lacks it.
    # If this fails after an upgrade, the package has caught up and communes can drop the entry.
    plain = WorkingCalendar()
    assert plain.is_working_day(date(2026, 1, 2))
    assert not plain.is_working_day(date(2026, 1, 10))


def test_years_bound_the_calendar() -> None:
    bounded = WorkingCalendar(range(2025, 2027))
    assert bounded.is_working_day(date(2026, 12, 31))
    with pytest.raises(ValueError, match="year 2027 is outside"):
        bounded.is_working_day(date(2027, 1, 4))
    with pytest.raises(ValueError, match="outside"):
        bounded.add_working_days(date(2026, 12, 30), 5)
    with pytest.raises(ValueError, match="2024-12-31 is outside"):
        WorkingCalendar(range(2025, 2027), extra_days_off={date(2024, 12, 31)})
    with pytest.raises(ValueError, match="must not be empty"):
        WorkingCalendar(range(2025, 2025))


def test_datetime_is_refused(cal: WorkingCalendar) -> None:
    # A datetime never equals a date, so it would silently miss every holiday.
    with pytest.raises(TypeError, match=r"datetime\.date"):
        cal.is_working_day(datetime(2026, 2, 17, 8, 0))
    with pytest.raises(TypeError):
        WorkingCalendar(extra_days_off={datetime(2026, 2, 17, 8, 0)})


def test_constructor_errors() -> None:
    with pytest.raises(ValueError, match="2025-01-24: both"):
        WorkingCalendar(
            extra_days_off={date(2025, 1, 24)}, swapped_working_days={date(2025, 1, 24)}
        )
    with pytest.raises(ValueError, match=r"0 \(Monday\) to 6"):
        WorkingCalendar(weekend=(6, 7))
    with pytest.raises(ValueError, match="whole week"):
        WorkingCalendar(weekend=range(7))
    with pytest.raises(ValueError, match="'fr'"):
        WorkingCalendar(language="fr")


def test_from_config() -> None:
    cal = WorkingCalendar.from_config(
        {"extra_days_off": ["2026-01-02"], "swapped_working_days": ["2026-01-10"]}
    )
    assert cal.extra_days_off == {date(2026, 1, 2)}
    assert cal.swapped_working_days == {date(2026, 1, 10)}
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 10))
    assert WorkingCalendar.from_config({}).is_working_day(date(2026, 1, 2))
    assert WorkingCalendar.from_config({"weekend": [6]}).is_working_day(date(2025, 3, 8))


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"extra_days_off": ["2025-01-24", "2025-13-01"]}, r"extra_days_off\[1\] = '2025-13-01'"),
        ({"extra_days_off": ["24/01/2025"]}, r"extra_days_off\[0\] = '24/01/2025'.*YYYY-MM-DD"),
        ({"swapped_working_days": ["20250208"]}, r"swapped_working_days\[0\] = '20250208'"),
        ({"swapped_working_days": [20250208]}, r"swapped_working_days\[0\] = 20250208"),
        ({"extra_days_off": "2025-01-24"}, r"extra_days_off must be a list"),
        ({"extra_day_off": ["2025-01-24"]}, r"unknown calendar setting\(s\) extra_day_off"),
        ({"weekend": "sunday"}, r"weekend must be a list"),
        ({"weekend": [True]}, r"weekend must be a list"),
        ({"language": 1}, r"language must be a string"),
    ],
)
def test_from_config_errors(cfg: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar.from_config(cfg)
