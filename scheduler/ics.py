"""iCalendar (RFC 5545) files for dialogue sessions, written by hand.

A phone's calendar app imports the file from /lich. Only what the RFC requires and phones use:
VCALENDAR with VERSION and PRODID; one VEVENT per session with UID, DTSTAMP, DTSTART and DTEND
in UTC, SUMMARY, LOCATION, DESCRIPTION, SEQUENCE, STATUS and a reminder alarm. Lines end in
CRLF and are folded at 75 octets without splitting a UTF-8 character (section 3.1); text values
are escaped (section 3.3.11).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PRODID = "-//Y Dan//ydan dialogue sessions//VI"
LINE_OCTETS = 75
CRLF = "\r\n"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    start: datetime
    summary: str
    duration: timedelta = timedelta(hours=3)
    location: str | None = None
    description: str | None = None
    sequence: int = 0
    cancelled: bool = False
    alarm_before: timedelta | None = timedelta(hours=2)


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("iCalendar times need an aware datetime")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets; continuations start with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line
    chunks: list[str] = []
    current = b""
    limit = LINE_OCTETS
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            chunks.append(current.decode("utf-8"))
            current = b""
            limit = LINE_OCTETS - 1  # the leading space of a continuation line counts
        current += piece
    chunks.append(current.decode("utf-8"))
    return (CRLF + " ").join(chunks)


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    return f"-PT{minutes}M"


def _event_lines(event: IcsEvent, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.start + event.duration)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.alarm_before is not None and not event.cancelled:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(event.summary)}",
            f"TRIGGER:{_duration(event.alarm_before)}",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def calendar(events: Sequence[IcsEvent] | Iterable[IcsEvent], *, now: datetime) -> bytes:
    """The whole .ics file, UTF-8 with CRLF line endings."""
    stamp = utc_stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines).encode("utf-8")
