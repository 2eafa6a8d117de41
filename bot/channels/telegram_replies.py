"""The channel's replies as plain Bot API calls, without python-telegram-bot's objects.

The bot never reads the ``Message`` Telegram returns for a reply. Going through
``Bot.send_message`` built PTB's request parameters and then parsed that ``Message``: with
the HTTP exchange it cost 0.58-0.62 ms of CPU a call against 0.27-0.29 ms for the same call
sent directly (client and fake together), and a citizen's submission makes eight such calls.
The request is encoded as PTB encodes it, so any Bot API server PTB works with takes it: a
form whose values are JSON unless they are strings (documents, for officials' reports: the same
fields and the file as multipart).

Telegram's limits are kept by ``scheduler.ratelimit.RateLimiter``: the overall rate and 20
messages a minute to a group. A reply is an answer to the person's own message, so there is
no one-a-second spacing within a private chat. A 429 pauses every reply for its
``retry_after`` and the reply is tried again, at most ``max_retries`` times.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from telegram.error import NetworkError

from bot.channels.aiohttp_request import AiohttpRequest
from handlers.events import OutDocument, OutText
from scheduler.ratelimit import RateLimiter

JSON = dict[str, Any]
Sleep = Callable[[float], Awaitable[None]]


class BotApiError(Exception):
    """A Bot API call that failed: Telegram's status and description (status 0: no answer)."""

    def __init__(self, status: int, description: str, retry_after: float | None = None) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after


def reply_markup(reply: OutText) -> JSON | None:
    """The Bot API ``reply_markup`` of ``reply``: inline buttons, contact request or menu."""
    if reply.buttons:
        rows = [[{"text": b.label, "callback_data": b.data} for b in row] for row in reply.buttons]
        return {"inline_keyboard": rows}
    if reply.request_contact is not None:
        button = {"text": reply.request_contact, "request_contact": True}
        return {"keyboard": [[button]], "resize_keyboard": True, "one_time_keyboard": True}
    if reply.menu:
        rows = [[{"text": label} for label in row] for row in reply.menu]
        return {"keyboard": rows, "resize_keyboard": True, "is_persistent": True}
    if reply.remove_menu:
        return {"remove_keyboard": True}
    return None


def is_group(chat_id: str) -> bool:
    # Telegram gives groups, supergroups and channels negative ids; users are positive.
    return chat_id.lstrip().startswith("-")


def _answer(status: int, body: bytes) -> tuple[Any, BotApiError | None]:
    """The call's result, or the error Telegram (or a proxy in front of it) answered."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return None, BotApiError(status, f"HTTP {status} without a Bot API answer")
    if status == 200 and data.get("ok"):
        return data.get("result"), None
    parameters = data.get("parameters")
    retry = parameters.get("retry_after") if isinstance(parameters, dict) else None
    retry_after = float(retry) if isinstance(retry, int | float) else None
    return None, BotApiError(status, str(data.get("description") or f"HTTP {status}"), retry_after)


class ReplySender:
    """Sends replies on the channel's connection pool, within Telegram's limits."""

    def __init__(
        self,
        request: AiohttpRequest,
        api_url: str,
        limiter: RateLimiter | None,
        *,
        sleep: Sleep = asyncio.sleep,
        max_retries: int = 3,
    ) -> None:
        self._request = request
        self._api_url = api_url.rstrip("/")
        self._limiter = limiter
        self._sleep = sleep
        self._max_retries = max_retries

    async def text(self, chat_id: str, reply: OutText) -> None:
        """Send ``reply``, or edit the earlier message it names."""
        params: JSON = {"chat_id": chat_id, "text": reply.text}
        markup = reply_markup(reply)
        if markup is not None:
            params["reply_markup"] = markup
        method = "sendMessage"
        if reply.edit_message_id is not None:
            method = "editMessageText"
            params["message_id"] = int(reply.edit_message_id)
        await self.call(method, params, chat_id=chat_id)

    async def document(self, chat_id: str, document: OutDocument) -> None:
        fields = {"chat_id": chat_id}
        if document.caption:
            fields["caption"] = document.caption
        upload = ("document", document.filename, document.content)
        await self.call("sendDocument", fields, chat_id=chat_id, upload=upload)

    async def answer_callback(self, query_id: str, text: str | None) -> None:
        params: JSON = {"callback_query_id": query_id}
        if text:
            params["text"] = text
        # Not a message in a chat: Telegram's message limits do not count it.
        await self.call("answerCallbackQuery", params, chat_id=None)

    async def take_turn(self, chat_id: str) -> None:
        """Wait until a message to ``chat_id`` may go, and book it."""
        if self._limiter is None:
            return
        group = is_group(chat_id)
        while (wait := self._limiter.acquire(chat_id, group=group)) > 0:
            await self._sleep(wait)

    def settle(self, chat_id: str) -> None:
        if self._limiter is not None:
            self._limiter.settle(chat_id)

    async def call(
        self,
        method: str,
        params: JSON,
        *,
        chat_id: str | None,
        upload: tuple[str, str, bytes] | None = None,
    ) -> Any:
        """Call ``method`` and return its result; ``chat_id`` makes it count as a message.

        ``upload`` (field, file name, content) sends ``params`` and the file as multipart.
        """
        fields = {
            name: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            for name, value in params.items()
        }
        url = f"{self._api_url}/{method}"
        attempt = 0
        while True:
            if chat_id is not None:
                await self.take_turn(chat_id)
            try:
                if upload is None:
                    status, body = await self._request.post_form(url, urlencode(fields).encode())
                else:
                    status, body = await self._request.post_file(url, fields, *upload)
            except NetworkError as exc:
                raise BotApiError(0, exc.message) from exc
            finally:
                if chat_id is not None:
                    self.settle(chat_id)
            result, error = _answer(status, body)
            if error is None:
                return result
            if error.retry_after is None or attempt == self._max_retries:
                raise error
            attempt += 1
            await self._flood_wait(error.retry_after)

    async def _flood_wait(self, seconds: float) -> None:
        if self._limiter is not None:
            # Every reply waits, not only this one: the limiter holds them all back.
            self._limiter.pause(seconds)
        else:
            await self._sleep(seconds)
