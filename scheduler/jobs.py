"""The scheduled jobs, grouped by how often they run; each takes the moment it runs for.

Every job reads what to do from the database and writes to the outbox with idempotency keys, so
it holds no state in memory, may run twice (two ``serve`` processes, a restart) and may be called
by tests with any ``now``. A job that fails is logged; the others in its group still run.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from scheduler import jobs_deadlines, jobs_idle, jobs_notices
from scheduler.jobs_context import JobContext

log = logging.getLogger(__name__)

Job = Callable[[JobContext, datetime], Awaitable[int]]

EVERY_MINUTE: tuple[tuple[str, Job], ...] = (
    ("notices", jobs_notices.queue_notices),
    ("reminders", jobs_notices.queue_reminders),
    ("idle_drafts", jobs_idle.remind_idle),
    ("expired_drafts", jobs_idle.drop_expired_drafts),
)
EVERY_HOUR: tuple[tuple[str, Job], ...] = (
    ("processed_updates", jobs_idle.forget_processed_updates),
)
EVERY_MORNING: tuple[tuple[str, Job], ...] = (("deadline_alerts", jobs_deadlines.deadline_alerts),)
EVERY_MONDAY: tuple[tuple[str, Job], ...] = (("weekly_digest", jobs_deadlines.weekly_digest),)


class Jobs:
    """The job groups; ``morning_extra`` adds jobs from outer layers (the officials' triage
    summary lives in ``handlers``, which the scheduler may not import)."""

    def __init__(
        self, context: JobContext, *, morning_extra: Sequence[tuple[str, Job]] = ()
    ) -> None:
        self.context = context
        self.morning = (*EVERY_MORNING, *morning_extra)

    async def _run(self, group: tuple[tuple[str, Job], ...], now: datetime) -> dict[str, int]:
        results: dict[str, int] = {}
        for name, job in group:
            try:
                results[name] = await job(self.context, now)
            except Exception:
                log.exception("scheduled job %s failed", name)
                results[name] = -1
        return results

    async def every_minute(self, now: datetime) -> dict[str, int]:
        """Notices, reminders and idle drafts: in this order, a notice precedes its reminders."""
        return await self._run(EVERY_MINUTE, now)

    async def every_hour(self, now: datetime) -> dict[str, int]:
        return await self._run(EVERY_HOUR, now)

    async def every_morning(self, now: datetime) -> dict[str, int]:
        return await self._run(self.morning, now)

    async def every_monday(self, now: datetime) -> dict[str, int]:
        return await self._run(EVERY_MONDAY, now)
