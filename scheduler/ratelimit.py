"""Telegram's sending limits as a deterministic calculator of "how long until I may send?".

Telegram documents three limits for bots: about 30 messages per second overall, no more than
one message per second to one chat, and 20 messages per minute to one group. ``RateLimiter``
keeps the recent send times, reads the time from an injected clock and never sleeps itself:
``acquire`` either books a send now or says how long to wait, so the caller (the dispatcher)
chooses what to do with the wait and tests can run in simulated time.

Telegram counts a message when it arrives, somewhere between our booking and the answer. A
booked send that is held up on our side (a garbage-collection pause, a busy event loop, a slow
connection) arrives late while the next ones go on time, and 31 arrivals can then fall inside
one second although no 31 bookings did. So ``settle`` moves a send's time to its answer, the
latest it can have arrived, and every window is measured from there: a limit kept on our side
is then kept on Telegram's, whatever the delays, at the cost of the round-trip time.

Times are whole microseconds internally: float seconds since 1970 cannot tell apart two instants
a microsecond apart, and a wait that rounds to zero would spin forever.
"""

from __future__ import annotations

import math
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

    ``margin`` is added to every window, for a platform whose clock is not quite ours.
    """

    global_per_window: int = 30
    global_window: float = 1.0
    chat_interval: float = 1.0
    group_per_window: int = 20
    group_window: float = 60.0
    margin: float = 0.0

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


class _Send:
    """One booked send; ``at`` moves forward to its answer when settled."""

    __slots__ = ("at", "settled")

    def __init__(self, at: int) -> None:
        self.at = at
        self.settled = False


def _ready(sends: list[_Send], limit: int, window: int) -> int:
    """When one more send fits: ``limit`` sends at most in any ``window``."""
    if len(sends) < limit:
        return 0
    # Settling reorders the times, so take the limit-th latest rather than a position.
    latest = sorted((s.at for s in sends), reverse=True)
    return latest[limit - 1] + window


class RateLimiter:
    """Sliding-window limits over the sends booked through ``acquire``.

    The overall limit is also paced: sends are booked on an even schedule (one per window/N, a
    "generic cell rate" schedule) rather than in a burst of 30 at the start of each second. A
    send may go up to half an interval ahead of its slot, so the wake-up latency of the waiting
    task is absorbed instead of being lost on every message.
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
        self._recent: list[_Send] = []  # overall sends that may still count in a window
        self._next_slot = 0  # when the paced schedule wants the next send
        self._chat_last: dict[str, _Send] = {}
        self._group_recent: dict[str, list[_Send]] = {}
        self._paused_until = 0
        self._bookings = 0

    def _now(self) -> int:
        return (self.clock.now() - _EPOCH) // _US

    def _global_ready_at(self, now: int) -> int:
        self._recent = [s for s in self._recent if s.at > now - self._global_window]
        ready = max(self._paused_until, self._next_slot - self._tolerance)
        return max(ready, _ready(self._recent, self.limits.global_per_window, self._global_window))

    def _chat_ready_at(self, chat_id: str, group: bool, now: int) -> int:
        ready = 0
        last = self._chat_last.get(chat_id)
        if last is not None:
            ready = last.at + self._chat_interval
        if group:
            recent = self._group_recent.get(chat_id)
            if recent:
                recent[:] = [s for s in recent if s.at > now - self._group_window]
                limit = self.limits.group_per_window
                ready = max(ready, _ready(recent, limit, self._group_window))
        return ready

    def global_delay(self) -> float:
        """Seconds until any send may go (flood-control pause and the overall limit)."""
        now = self._now()
        return max(0, self._global_ready_at(now) - now) / 1_000_000

    def delay(self, chat_id: str, *, group: bool = False) -> float:
        """Seconds until a send to ``chat_id`` may go; 0.0 if it may go now."""
        now = self._now()
        ready = max(self._global_ready_at(now), self._chat_ready_at(chat_id, group, now))
        return max(0, ready - now) / 1_000_000

    def acquire(self, chat_id: str, *, group: bool = False) -> float:
        """Book a send to ``chat_id`` now and return 0.0, or book nothing and return the wait.

        Call ``settle(chat_id)`` when the booked send has its answer (or failed).
        """
        wait = self.delay(chat_id, group=group)
        if wait > 0:
            return wait
        now = self._now()
        send = _Send(now)
        self._recent.append(send)
        # Late sends do not earn a burst later: the schedule restarts from now.
        self._next_slot = max(self._next_slot, now) + self._interval
        self._chat_last[chat_id] = send
        if group:
            self._group_recent.setdefault(chat_id, []).append(send)
        self._bookings += 1
        if self._bookings % 1000 == 0:
            self._forget_idle_chats(now)
        return 0.0

    def settle(self, chat_id: str) -> None:
        """The send last booked for ``chat_id`` is over: count it as arriving now, at the latest.

        One chat's sends go one at a time, so its last booking is the one that just finished.
        """
        send = self._chat_last.get(chat_id)
        if send is not None and not send.settled:
            send.at = max(send.at, self._now())
            send.settled = True

    def pause(self, seconds: float) -> None:
        """Send nothing at all for ``seconds`` (flood control); never shortens a longer pause."""
        self._paused_until = max(self._paused_until, self._now() + _micros(seconds))

    def _forget_idle_chats(self, now: int) -> None:
        # A broadcast touches thousands of chats once; keep only those that still constrain
        # a send, or whose send is still under way (``settle`` needs it).
        self._chat_last = {
            chat: send
            for chat, send in self._chat_last.items()
            if send.at > now - self._chat_interval or not send.settled
        }
        self._group_recent = {
            chat: recent
            for chat, recent in self._group_recent.items()
            if recent and max(s.at for s in recent) > now - self._group_window
        }
