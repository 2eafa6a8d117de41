"""State shared by all bots of one fake server: request log, files, clocks, change notification.

Every change (a bot call answered, an update injected) is announced through one
``asyncio.Condition``; ``wait_for`` re-checks its predicate on each announcement, so tests wait
for facts, never for time.
"""

# Waits take an explicit timeout on purpose: it is the test's safety net and shows up in the
# failure message, which a caller-side asyncio.timeout would not give.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp

from tests.fakebot.files import FileStore

JSON = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class ApiRequest:
    """One call the bot made; ``status`` stays None while it is in flight (long poll, hang)."""

    token: str
    method: str
    params: JSON
    files: dict[str, Upload]
    time: float
    status: int | None = None
    result: Any = None
    description: str | None = None
    cancelled: bool = False  # the client went away before the answer (timeout, shutdown)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def __repr__(self) -> str:
        shown = {
            k: v for k, v in self.params.items() if k in ("chat_id", "text", "callback_query_id")
        }
        outcome = "pending" if self.status is None else self.status
        if self.description:
            outcome = f"{outcome} {self.description}"
        return f"<{self.method} {shown} -> {outcome}>"


class Hub:
    """What all bots served by one FakeBotApi share."""

    def __init__(self, *, clock: Callable[[], float], now: Callable[[], float]) -> None:
        self.clock = clock
        self.now = now
        self.files = FileStore()
        self.requests: list[ApiRequest] = []
        self.unknown_methods: list[ApiRequest] = []
        self.changed = asyncio.Condition()
        self.stopping = asyncio.Event()
        self.delivery_times: list[float] = []  # clock() of every message the bot got through
        self.count_429 = 0
        self.session: aiohttp.ClientSession | None = None  # for webhook deliveries
        # Waiters on one chat: woken by that chat's changes only, so hundreds of simulated
        # people waiting at once cost nothing per unrelated Bot API call.
        self._chat_waiters: dict[int, list[asyncio.Future[None]]] = {}

    def date(self) -> int:
        return int(self.now())

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(
        self, predicate: Callable[[], T | None], timeout: float, what: str = ""
    ) -> T:
        """First truthy value of ``predicate``, re-checked whenever the fake's state changes."""
        async with self.changed:
            try:
                async with asyncio.timeout(timeout):
                    result = await self.changed.wait_for(predicate)
            except TimeoutError:
                recent = "\n  ".join(repr(r) for r in self.requests[-10:]) or "(none)"
                raise TimeoutError(
                    f"fake Telegram: gave up after {timeout}s waiting for {what or predicate!r}; "
                    f"last bot calls:\n  {recent}"
                ) from None
        assert result is not None  # wait_for only returns a truthy value
        return result

    def chat_changed(self, chat_id: int) -> None:
        for waiter in self._chat_waiters.pop(chat_id, []):
            if not waiter.done():
                waiter.set_result(None)

    async def wait_chat(
        self, chat_id: int, predicate: Callable[[], T | None], timeout: float, what: str = ""
    ) -> T:
        """First truthy value of ``predicate``, re-checked whenever chat ``chat_id`` changes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (result := predicate()):
            waiter = loop.create_future()
            self._chat_waiters.setdefault(chat_id, []).append(waiter)
            try:
                async with asyncio.timeout_at(deadline):
                    await waiter
            except TimeoutError:
                raise TimeoutError(
                    f"fake Telegram: gave up after {timeout}s waiting in chat {chat_id} "
                    f"for {what or predicate!r}"
                ) from None
        return result

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Like ``wait_for`` but answers False on timeout (used by long polling)."""
        async with self.changed:
            try:
                async with asyncio.timeout(timeout):
                    await self.changed.wait_for(lambda: predicate() or self.stopping.is_set())
            except TimeoutError:
                return False
        return predicate()


@dataclass
class DeliveryStats:
    """Per-second figures for benchmarks (seconds counted from the first delivered message)."""

    delivered: int
    per_second: list[int] = field(default_factory=list)
    count_429: int = 0

    @property
    def max_per_second(self) -> int:
        return max(self.per_second, default=0)


def delivery_stats(times: list[float], count_429: int) -> DeliveryStats:
    if not times:
        return DeliveryStats(0, [], count_429)
    start = min(times)
    buckets = [0] * (int(max(times) - start) + 1)
    for t in times:
        buckets[int(t - start)] += 1
    return DeliveryStats(len(times), buckets, count_429)
