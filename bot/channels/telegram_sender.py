"""Telegram's ``NotificationSender``: outbox payloads in, Bot API calls out, errors translated.

The caller builds one ``telegram.Bot`` (one HTTP connection pool) and hands it in; this class
never creates or closes it. Payloads are the outbox's JSON form:

- ``{"text": "...", "buttons": [[["label", "callback data"], ...], ...], "parse_mode": "HTML"}``
- ``{"document": {"filename": "ketluan.docx", "ref": None, "content": b"..."}, "text": "caption"}``
  (a stored file as the dispatcher resolves it: Telegram's ``file_id`` of an earlier upload in
  ``ref``, or the bytes; ``send`` returns the new ``file_id`` after an upload)
- ``{"document": {"filename": "ketluan.docx", "content_b64": "..."}, "text": "caption"}`` (rows
  written before files were stored apart)

``buttons`` and ``parse_mode`` are optional.
"""

from __future__ import annotations

import base64
import binascii
import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram import error as tg
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram_replies import is_group
from scheduler.senders import PermanentError, RetryAfter, TransientError, Unreachable

# Bad requests that mean "this chat is gone for good", not "this message is wrong".
_GONE = (
    "chat not found",
    "user not found",
    "peer_id_invalid",
    "group chat was deactivated",
    "not enough rights to send",
    "have no rights to send",
)


def _keyboard(buttons: Any) -> InlineKeyboardMarkup:
    try:
        rows = [
            [InlineKeyboardButton(str(label), callback_data=str(data)) for label, data in row]
            for row in buttons
        ]
    except (TypeError, ValueError) as exc:
        raise PermanentError("malformed buttons in payload") from exc
    return InlineKeyboardMarkup(rows)


def _document(spec: Any) -> str | InputFile:
    """Telegram's ``file_id`` to resend, or the file to upload."""
    if not isinstance(spec, dict):
        raise PermanentError("malformed document in payload")
    filename = str(spec.get("filename") or "document")
    if isinstance(spec.get("ref"), str) and spec["ref"]:
        return str(spec["ref"])
    if isinstance(spec.get("content"), bytes):
        return InputFile(spec["content"], filename=filename)
    if "content_b64" not in spec:
        raise PermanentError("malformed document in payload")
    try:
        content = base64.b64decode(spec["content_b64"], validate=True)
    except (binascii.Error, TypeError, ValueError) as exc:
        raise PermanentError("document content is not base64") from exc
    return InputFile(content, filename=filename)


def _retry_seconds(exc: tg.RetryAfter) -> float:
    # PTB 22 warns on reading ``retry_after`` unless PTB_TIMEDELTA is set, and returns an int
    # or a timedelta accordingly; accept both without tripping the warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | timedelta = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


class TelegramNotificationSender:
    """Sends outbox payloads with a shared, already initialised ``telegram.Bot``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def is_group(self, chat_id: str) -> bool:
        return is_group(chat_id)

    async def send(self, chat_id: str, payload: dict[str, Any]) -> str | None:
        try:
            return await self._send(chat_id, payload)
        except tg.RetryAfter as exc:
            raise RetryAfter(_retry_seconds(exc)) from exc
        except tg.Forbidden as exc:
            raise Unreachable(exc.message) from exc
        except tg.ChatMigrated as exc:
            # The group became a supergroup with a new id; this one will never work again.
            raise Unreachable("chat migrated to a supergroup") from exc
        except tg.BadRequest as exc:
            # BadRequest is a NetworkError subclass in PTB, so it must be caught first.
            if any(marker in exc.message.lower() for marker in _GONE):
                raise Unreachable(exc.message) from exc
            raise PermanentError(exc.message) from exc
        except (tg.TimedOut, tg.NetworkError) as exc:
            raise TransientError(exc.message) from exc
        except tg.TelegramError as exc:
            # InvalidToken, Conflict and the like: a configuration fault, not the message's.
            raise TransientError(f"{type(exc).__name__}: {exc.message}") from exc

    async def _send(self, chat_id: str, payload: dict[str, Any]) -> str | None:
        markup = _keyboard(payload["buttons"]) if payload.get("buttons") else None
        text = payload.get("text")
        if text is not None and not isinstance(text, str):
            raise PermanentError("payload text is not a string")
        parse_mode = payload.get("parse_mode")
        if "document" in payload:
            document = _document(payload["document"])
            message = await self.bot.send_document(
                chat_id=chat_id,
                document=document,
                caption=text,
                parse_mode=parse_mode,
                reply_markup=markup,
            )
            if isinstance(document, InputFile) and message.document is not None:
                return message.document.file_id
            return None
        if not text:
            raise PermanentError("payload has neither text nor document")
        await self.bot.send_message(
            chat_id=chat_id, text=text, parse_mode=parse_mode, reply_markup=markup
        )
        return None
