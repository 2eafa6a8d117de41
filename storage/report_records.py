"""Plain input records for the officials' documents: the renderers read only these.

The reporting queries (``storage.repo.reporting*``) fill them; the renderers
(``handlers.reports``) never query the database, so they can be tested (and previewed) on data
built by hand. This module imports nothing of SQLAlchemy, so the renderers stay light.

Conventions every renderer relies on:

- Topic codes are the classifier's fixed codes (``nlp.topics.TOPICS``), statuses are the values of
  ``storage.models.ConcernStatus``; both are turned into words through the ``report.topic.*`` and
  ``report.status.*`` catalog keys (an unknown code is printed as it is rather than lost).
- Datetimes may be naive (taken as Vietnam local time) or aware (converted to UTC+7 when shown);
  storage hands out aware UTC values.
- ``commune_name`` includes the unit word, as it is said in a sentence: "xã Bảo Tân".
- A submitter's name appears only where ``submitter_public_name``/``public_name`` is set: the
  citizen agreed to be named. ``None`` means anonymous.
- Counts are ``(key, count)`` pairs, printed in the order given: the caller decides the sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

# One statement of the status values, kept equal to storage.models.ConcernStatus by a test:
# importing storage.models here would drag SQLAlchemy into every renderer.
STATUS_CODES: tuple[str, ...] = (
    "received",
    "classified",
    "on_agenda",
    "answered_at_session",
    "assigned",
    "escalated",
    "answered",
    "not_accepted",
    "reopened",
    "withdrawn",
    "closed",
)

# storage.models.Department values, which the caller may pass as ``ConcernRow.department``.
DEPARTMENT_CODES: tuple[str, ...] = (
    "office",
    "host",
    "land",
    "justice",
    "culture_society",
    "economy",
    "police",
    "front",
)

Count = tuple[str, int]
# PublicItem has a field named "date", which would hide the type inside its class body.
CalendarDate = date


@dataclass(frozen=True, slots=True)
class ConcernRow:
    """One concern as the documents show it."""

    code: str
    text: str
    village: str | None
    primary_topic: str
    status: str
    created_at: datetime
    topics: tuple[str, ...] = ()
    urgent: bool = False
    legal_complaint: bool = False
    abusive: bool = False
    submitter_public_name: str | None = None
    times_raised: int = 1
    due_date: date | None = None
    # A Department code ("land") or a unit's own wording ("Phòng Kinh tế").
    department: str | None = None
    answer: str | None = None
    escalated_to: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Similar concerns grouped together; ``representative_text`` stands for all of them."""

    representative_text: str
    count: int
    codes: tuple[str, ...]
    villages: tuple[str, ...]
    primary_topic: str


@dataclass(frozen=True, slots=True)
class SpeakerRow:
    """A registration to speak; ``name`` None means the citizen asked not to be named."""

    position: int
    name: str | None
    concern_code: str | None = None


@dataclass(frozen=True, slots=True)
class TriageData:
    """The office's summary of what citizens raised before a session (or over a period)."""

    commune_name: str
    title: str
    period_start: date
    period_end: date
    generated_at: datetime
    total: int
    by_topic: Sequence[Count] = ()
    by_village: Sequence[Count] = ()
    groups: Sequence[GroupRow] = ()
    urgent: Sequence[ConcernRow] = ()
    legal_complaints: Sequence[ConcernRow] = ()
    repeated_unresolved: Sequence[ConcernRow] = ()
    speakers: Sequence[SpeakerRow] = ()


@dataclass(frozen=True, slots=True)
class ConclusionData:
    """The conclusion notice (thông báo kết luận) of one session; always issued in Vietnamese."""

    commune_name: str
    issuing_body: str
    place: str
    issue_date: date
    session_title: str
    # A datetime also prints the hour the session opened.
    session_date: date | datetime
    host_name: str
    host_title: str
    venue: str
    participants_summary: str
    signer_title: str
    signer_name: str
    # "15/TB-UBND" (a leading "Số:" is tolerated); None leaves the number blank for a draft.
    number_symbol: str | None = None
    answered: Sequence[ConcernRow] = ()
    assigned: Sequence[ConcernRow] = ()
    escalated: Sequence[ConcernRow] = ()
    not_accepted: Sequence[ConcernRow] = ()
    # Printed as given, one a line; empty means the catalog's default list.
    recipients: Sequence[str] = ()
    # "TM. ỦY BAN NHÂN DÂN" by default; "KT. CHỦ TỊCH" when a vice-chair signs.
    signing_authority: str | None = None
    # Kept for the caller's records: the heading of a commune's People's Committee names only the
    # commune (Decree 30/2020/NĐ-CP, Annex I), and districts no longer exist after 1 July 2025.
    district_name: str | None = None
    province_name: str | None = None


@dataclass(frozen=True, slots=True)
class StatsData:
    """Counts for a period and how punctually the assigned concerns were answered."""

    commune_name: str
    period_start: date
    period_end: date
    by_topic: Sequence[Count] = ()
    by_village: Sequence[Count] = ()
    by_status: Sequence[Count] = ()
    # A fraction between 0 and 1; None when nothing was due in the period.
    on_time_rate: float | None = None
    answered_on_time: int = 0
    answered_late: int = 0
    overdue: int = 0
    # None: the sum of ``by_status``.
    total: int | None = None
    generated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PublicItem:
    """An answered concern as the public page shows it: no personal data beyond a consented name."""

    code: str
    date: CalendarDate
    village: str | None
    topic: str
    question: str
    answer: str
    answered_at: CalendarDate
    public_name: str | None = None
