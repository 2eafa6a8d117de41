"""The rate limiter in simulated time: Telegram's overall, per-chat and per-group limits."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from scheduler.ratelimit import Limits, RateLimiter
from storage.clock import ManualClock

# Telegram's numbers without any safety margin, for exact arithmetic.
EXACT = Limits(margin=0.0)


def _advance(clock: ManualClock, seconds: float) -> None:
    clock.advance(timedelta(seconds=seconds))


def _send_when_allowed(limiter: RateLimiter, clock: ManualClock, chat: str, group: bool) -> float:
    """Wait (in simulated time) as told, book the send (answered at once), return its time."""
    while (wait := limiter.acquire(chat, group=group)) > 0:
        _advance(clock, wait)
    limiter.settle(chat)
    return clock.now().timestamp()


def test_first_send_goes_at_once(clock: ManualClock) -> None:
    limiter = RateLimiter(clock)
    assert limiter.delay("1") == 0.0
    assert limiter.acquire("1") == 0.0


def test_one_message_per_second_per_chat(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    assert limiter.acquire("7") == 0.0
    assert limiter.acquire("7") == pytest.approx(1.0)
    _advance(clock, 0.4)
    assert limiter.delay("7") == pytest.approx(0.6)
    # Another chat is not held back by chat 7.
    assert limiter.delay("8") == 0.0
    _advance(clock, 0.6)
    assert limiter.acquire("7") == 0.0


def test_overall_limit_never_exceeds_30_in_any_second(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    start = clock.now().timestamp()
    times = [_send_when_allowed(limiter, clock, f"chat{i}", False) - start for i in range(300)]
    for i in range(len(times) - 30):
        # The 31st send after any send is at least a full second later.
        assert times[i + 30] - times[i] >= 1.0 - 1e-6
    # ...and the limiter does not throttle below the limit: 300 sends in under 10 seconds.
    assert 9.9 <= times[-1] <= 299 / 30


def test_margin_keeps_clear_of_every_window(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, Limits(margin=0.03))
    start = clock.now().timestamp()
    times = [_send_when_allowed(limiter, clock, f"chat{i}", False) - start for i in range(300)]
    for i in range(len(times) - 30):
        assert times[i + 30] - times[i] >= 1.03 - 1e-6  # float timestamps: µs precision
    assert limiter.limits.max_rate == pytest.approx(29.126, abs=0.001)
    assert 299 / times[-1] == pytest.approx(limiter.limits.max_rate, rel=0.01)
    _advance(clock, 5)
    limiter.acquire("same")
    assert limiter.acquire("same") == pytest.approx(1.03)


def test_overall_limit_is_paced_not_bursty(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    assert limiter.acquire("a") == 0.0
    # No burst: the next send waits for its slot, 1/30 s later, less the half interval a
    # send may go early to make up for a late wake-up.
    assert limiter.acquire("b") == pytest.approx(1 / 60, abs=1e-6)
    _advance(clock, 1 / 60)
    assert limiter.acquire("b") == 0.0
    assert limiter.acquire("c") == pytest.approx(1 / 30, abs=1e-6)


def test_a_held_up_send_counts_from_its_answer(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    start = clock.now()
    # The first send is booked at 0 but its answer comes only 200 ms later: Telegram may have
    # counted it as late as that.
    assert limiter.acquire("slow") == 0.0
    _advance(clock, 0.2)
    limiter.settle("slow")
    times = []
    for i in range(30):
        while (wait := limiter.acquire(str(i))) > 0:
            _advance(clock, wait)
        limiter.settle(str(i))
        times.append((clock.now() - start).total_seconds())
    # The 31st send waits a full second from the slow one's answer, not from its booking.
    assert times[-1] == pytest.approx(1.2)


def test_a_chat_waits_a_second_from_the_answer(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    limiter.acquire("c")
    _advance(clock, 0.3)
    limiter.settle("c")
    assert limiter.delay("c") == pytest.approx(1.0)


def test_settling_twice_or_unknown_chats_changes_nothing(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    limiter.settle("never booked")
    limiter.acquire("a")
    limiter.settle("a")
    _advance(clock, 0.5)
    limiter.settle("a")  # a second settle must not move the send again
    assert limiter.delay("a") == pytest.approx(0.5)


def test_late_wake_ups_do_not_lower_the_rate(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    start = clock.now().timestamp()
    times = []
    for i in range(120):
        while (wait := limiter.acquire(str(i))) > 0:
            _advance(clock, wait + 0.004)  # every wake-up 4 ms late
        times.append(clock.now().timestamp() - start)
    # 4 ms of lateness is absorbed: still 30 per second, not 1/(1/30 + 0.004) = 26.8.
    assert 119 / times[-1] >= 29.5


def test_group_gets_20_messages_per_minute(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    start = clock.now().timestamp()
    times = [_send_when_allowed(limiter, clock, "-100", True) - start for _ in range(45)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0 - 1e-6
    for i in range(len(times) - 20):
        assert times[i + 20] - times[i] >= 60.0 - 1e-6
    # The first 20 go one per second, the 21st waits for the first to leave the minute.
    assert times[19] == pytest.approx(19.0)
    assert times[20] == pytest.approx(60.0)


def test_group_limit_does_not_apply_to_private_chats(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, EXACT)
    start = clock.now().timestamp()
    times = [_send_when_allowed(limiter, clock, "42", False) - start for _ in range(25)]
    assert times[-1] == pytest.approx(24.0)


def test_pause_holds_every_chat_and_never_shortens(clock: ManualClock) -> None:
    limiter = RateLimiter(clock)
    limiter.pause(5)
    assert limiter.global_delay() == pytest.approx(5.0)
    assert limiter.acquire("1") == pytest.approx(5.0)
    limiter.pause(2)  # a shorter pause later must not cut the longer one
    assert limiter.delay("2") == pytest.approx(5.0)
    _advance(clock, 5)
    assert limiter.acquire("1") == 0.0


def test_waits_are_whole_microseconds_so_simulated_time_always_progresses(
    clock: ManualClock,
) -> None:
    limiter = RateLimiter(clock, Limits(global_per_window=3, global_window=1.0, margin=0.0))
    limiter.acquire("a")
    wait = limiter.acquire("b")
    assert wait == pytest.approx(0.166667)  # half of the 333,334 µs interval
    _advance(clock, wait)
    assert limiter.acquire("b") == 0.0


def test_idle_chats_are_forgotten(clock: ManualClock) -> None:
    limiter = RateLimiter(clock, Limits(global_per_window=1000))
    for i in range(2000):
        _send_when_allowed(limiter, clock, str(i), i % 2 == 0)
        _advance(clock, 0.5)
    limiter.acquire("in flight")  # booked, not yet answered: must be kept for its settle
    # Only chats that still constrain a send are remembered, not all 2000.
    assert len(limiter._chat_last) < 10
    assert len(limiter._group_recent) < 200
    for i in range(1000):
        _send_when_allowed(limiter, clock, f"more{i}", False)
    assert "in flight" in limiter._chat_last


@pytest.mark.parametrize(
    "kwargs",
    [
        {"global_per_window": 0},
        {"group_per_window": 0},
        {"global_window": 0},
        {"chat_interval": -1},
        {"margin": -0.1},
    ],
)
def test_bad_limits_are_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Limits(**kwargs)  # type: ignore[arg-type]
