"""What the outbox dispatcher sends through: one small interface per channel, and its errors.

Channel adapters (``bot.channels.telegram_sender``, later Zalo) implement ``NotificationSender``
at the edge and translate their platform's failures into the four errors below, which are all
the dispatcher needs to decide what happens to a row. Error messages end up in
``Notification.last_error``, so they must never carry message text or personal data.
"""

from __future__ import annotations

from typing import Any, Protocol


class SendError(Exception):
    """Base of every failure a sender reports."""


class RetryAfter(SendError):
    """Flood control: the platform asks for ``seconds`` of silence before the next message."""

    def __init__(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("retry-after must not be negative")
        super().__init__(f"retry after {seconds:g}s")
        self.seconds = float(seconds)


class Unreachable(SendError):
    """The chat cannot receive anything (bot blocked, chat deleted): never send there again."""


class TransientError(SendError):
    """Network trouble, a timeout or a server error: the same message may succeed later."""


class PermanentError(SendError):
    """The platform rejected this message itself (bad request): retrying cannot help."""


class NotificationSender(Protocol):
    """Delivers one outbox payload to one chat of one channel."""

    async def send(self, chat_id: str, payload: dict[str, Any]) -> str | None:
        """Send ``payload`` (the channel's own JSON form) or raise one of the errors above.

        A document arrives as ``{"filename", "ref", "content"}``: the platform's reference of an
        earlier upload, or else the bytes. After uploading bytes, return the platform's
        reference to them (reused for the next chats); otherwise None.
        """
        ...

    def is_group(self, chat_id: str) -> bool:
        """Whether the chat is a group, which platforms rate-limit more strictly."""
        ...
