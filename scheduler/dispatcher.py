"""The outbox dispatcher: claims due notifications, sends them within the limits, records results.

Delivery is at-least-once with a small, bounded duplicate window. A round claims a batch of due
rows in one short transaction (status ``sending`` plus a lease: ``claimed_by``/``claimed_until``)
before anything is sent, and records each outcome in its own small transaction right after the
send. A worker that dies mid-round leaves its rows ``sending``; when the lease runs out any
dispatcher takes them again. So after a hard kill only the sends that were in flight (at most
``concurrency``) can reach a citizen twice; rows claimed but not yet tried are sent once, late.

Within a round, chats are served by a few concurrent tasks, and each chat's rows go one after
another in the order they were enqueued (a row put back for a retry after a transient error
lets the later ones pass; flood control puts back the chat's rest with it). The rate limiter
is per process and per channel: two ``serve`` processes each keep to the limits on their own.

Logs carry ids, kinds and error classes only, never message text or contact data.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler import documents
from scheduler.ratelimit import Limits, RateLimiter
from scheduler.senders import (
    NotificationSender,
    PermanentError,
    RetryAfter,
    SendError,
    TransientError,
    Unreachable,
)
from storage import outbox
from storage.clock import Clock
from storage.database import Database
from storage.outbox import ClaimedNotification

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter for transient failures, capped, then give up."""

    base_seconds: float = 5.0
    cap_seconds: float = 900.0
    max_attempts: int = 8

    def __post_init__(self) -> None:
        if self.base_seconds <= 0 or self.cap_seconds < self.base_seconds:
            raise ValueError("need 0 < base_seconds <= cap_seconds")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def backoff(self, attempt: int, rand: random.Random) -> float:
        """The wait after failed attempt number ``attempt`` (1-based).

        Half fixed, half random ("equal jitter"): a network outage fails many rows at once and
        the random half keeps them from all coming back in the same instant.
        """
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** max(attempt - 1, 0))
        return ceiling / 2 + rand.uniform(0.0, ceiling / 2)


@dataclass(slots=True)
class DispatchStats:
    """Outcomes since the dispatcher was built (for logs and the benchmark)."""

    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    failed: int = 0
    unreachable: int = 0
    deferred: int = 0


class _Round:
    """The rows one ``run_once`` holds, and the lease on them."""

    def __init__(self, rows: Sequence[ClaimedNotification], lease_until: datetime) -> None:
        self.held = {row.id for row in rows}
        self.lease_until = lease_until
        self.lease_lock = asyncio.Lock()
        self.sent = 0
        chats: dict[tuple[str, str], list[ClaimedNotification]] = {}
        for row in rows:
            chats.setdefault((row.channel, row.chat_id), []).append(row)
        self.chats: deque[list[ClaimedNotification]] = deque(chats.values())


