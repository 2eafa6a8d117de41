"""Reading the start time officials type, in local time."""

from __future__ import annotations

import pytest

from handlers.session_time import parse_start
from tests.sessions.support import TZ, local

NOW = local(2026, 3, 2, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/12/2026 08:00", local(2026, 12, 15, 8)),
        ("2026-12-15 08:00", local(2026, 12, 15, 8)),
        ("2026-12-15T14:30", local(2026, 12, 15, 14, 30)),
        ("15-12-2026 8h30", local(2026, 12, 15, 8, 30)),
        ("8h 15/12", local(2026, 12, 15, 8)),
        ("2 giờ chiều 15/12/2026", local(2026, 12, 15, 14)),
        ("2 gio chieu 15/12/26", local(2026, 12, 15, 14)),
        ("8.30 15/12/2026", local(2026, 12, 15, 8, 30)),
        ("15/1 7:30", local(2027, 1, 15, 7, 30)),  # no year, already past this year: next one
    ],
)
def test_readable_forms(text: str, expected: object) -> None:
    assert parse_start(text, TZ, NOW) == expected


@pytest.mark.parametrize("text", ["", "mai", "15/12/2026", "32/12/2026 8:00", "15/12 25:00"])
def test_unreadable_forms(text: str) -> None:
    assert parse_start(text, TZ, NOW) is None
