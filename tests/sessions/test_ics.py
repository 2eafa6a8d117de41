"""The hand-written RFC 5545 file: structure, UTC times, escaping, folding, CRLF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scheduler.ics import IcsEvent, calendar, escape_text, fold
from tests.sessions.support import local

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def unfold(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_one_event_with_the_required_properties() -> None:
    event = IcsEvent(
        uid="session-7-commune-1@ydan",
        start=local(2026, 12, 15, 8),
        summary="Hội nghị đối thoại, Quý IV; thôn Bảo Tân",
        location="Hội trường UBND xã",
        description="Dòng 1\nDòng 2 \\ hết",
        sequence=2,
    )
    raw = calendar([event], now=NOW)
    assert raw.endswith(b"END:VCALENDAR\r\n")
    lines = unfold(raw)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Y Dan//ydan dialogue sessions//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    assert "UID:session-7-commune-1@ydan" in lines
    assert "DTSTAMP:20260302T010000Z" in lines
    assert "DTSTART:20261215T010000Z" in lines  # 08:00 in Vietnam
    assert "DTEND:20261215T040000Z" in lines
    assert "SEQUENCE:2" in lines
    assert "SUMMARY:Hội nghị đối thoại\\, Quý IV\\; thôn Bảo Tân" in lines
    assert "DESCRIPTION:Dòng 1\\nDòng 2 \\\\ hết" in lines
    assert "TRIGGER:-PT120M" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    line = "DESCRIPTION:" + "Nhà văn hóa thôn Đồng Tâm " * 12
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    for index, part in enumerate(parts):
        assert len(part.encode("utf-8")) <= 75
        assert index == 0 or part.startswith(" ")
    assert folded.replace("\r\n ", "") == line


def test_escaping_and_a_cancelled_event_without_alarm() -> None:
    assert escape_text("a,b;c\\d\r\ne") == "a\\,b\\;c\\\\d\\ne"
    event = IcsEvent(uid="x", start=NOW, summary="s", cancelled=True, duration=timedelta(hours=1))
    lines = unfold(calendar([event], now=NOW))
    assert "STATUS:CANCELLED" in lines and "BEGIN:VALARM" not in lines
