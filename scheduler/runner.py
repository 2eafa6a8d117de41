"""Runs the scheduled jobs (APScheduler 3) and the outbox dispatcher inside ``serve``.

The APScheduler jobs only say *when* to look; *what* to do comes from the database each time
(see ``scheduler.jobs``), so a restart loses nothing and two processes on one PostgreSQL do not
double-send: outbox keys dedupe the enqueueing and the dispatcher's claims dedupe the sending.
Missed morning and Monday runs are caught up at start (their keys make a repeat harmless).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.dispatcher import OutboxDispatcher
from scheduler.jobs import Jobs
from scheduler.ratelimit import Limits
from scheduler.senders import NotificationSender
from storage.clock import Clock

log = logging.getLogger(__name__)

MORNING = time(7, 0)
STOP_TIMEOUT = 30.0


class SchedulerRunner:
    """Owns the APScheduler instance and the dispatcher task; ``start`` and ``stop`` them."""

    def __init__(
        self,
        jobs: Jobs,
        clock: Clock,
        timezone: ZoneInfo,
        *,
        dispatcher: OutboxDispatcher | None = None,
        morning: time = MORNING,
    ) -> None:
        self.jobs = jobs
        self.clock = clock
        self.timezone = timezone
        self.dispatcher = dispatcher
        self.morning = morning
        self.scheduler: AsyncIOScheduler | None = None
        self._stop = asyncio.Event()
        self._dispatch_task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[object]] = set()

    def _wrap(
        self, name: str, job: Callable[[datetime], Awaitable[dict[str, int]]]
    ) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                results = await job(self.clock.now())
                log.debug("jobs %s: %s", name, results)
            except Exception:
                log.exception("jobs %s failed", name)
            finally:
                if task is not None:
                    self._running.discard(task)

        return run

    def build(self) -> AsyncIOScheduler:
        """The scheduler with its four triggers (not started)."""
        scheduler = AsyncIOScheduler(timezone=self.timezone)
        hour, minute = self.morning.hour, self.morning.minute
        plan: list[tuple[str, Callable[[datetime], Awaitable[dict[str, int]]], object]] = [
            ("every_minute", self.jobs.every_minute, IntervalTrigger(minutes=1)),
            ("every_hour", self.jobs.every_hour, IntervalTrigger(hours=1)),
            (
                "every_morning",
                self.jobs.every_morning,
                CronTrigger(hour=hour, minute=minute, timezone=self.timezone),
            ),
            (
                "every_monday",
                self.jobs.every_monday,
                CronTrigger(day_of_week="mon", hour=hour, minute=minute, timezone=self.timezone),
            ),
        ]
        for name, job, trigger in plan:
            scheduler.add_job(
                self._wrap(name, job),
                trigger,
                id=name,
                name=name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=3600,
            )
        return scheduler

    def catch_up(self, now: datetime) -> list[Callable[[], Awaitable[None]]]:
        """Runs due at start: the minutely and hourly ones, and today's morning ones if late."""
        due = [
            self._wrap("every_minute", self.jobs.every_minute),
            self._wrap("every_hour", self.jobs.every_hour),
        ]
        local = now.astimezone(self.timezone)
        if local.time() >= self.morning:
            due.append(self._wrap("every_morning", self.jobs.every_morning))
            if local.weekday() == 0:
                due.append(self._wrap("every_monday", self.jobs.every_monday))
        return due

    async def start(self) -> None:
        self._stop.clear()
        self.scheduler = self.build()
        self.scheduler.start()
        for job in self.catch_up(self.clock.now()):
            task: asyncio.Task[object] = asyncio.create_task(job())  # type: ignore[arg-type]
            self._running.add(task)  # a reference, so the task is not collected mid-run
            task.add_done_callback(self._running.discard)
        if self.dispatcher is not None:
            self._dispatch_task = asyncio.create_task(self.dispatcher.run(self._stop))
        log.info("scheduler started")

    async def settle(self) -> None:
        """Wait for the job runs in progress (the catch-up at start, a trigger that fired)."""
        running = [task for task in self._running if task is not asyncio.current_task()]
        if running:
            await asyncio.wait(running)

    async def stop(self) -> None:
        self._stop.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        running = [*self._running]
        if self._dispatch_task is not None:
            running.append(self._dispatch_task)
        if running:
            _, pending = await asyncio.wait(running, timeout=STOP_TIMEOUT)
            for task in pending:
                task.cancel()
        self._dispatch_task = None
        log.info("scheduler stopped")


def build_runner(
    jobs: Jobs,
    clock: Clock,
    timezone: ZoneInfo,
    senders: Mapping[str, NotificationSender],
    *,
    worker_id: str,
    limits: Limits | None = None,
    lease_seconds: float = 60.0,
) -> SchedulerRunner:
    """A runner whose dispatcher sends through ``senders`` (one per channel)."""
    dispatcher = OutboxDispatcher(
        jobs.context.db,
        senders,
        clock,
        worker_id=worker_id,
        limits=limits,
        lease_seconds=lease_seconds,
    )
    return SchedulerRunner(jobs, clock, timezone, dispatcher=dispatcher)