class OutboxDispatcher:
    """Sends the outbox through one ``NotificationSender`` per channel."""

    def __init__(
        self,
        db: Database,
        senders: Mapping[str, NotificationSender],
        clock: Clock,
        *,
        worker_id: str,
        sleep: Sleep = asyncio.sleep,
        rand: random.Random | None = None,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
        claim_batch: int = 100,
        lease_seconds: float = 60.0,
        concurrency: int = 8,
        max_inline_wait: float = 5.0,
        idle_seconds: float = 1.0,
    ) -> None:
        if claim_batch < 1 or concurrency < 1:
            raise ValueError("claim_batch and concurrency must be at least 1")
        if lease_seconds <= 0:
            raise ValueError("lease_seconds must be positive")
        if not 0 < len(worker_id) <= 64:
            raise ValueError("worker_id must be 1 to 64 characters")
        self.db = db
        self.senders = dict(senders)
        self.clock = clock
        self.worker_id = worker_id
        self._sleep = sleep
        self._rand = rand or random.Random()
        self.retry = retry or RetryPolicy()
        self.claim_batch = claim_batch
        self.lease = timedelta(seconds=lease_seconds)
        self.concurrency = concurrency
        self.max_inline_wait = max_inline_wait
        self.idle_seconds = idle_seconds
        # One limiter per channel: each platform counts its own messages.
        self.limiters = {channel: RateLimiter(clock, limits) for channel in self.senders}
        self.stats = DispatchStats()
        self.last_claimed = 0

    # -- the loop -----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set; a failed round is logged and retried after a pause."""
        log.info("outbox dispatcher %s started", self.worker_id)
        while not stop.is_set():
            try:
                await self.run_once(stop)
            except Exception as exc:
                # Database errors may quote parameters (message text): log the class only.
                log.error("outbox round failed: %s", type(exc).__name__)
                self.last_claimed = 0
            if self.last_claimed == 0 and not stop.is_set():
                await self._nap(self.idle_seconds, stop)
        log.info("outbox dispatcher %s stopped", self.worker_id)

    async def run_once(self, stop: asyncio.Event | None = None) -> int:
        """Claim one batch of due rows, send it, record the outcomes; returns how many were sent.

        If ``stop`` is set midway, rows not yet tried go back to pending at once.
        """
        self.last_claimed = 0
        for limiter in self.limiters.values():
            # Sit out a flood-control pause before claiming, not while holding rows.
            while (wait := limiter.global_delay()) > 0:
                if stop is not None and stop.is_set():
                    return 0
                await self._nap(wait, stop)
        now = self.clock.now()
        async with self.db.transaction() as session:
            rows, dropped = await outbox.claim_due(
                session,
                worker_id=self.worker_id,
                channels=sorted(self.senders),
                now=now,
                lease=self.lease,
                limit=self.claim_batch,
            )
        for notification_id in dropped:
            log.info("notification %d dropped: person unreachable", notification_id)
        self.stats.unreachable += len(dropped)
        self.last_claimed = len(rows)
        if not rows:
            return 0
        log.debug("claimed %d notifications", len(rows))
        round_ = _Round(rows, now + self.lease)
        async with asyncio.TaskGroup() as tasks:
            for _ in range(min(self.concurrency, len(round_.chats))):
                tasks.create_task(self._serve_chats(round_, stop))
        return round_.sent

    async def _serve_chats(self, round_: _Round, stop: asyncio.Event | None) -> None:
        while round_.chats:
            rows = round_.chats.popleft()
            await self._serve_chat(round_, rows, stop)

    async def _serve_chat(
        self, round_: _Round, rows: list[ClaimedNotification], stop: asyncio.Event | None
    ) -> None:
        sender = self.senders[rows[0].channel]
        # How long this chat may still keep the round waiting on its own limits.
        budget = self.max_inline_wait
        for index, row in enumerate(rows):
            if row.id not in round_.held:
                continue  # settled with an earlier row of the chat, or the lease was lost
            left = await self._take_turn(round_, sender, rows[index:], budget, stop)
            if left is None:
                return
            budget = left
            if row.id not in round_.held:
                continue
            # No await since the booking: the limiter's times are the send times.
            if not await self._attempt(round_, sender, row, rows[index + 1 :]):
                return

    async def _take_turn(
        self,
        round_: _Round,
        sender: NotificationSender,
        rest: Sequence[ClaimedNotification],
        budget: float,
        stop: asyncio.Event | None,
    ) -> float | None:
        """Wait until the limiter books a send for ``rest[0]``; returns the budget left.

        None means the chat's remaining rows were handed back to pending: the dispatcher is
        stopping, or waiting on the chat's own limit (one per second, twenty a minute in a
        group) would exceed ``budget``. One busy chat must not hold up the whole round, and
        with it every other chat of the next one.
        """
        row = rest[0]
        limiter = self.limiters[row.channel]
        group = sender.is_group(row.chat_id)
        await self._keep_lease(round_, 0.0)
        while True:
            if stop is not None and stop.is_set():
                await self._defer(round_, rest, wait=0.0)
                return None
            if row.id not in round_.held:
                return budget  # lost with the lease; the caller skips it
            wait = limiter.acquire(row.chat_id, group=group)
            if wait <= 0:
                return budget
            if limiter.global_delay() < wait:  # the chat's own limit is what holds it back
                if wait > budget:
                    await self._defer(round_, rest, wait=wait)
                    return None
                budget -= wait
            await self._keep_lease(round_, wait)
            await self._nap(wait, stop)

    # -- one send and its outcome -------------------------------------------------------------

    async def _attempt(
        self,
        round_: _Round,
        sender: NotificationSender,
        row: ClaimedNotification,
        later: Sequence[ClaimedNotification],
    ) -> bool:
        """Send ``row`` and record the outcome; False if the rest of its chat must not follow."""
        try:
            await self._send(sender, row)
        except RetryAfter as exc:
            await self._on_retry_after(round_, row, later, exc)
            return False
        except Unreachable as exc:
            await self._on_unreachable(round_, row, exc)
            return False
        except PermanentError as exc:
            await self._fail(round_, row, exc)
        except TransientError as exc:
            await self._on_transient(round_, row, exc)
        except Exception as exc:
            # A bug or an unmapped library error in the sender: retrying is the safe reading.
            await self._on_transient(round_, row, TransientError(type(exc).__name__))
        else:
            async with self.db.transaction() as session:
                await outbox.mark_sent(session, row.id, now=self.clock.now())
            round_.held.discard(row.id)
            round_.sent += 1
            self.stats.sent += 1
            log.debug("notification %d (%s) sent", row.id, row.kind)
        return True

    async def _send(self, sender: NotificationSender, row: ClaimedNotification) -> None:
        try:
            prepared = await documents.prepare(self.db, row)
            try:
                ref = await sender.send(row.chat_id, prepared.payload)
            except PermanentError:
                if await documents.forget_rejected_ref(self.db, prepared, row.channel):
                    raise TransientError("stored file reference refused; will upload") from None
                raise
        finally:
            # Whatever the outcome, the platform may have counted the message by now.
            self.limiters[row.channel].settle(row.chat_id)
        await documents.remember_ref(self.db, prepared, row.channel, ref)

    async def _on_retry_after(
        self,
        round_: _Round,
        row: ClaimedNotification,
        later: Sequence[ClaimedNotification],
        exc: RetryAfter,
    ) -> None:
        # Flood control is about the bot, not this row: pause every send and refund the attempt.
        # The chat's later rows go back with it so that they still arrive after it.
        self.limiters[row.channel].pause(exc.seconds)
        not_before = self.clock.now() + timedelta(seconds=exc.seconds)
        ids = [row.id] + [other.id for other in later if other.id in round_.held]
        async with self.db.transaction() as session:
            await outbox.reschedule(
                session,
                ids,
                worker_id=self.worker_id,
                not_before=not_before,
                error=str(exc),
                refund_attempt=True,
            )
        round_.held.difference_update(ids)
        self.stats.rate_limited += 1
        self.stats.deferred += len(ids) - 1
        log.warning("notification %d (%s): flood control, %gs", row.id, row.kind, exc.seconds)

    async def _on_unreachable(
        self, round_: _Round, row: ClaimedNotification, exc: Unreachable
    ) -> None:
        async with self.db.transaction() as session:
            marked = await outbox.mark_unreachable(
                session,
                channel=row.channel,
                chat_id=row.chat_id,
                person_id=row.person_id,
                worker_id=self.worker_id,
                error=str(exc) or "unreachable",
            )
        round_.held.difference_update(marked)
        round_.held.discard(row.id)
        self.stats.unreachable += len(marked)
        log.warning(
            "notification %d (%s): chat unreachable, person %s, %d rows closed",
            row.id,
            row.kind,
            row.person_id,
            len(marked),
        )

    async def _on_transient(self, round_: _Round, row: ClaimedNotification, exc: SendError) -> None:
        if row.attempts >= self.retry.max_attempts:
            await self._fail(round_, row, exc)
            return
        delay = self.retry.backoff(row.attempts, self._rand)
        async with self.db.transaction() as session:
            await outbox.reschedule(
                session,
                [row.id],
                worker_id=self.worker_id,
                not_before=self.clock.now() + timedelta(seconds=delay),
                error=f"{type(exc).__name__}: {exc}",
                refund_attempt=False,
            )
        round_.held.discard(row.id)
        self.stats.retried += 1
        log.warning(
            "notification %d (%s): %s on attempt %d, retry in %.1fs",
            row.id,
            row.kind,
            type(exc).__name__,
            row.attempts,
            delay,
        )

    async def _fail(self, round_: _Round, row: ClaimedNotification, exc: SendError) -> None:
        async with self.db.transaction() as session:
            await outbox.mark_failed(
                session, row.id, worker_id=self.worker_id, error=f"{type(exc).__name__}: {exc}"
            )
        round_.held.discard(row.id)
        self.stats.failed += 1
        log.error(
            "notification %d (%s) failed after %d attempts: %s",
            row.id,
            row.kind,
            row.attempts,
            type(exc).__name__,
        )

    # -- leases, deferral, waiting ------------------------------------------------------------

    async def _defer(
        self, round_: _Round, rows: Sequence[ClaimedNotification], *, wait: float
    ) -> None:
        ids = [row.id for row in rows if row.id in round_.held]
        if not ids:
            return
        async with self.db.transaction() as session:
            await outbox.reschedule(
                session,
                ids,
                worker_id=self.worker_id,
                not_before=self.clock.now() + timedelta(seconds=wait),
                error=None,
                refund_attempt=True,
            )
        round_.held.difference_update(ids)
        self.stats.deferred += len(ids)

    async def _keep_lease(self, round_: _Round, wait: float) -> None:
        """Make sure the lease outlasts ``wait`` with half a lease to spare, renewing if not."""
        async with round_.lease_lock:
            needed = self.clock.now() + timedelta(seconds=wait) + self.lease / 2
            if needed <= round_.lease_until or not round_.held:
                return
            until = self.clock.now() + timedelta(seconds=wait) + self.lease
            async with self.db.transaction() as session:
                still = await outbox.renew_lease(
                    session, ids=sorted(round_.held), worker_id=self.worker_id, until=until
                )
            lost = round_.held - still
            if lost:
                # Another dispatcher took these after our lease ran out: they are theirs now.
                log.warning("lease lost on %d notifications", len(lost))
                round_.held.intersection_update(still)
            round_.lease_until = until

    async def _nap(self, seconds: float, stop: asyncio.Event | None) -> None:
        """Sleep through the injected sleep, waking early if ``stop`` is set."""
        if stop is None:
            await self._sleep(seconds)
            return
        if stop.is_set():
            return
        nap = asyncio.ensure_future(self._sleep(seconds))
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({nap, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (nap, stopped):
                task.cancel()
            await asyncio.gather(nap, stopped, return_exceptions=True)
