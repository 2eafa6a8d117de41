"""The notification outbox: every proactive message is a row here before anything is sent.

Writers (handlers, reminders, broadcasts) call ``enqueue``/``enqueue_many`` inside their own
transaction, so a message exists if and only if the change that caused it was committed. The
idempotency key makes enqueueing safe to repeat (a reminder job that runs twice, a retried
handler). ``scheduler.dispatcher`` claims due rows with a lease, sends them and records the
outcome with the small functions below; they hold all the SQL, the dispatcher holds the policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Insert, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import SystemClock
from storage.db import insert_skipping_duplicates
from storage.models import Notification, NotificationStatus, Person

_ERROR_LEN = 300  # the width of Notification.last_error


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message to enqueue; ``payload`` is opaque here and understood by the channel sender."""

    key: str
    channel: str
    chat_id: str
    person_id: int | None
    kind: str
    payload: dict[str, Any]
    not_before: datetime


@dataclass(frozen=True, slots=True)
class ClaimedNotification:
    """A row this worker holds a lease on, detached from any session."""

    id: int
    channel: str
    chat_id: str
    person_id: int | None
    kind: str
    payload: dict[str, Any] = field(repr=False)  # may hold personal data: keep it out of logs
    attempts: int


def _insert(session: AsyncSession) -> Insert:
    return insert_skipping_duplicates(session, Notification, Notification.idempotency_key)


def _row(message: OutboxMessage, created_at: datetime) -> dict[str, Any]:
    return {
        "idempotency_key": message.key,
        "channel": message.channel,
        "chat_id": message.chat_id,
        "person_id": message.person_id,
        "kind": message.kind,
        "payload": message.payload,
        "status": NotificationStatus.PENDING,
        "attempts": 0,
        "not_before": message.not_before,
        "created_at": created_at,
    }


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    channel: str,
    chat_id: str,
    person_id: int | None,
    kind: str,
    payload: dict[str, Any],
    not_before: datetime,
    created_at: datetime | None = None,
) -> bool:
    """Add one message unless ``key`` is already in the outbox; True if it was added.

    ``created_at`` is informational; pass ``clock.now()`` where a clock is at hand.
    """
    message = OutboxMessage(key, channel, chat_id, person_id, kind, payload, not_before)
    stmt = _insert(session).values(_row(message, created_at or SystemClock().now()))
    result = await session.execute(stmt.returning(Notification.id))
    return result.scalar_one_or_none() is not None


async def enqueue_many(
    session: AsyncSession,
    messages: Iterable[OutboxMessage],
    *,
    created_at: datetime | None = None,
    chunk: int = 2000,
) -> int:
    """Add many messages at once (a broadcast); returns how many keys were new.

    Rows go in as executemany batches, which SQLAlchemy turns into multi-row INSERTs on both
    backends; chunking bounds the memory a 10,000-recipient notice needs.
    """
    stamp = created_at or SystemClock().now()
    stmt = _insert(session).returning(Notification.id)
    added = 0
    batch: list[dict[str, Any]] = []
    for message in messages:
        batch.append(_row(message, stamp))
        if len(batch) >= chunk:
            added += len((await session.execute(stmt, batch)).all())
            batch = []
    if batch:
        added += len((await session.execute(stmt, batch)).all())
    return added


async def pending_count(session: AsyncSession) -> int:
    """Messages not yet settled: waiting to be sent, or claimed by a dispatcher right now."""
    stmt = select(func.count()).where(
        Notification.status.in_([NotificationStatus.PENDING, NotificationStatus.SENDING])
    )
    return int((await session.execute(stmt)).scalar_one())


async def counts_by_status(session: AsyncSession) -> dict[NotificationStatus, int]:
    """How many rows are in each status; every status is present, zero if none."""
    stmt = select(Notification.status, func.count()).group_by(Notification.status)
    counts = dict.fromkeys(NotificationStatus, 0)
    for status, count in (await session.execute(stmt)).all():
        counts[NotificationStatus(status)] = int(count)
    return counts


def _claimable(now: datetime, channels: Sequence[str]) -> Any:
    due = and_(Notification.status == NotificationStatus.PENDING, Notification.not_before <= now)
    # A lease that ran out belongs to a worker that died (or stalled): the row is fair game.
    abandoned = and_(
        Notification.status == NotificationStatus.SENDING, Notification.claimed_until < now
    )
    return and_(or_(due, abandoned), Notification.channel.in_(channels))


