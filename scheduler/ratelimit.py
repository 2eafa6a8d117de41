"""Telegram's sending limits as a deterministic calculator of "how long until I may send?".

Telegram documents three limits for bots: about 30 messages per second overall, no more than
one message per second to one chat, and 20 messages per minute to one group. ``RateLimiter``
keeps the recent send times, reads the time from an injected clock and never sleeps itself:
``acquire`` either books a send now or says how long to wait, so the caller (the dispatcher)
chooses what to do with the wait and tests can run in simulated time.

Times are whole microseconds internally: float seconds since 1970 cannot tell apart two instants
a microsecond apart, and a wait that rounds to zero would spin forever.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.clock import Clock

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def _micros(seconds: float) -> int:
    # Round up: waiting a microsecond too long is harmless, too short is a 429.
    return math.ceil(seconds * 1_000_000)


@dataclass(frozen=True, slots=True)
class Limits:
    """Sending limits; the defaults are Telegram's published ones.

    ``margin`` is added to every window: Telegram counts messages as they arrive at its end of
    the network, so the 31st message booked exactly one second after the first may arrive a
    few milliseconds early and be refused. 30 ms costs under 3% of the rate.
    """

    global_per_window: int = 30
    global_window: float = 1.0
    chat_interval: float = 1.0
    group_per_window: int = 20
    group_window: float = 60.0
    margin: float = 0.03

    def __post_init__(self) -> None:
        if self.global_per_window < 1 or self.group_per_window < 1:
            raise ValueError("message counts per window must be at least 1")
        if min(self.global_window, self.group_window) <= 0 or self.chat_interval < 0:
            raise ValueError("windows must be positive and the chat interval not negative")
        if self.margin < 0:
            raise ValueError("margin must not be negative")

    @property
    def max_rate(self) -> float:
        """The overall messages per second these limits allow in the long run."""
        return self.global_per_window / (self.global_window + self.margin)


class RateLimiter:
    """Sliding-window limits over the sends booked through ``acquire``.

    The overall limit is also paced: sends are booked on an even schedule (one per
    window/N, a "generic cell rate" schedule) rather than in a burst of 30 at the start of each
    second, which leaves no slack for network jitter. A send may go up to half an interval
    ahead of its slot, so the wake-up latency of the waiting task is absorbed instead of being
    lost on every message; the sliding window still caps any window at N.
    """

    def __init__(self, clock: Clock, limits: Limits | None = None) -> None:
        self.clock = clock
        self.limits = limits or Limits()
        lim = self.limits
        self._global_window = _micros(lim.global_window + lim.margin)
        self._interval = _micros((lim.global_window + lim.margin) / lim.global_per_window)
        self._tolerance = self._interval // 2
        self._chat_interval = _micros(lim.chat_interval + lim.margin)
        self._group_window = _micros(lim.group_window + lim.margin)
        self._recent: deque[int] = deque()  # overall sends inside the last window
        self._next_slot = 0  # when the paced schedule wants the next send
        self._chat_last: dict[str, int] = {}
        self._group_recent: dict[str, deque[int]] = {}
        self._paused_until = 0
        self._bookings = 0

    def _now(self) -> int:
        return (self.clock.now() - _EPOCH) // _US

    def _global_ready_at(self, now: int) -> int:
        recent = self._recent
        while recent and recent[0] <= now - self._global_window:
            recent.popleft()
        ready = max(self._paused_until, self._next_slot - self._tolerance)
        if len(recent) >= self.limits.global_per_window:
            ready = max(ready, recent[-self.limits.global_per_window] + self._global_window)
        return ready

    def _chat_ready_at(self, chat_id: str, group: bool) -> int:
        ready = 0
        last = self._chat_last.get(chat_id)
        if last is not None:
            ready = last + self._chat_interval
        if group:
            recent = self._group_recent.get(chat_id)
            if recent and len(recent) >= self.limits.group_per_window:
                ready = max(ready, recent[-self.limits.group_per_window] + self._group_window)
        return ready

    def global_delay(self) -> float:
        """Seconds until any send may go (flood-control pause and the overall limit)."""
        now = self._now()
        return max(0, self._global_ready_at(now) - now) / 1_000_000

    def delay(self, chat_id: str, *, group: bool = False) -> float:
        """Seconds until a send to ``chat_id`` may go; 0.0 if it may go now."""
        now = self._now()
        ready = max(self._global_ready_at(now), self._chat_ready_at(chat_id, group))
        return max(0, ready - now) / 1_000_000

    def acquire(self, chat_id: str, *, group: bool = False) -> float:
        """Book a send to ``chat_id`` now and return 0.0, or book nothing and return the wait."""
        wait = self.delay(chat_id, group=group)
        if wait > 0:
            return wait
        now = self._now()
        self._recent.append(now)
        # Late sends do not earn a burst later: the schedule restarts from now.
        self._next_slot = max(self._next_slot, now) + self._interval
        self._chat_last[chat_id] = now
        if group:
            recent = self._group_recent.setdefault(chat_id, deque())
            recent.append(now)
            while len(recent) > self.limits.group_per_window:
                recent.popleft()
        self._bookings += 1
        if self._bookings % 1000 == 0:
            self._forget_idle_chats(now)
        return 0.0

    def pause(self, seconds: float) -> None:
        """Send nothing at all for ``seconds`` (flood control); never shortens a longer pause."""
        self._paused_until = max(self._paused_until, self._now() + _micros(seconds))

    def _forget_idle_chats(self, now: int) -> None:
        # A broadcast touches thousands of chats once; keep only those that still constrain.
        self._chat_last = {
            chat: at for chat, at in self._chat_last.items() if at > now - self._chat_interval
        }
        self._group_recent = {
            chat: recent
            for chat, recent in self._group_recent.items()
            if recent and recent[-1] > now - self._group_window
        }
