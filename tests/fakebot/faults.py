"""Fault injection: scripted failures, hangs, blocked chats and Telegram's flood limits."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# Methods that put a message in a chat: these are what flood control counts.
SENDING_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvoice",
        "sendvideo",
        "sendanimation",
        "sendsticker",
        "sendlocation",
        "sendcontact",
        "sendpoll",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}

# nginx in front of the real Bot API answers 502 with an HTML page, not JSON.
BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass
class Failure:
    method: str  # lower-case method name, or "*" for any method
    status: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | str | None = None

    def matches(self, method: str, chat_id: object) -> bool:
        if self.method not in ("*", method):
            return False
        return self.chat_id is None or self.chat_id == chat_id


def make_failure(
    method: str,
    *,
    status: int,
    retry_after: int | None,
    description: str | None,
    count: int,
    chat_id: int | str | None,
) -> Failure:
    if status == 429:
        retry_after = 1 if retry_after is None else retry_after
        description = description or f"Too Many Requests: retry after {retry_after}"
    else:
        description = description or _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
    return Failure(method.lower(), status, description, retry_after, count, chat_id)


@dataclass
class Hang:
    method: str
    remaining: int
    after_delivery: bool  # True: the call takes effect, only the answer never comes


class Faults:
    """Scripted faults, consumed in the order they were added."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self.hangs: list[Hang] = []
        self.blocked: dict[int | str, str] = {}

    def take_failure(self, method: str, chat_id: object) -> Failure | None:
        for failure in self.failures:
            if failure.matches(method, chat_id):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    def take_hang(self, method: str, *, after_delivery: bool) -> bool:
        for hang in self.hangs:
            if hang.method in ("*", method) and hang.after_delivery == after_delivery:
                hang.remaining -= 1
                if hang.remaining <= 0:
                    self.hangs.remove(hang)
                return True
        return False


class RateLimiter:
    """Telegram's flood limits over rolling windows; answers the retry_after to send, if any.

    Limits: messages per second overall, per second in one chat, per minute in one group
    (negative chat id). ``None`` switches a limit off.
    """

    def __init__(
        self,
        *,
        global_per_sec: int | None,
        per_chat_per_sec: int | None,
        per_group_per_min: int | None,
        clock: Callable[[], float],
    ) -> None:
        self._clock = clock
        self._global_limit = global_per_sec
        self._chat_limit = per_chat_per_sec
        self._group_limit = per_group_per_min
        self._global: deque[float] = deque()
        self._chats: dict[object, deque[float]] = {}
        self._groups: dict[object, deque[float]] = {}

    def check(self, chat_id: object) -> int | None:
        """Retry-after seconds if this message would exceed a limit; else count it and None."""
        now = self._clock()
        windows: list[tuple[deque[float], int | None, float]] = [
            (self._global, self._global_limit, 1.0)
        ]
        if chat_id is not None:
            windows.append((self._chats.setdefault(chat_id, deque()), self._chat_limit, 1.0))
            if _is_group(chat_id):
                windows.append((self._groups.setdefault(chat_id, deque()), self._group_limit, 60.0))
        wait = 0.0
        for times, limit, span in windows:
            while times and times[0] <= now - span:
                times.popleft()
            if limit is not None and len(times) >= limit:
                wait = max(wait, times[0] + span - now)
        if wait > 0:
            return max(1, math.ceil(wait))
        for times, _, _ in windows:
            times.append(now)
        return None


def _is_group(chat_id: object) -> bool:
    if isinstance(chat_id, int):
        return chat_id < 0
    return isinstance(chat_id, str) and chat_id.startswith("@")
