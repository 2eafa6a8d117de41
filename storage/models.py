"""SQLAlchemy models for the whole domain of a commune's dialogue with its citizens."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings so that adding a member never needs a PostgreSQL ALTER TYPE.
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    VILLAGE_HEAD = "village_head"
    OFFICIAL = "official"
    ADMIN = "admin"


class Department(enum.StrEnum):
    OFFICE = "office"
    HOST = "host"
    LAND = "land"
    JUSTICE = "justice"
    CULTURE_SOCIETY = "culture_society"
    ECONOMY = "economy"
    POLICE = "police"
    FRONT = "front"


class SessionKind(enum.StrEnum):
    PERIODIC = "dinh_ky"
    THEMATIC = "chuyen_de"
    AD_HOC = "dot_xuat"


class SessionForm(enum.StrEnum):
    IN_PERSON = "truc_tiep"
    ONLINE = "truc_tuyen"
    INDIRECT = "gian_tiep"


class SessionStatus(enum.StrEnum):
    PLANNED = "planned"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    HELD = "held"
    CONCLUDED = "concluded"


class ConcernStatus(enum.StrEnum):
    RECEIVED = "received"
    CLASSIFIED = "classified"
    ON_AGENDA = "on_agenda"
    ANSWERED_AT_SESSION = "answered_at_session"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    ANSWERED = "answered"
    NOT_ACCEPTED = "not_accepted"
    REOPENED = "reopened"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


OPEN_CONCERN_STATUSES = (
    ConcernStatus.RECEIVED,
    ConcernStatus.CLASSIFIED,
    ConcernStatus.ON_AGENDA,
    ConcernStatus.ASSIGNED,
    ConcernStatus.REOPENED,
)


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


class Commune(Base):
    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(200))
    code_prefix: Mapped[str] = mapped_column(String(8), default="DT")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]

    villages: Mapped[list[Village]] = relationship(back_populates="commune", order_by="Village.id")


class Village(Base):
    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    folded_name: Mapped[str] = mapped_column(String(200), index=True)

    commune: Mapped[Commune] = relationship(back_populates="villages")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    privacy_accepted_at: Mapped[datetime | None]
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="person")


class ChannelIdentity(Base):
    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))

    person: Mapped[Person] = relationship(back_populates="identities")


class Membership(Base):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role))
    department: Mapped[Department | None] = mapped_column(_enum(Department))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role))
    department: Mapped[Department | None] = mapped_column(_enum(Department))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class DialogueSession(Base):
    __tablename__ = "dialogue_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[SessionKind] = mapped_column(_enum(SessionKind))
    form: Mapped[SessionForm] = mapped_column(_enum(SessionForm))
    host: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[SessionStatus] = mapped_column(
        _enum(SessionStatus), default=SessionStatus.PLANNED
    )
    target_group: Mapped[str | None] = mapped_column(String(100))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    conclusion_number: Mapped[str | None] = mapped_column(String(50))
    concluded_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Bumped by every change citizens must hear of (postponement, cancellation, new venue);
    # the notice job announces each version once, scanning for noticed_version < version.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    noticed_version: Mapped[int | None] = mapped_column(Integer)
    announced_at: Mapped[datetime | None]
    previous_starts_at: Mapped[datetime | None]
    # The start time each reminder was queued for: a postponement makes both due again.
    reminded_day_before: Mapped[datetime | None]
    reminded_hours_before: Mapped[datetime | None]

    villages: Mapped[list[Village]] = relationship(secondary="session_villages")


class SessionVillage(Base):
    __tablename__ = "session_villages"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("dialogue_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    village_id: Mapped[int] = mapped_column(
        ForeignKey("villages.id", ondelete="CASCADE"), primary_key=True
    )


class Concern(Base):
    __tablename__ = "concerns"
    __table_args__ = (Index("ix_concerns_commune_created", "commune_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    on_behalf_name: Mapped[str | None] = mapped_column(String(200))
    on_behalf_phone: Mapped[str | None] = mapped_column(String(32))
    on_behalf_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[ConcernStatus] = mapped_column(_enum(ConcernStatus), index=True)
    primary_topic: Mapped[str] = mapped_column(String(32))
    legal_complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    abusive: Mapped[bool] = mapped_column(Boolean, default=False)
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    model_version: Mapped[str | None] = mapped_column(String(64))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogue_sessions.id", ondelete="SET NULL"), index=True
    )
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    topics: Mapped[list[ConcernTopic]] = relationship(
        back_populates="concern", cascade="all, delete-orphan", order_by="ConcernTopic.id"
    )
    events: Mapped[list[ConcernEvent]] = relationship(
        back_populates="concern", cascade="all, delete-orphan", order_by="ConcernEvent.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="concern", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class ConcernTopic(Base):
    __tablename__ = "concern_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[str] = mapped_column(String(32))
    score: Mapped[float | None] = mapped_column(Float)
    # model, citizen or official: an official's correction is training data for the tagger
    source: Mapped[str] = mapped_column(String(16))

    concern: Mapped[Concern] = relationship(back_populates="topics")


class ConcernEvent(Base):
    """One step of a concern's history, shown by /tracuu."""

    __tablename__ = "concern_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ConcernStatus] = mapped_column(_enum(ConcernStatus))
    note: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime]

    concern: Mapped[Concern] = relationship(back_populates="events")


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    file_ref: Mapped[str | None] = mapped_column(String(300))
    file_name: Mapped[str | None] = mapped_column(String(300))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    concern: Mapped[Concern] = relationship(back_populates="attachments")


class SpeakerRegistration(Base):
    __tablename__ = "speaker_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("dialogue_sessions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    concern_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    department: Mapped[Department] = mapped_column(_enum(Department))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    due_date: Mapped[date] = mapped_column(Date)
    extended_due_date: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    escalated_to: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Answer(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # at_session | written | not_accepted
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    feedback: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """The outbox: every proactive message, sent by the dispatcher exactly once per key."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[NotificationStatus] = mapped_column(
        _enum(NotificationStatus), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class OutboxFile(Base):
    """A document the outbox sends, stored once however many chats receive it.

    Rows of the outbox refer to it by id; ``refs`` keeps what each platform returned for the first
    upload (Telegram's ``file_id``), so later sends reuse it instead of uploading again.
    """

    __tablename__ = "outbox_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    refs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class ConversationState(Base):
    __tablename__ = "conversation_states"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    nonce: Mapped[str] = mapped_column(String(16), default="")
    updated_at: Mapped[datetime] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    group_notice_sent: Mapped[bool] = mapped_column(Boolean, default=False)


class ProcessedUpdate(Base):
    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(index=True)


class CodeCounter(Base):
    """Per prefix and year sequence behind tracking codes such as DT-26-0042."""

    __tablename__ = "code_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