async def claim_due(
    session: AsyncSession,
    *,
    worker_id: str,
    channels: Sequence[str],
    now: datetime,
    lease: timedelta,
    limit: int,
) -> tuple[list[ClaimedNotification], list[int]]:
    """Lease up to ``limit`` due rows to ``worker_id``, oldest first.

    Returns the claimed rows and the ids of rows dropped instead because their person is known
    to be unreachable (those are marked UNREACHABLE here and never sent). On PostgreSQL the
    ``FOR UPDATE SKIP LOCKED`` lets concurrent workers claim disjoint batches without waiting;
    SQLite ignores it, its write transaction already excludes other writers.
    """
    if not channels:
        return [], []
    stmt = (
        select(Notification, Person.unreachable)
        .outerjoin(Person, Person.id == Notification.person_id)
        .where(_claimable(now, channels))
        .order_by(Notification.not_before, Notification.id)
        .limit(limit)
        .with_for_update(of=Notification, skip_locked=True)
    )
    rows = (await session.execute(stmt)).all()
    claimed: list[ClaimedNotification] = []
    dropped: list[int] = []
    for notification, person_unreachable in rows:
        if person_unreachable:
            dropped.append(notification.id)
            continue
        claimed.append(
            ClaimedNotification(
                id=notification.id,
                channel=notification.channel,
                chat_id=notification.chat_id,
                person_id=notification.person_id,
                kind=notification.kind,
                payload=dict(notification.payload),
                attempts=notification.attempts + 1,
            )
        )
    if dropped:
        await session.execute(
            update(Notification)
            .where(Notification.id.in_(dropped))
            .values(
                status=NotificationStatus.UNREACHABLE,
                claimed_by=None,
                claimed_until=None,
                last_error="person unreachable",
            )
        )
    if claimed:
        await session.execute(
            update(Notification)
            .where(Notification.id.in_([c.id for c in claimed]))
            .values(
                status=NotificationStatus.SENDING,
                claimed_by=worker_id,
                claimed_until=now + lease,
                attempts=Notification.attempts + 1,
            )
        )
    # The ORM objects loaded above are stale now; nothing else in this session may use them.
    session.expunge_all()
    return claimed, dropped


def _mine(ids: Iterable[int], worker_id: str) -> Any:
    return and_(
        Notification.id.in_(list(ids)),
        Notification.status == NotificationStatus.SENDING,
        Notification.claimed_by == worker_id,
    )


async def renew_lease(
    session: AsyncSession, *, ids: Sequence[int], worker_id: str, until: datetime
) -> set[int]:
    """Extend this worker's lease on ``ids``; returns the ids it still held."""
    if not ids:
        return set()
    stmt = (
        update(Notification)
        .where(_mine(ids, worker_id))
        .values(claimed_until=until)
        .returning(Notification.id)
    )
    return set((await session.execute(stmt)).scalars().all())


async def mark_sent(session: AsyncSession, notification_id: int, *, now: datetime) -> None:
    """Record a delivery. Unconditional: the message did go out, whoever holds the lease now."""
    await session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(
            status=NotificationStatus.SENT,
            sent_at=now,
            claimed_by=None,
            claimed_until=None,
            last_error=None,
        )
    )


async def reschedule(
    session: AsyncSession,
    ids: Sequence[int],
    *,
    worker_id: str,
    not_before: datetime,
    error: str | None,
    refund_attempt: bool,
) -> int:
    """Put claimed rows back to pending until ``not_before``; returns how many were still ours.

    ``refund_attempt`` gives back the attempt counted at claim time, for rows that were never
    tried (deferred by the rate limiter) or refused by flood control through no fault of theirs.
    """
    if not ids:
        return 0
    values: dict[str, Any] = {
        "status": NotificationStatus.PENDING,
        "not_before": not_before,
        "claimed_by": None,
        "claimed_until": None,
    }
    if error is not None:
        values["last_error"] = error[:_ERROR_LEN]
    if refund_attempt:
        # Safe: the claim that made these rows ours counted the attempt being refunded.
        values["attempts"] = Notification.attempts - 1
    result = await session.execute(
        update(Notification).where(_mine(ids, worker_id)).values(**values)
    )
    return int(cast(CursorResult[Any], result).rowcount)


async def mark_failed(
    session: AsyncSession, notification_id: int, *, worker_id: str, error: str
) -> None:
    """Give up on a row this worker holds (bad request, or out of retries)."""
    await session.execute(
        update(Notification)
        .where(_mine([notification_id], worker_id))
        .values(
            status=NotificationStatus.FAILED,
            claimed_by=None,
            claimed_until=None,
            last_error=error[:_ERROR_LEN],
        )
    )


async def mark_unreachable(
    session: AsyncSession,
    *,
    channel: str,
    chat_id: str,
    person_id: int | None,
    worker_id: str,
    error: str,
) -> list[int]:
    """The chat is gone (bot blocked, chat deleted): settle every open row for it, and the person.

    Rows of that chat that are pending, or claimed by this worker, become UNREACHABLE; rows
    another worker holds are left to that worker, which will hear the same answer. Returns the
    ids marked.
    """
    open_rows = or_(
        Notification.status == NotificationStatus.PENDING,
        and_(
            Notification.status == NotificationStatus.SENDING,
            Notification.claimed_by == worker_id,
        ),
    )
    stmt = (
        update(Notification)
        .where(Notification.channel == channel, Notification.chat_id == chat_id, open_rows)
        .values(
            status=NotificationStatus.UNREACHABLE,
            claimed_by=None,
            claimed_until=None,
            last_error=error[:_ERROR_LEN],
        )
        .returning(Notification.id)
    )
    marked = list((await session.execute(stmt)).scalars().all())
    if person_id is not None:
        await session.execute(update(Person).where(Person.id == person_id).values(unreachable=True))
    return marked
