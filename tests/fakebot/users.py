"""Simulated users: updates built as the Telegram client of a citizen would produce them.

Each ``send_*`` stores the user's message in the chat (message ids are shared with the bot's
messages, as in Telegram) and delivers the update: queued for getUpdates in polling mode, or
POSTed to the webhook when one is set. It returns an ``Injected`` record.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.fakebot import factories
from tests.fakebot.botstate import BotState, ChatEvent, ChatState
from tests.fakebot.factories import FakeGroup, FakeUser
from tests.fakebot.hub import Hub

JSON = dict[str, Any]
ChatLike = FakeGroup | JSON | None

_GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
_OGG = b"OggS\x00\x02" + bytes(20)
_WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 "


class _Configured(enum.Enum):
    SECRET = "configured"


CONFIGURED = _Configured.SECRET
"""Default for ``post_webhook(secret=...)``: send the secret_token given to setWebhook."""


class WebhookDeliveryError(RuntimeError):
    """The webhook URL could not be reached at all (nothing listening, connection reset...)."""


@dataclass(frozen=True)
class Injected:
    """An update handed to the bot; ``status`` is the webhook's HTTP answer (None if polling)."""

    update: JSON
    status: int | None = None

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def message(self) -> JSON | None:
        found = self.update.get("message") or self.update.get("edited_message")
        return found if isinstance(found, dict) else None

    @property
    def callback_query_id(self) -> str | None:
        query = self.update.get("callback_query")
        return str(query["id"]) if isinstance(query, dict) else None


class UserActions:
    """Mixin of FakeBot: everything a simulated user can do to the bot."""

    _hub: Hub
    _state: BotState

    # -- plumbing ----------------------------------------------------------------------------

    def _chat_for(self, user: FakeUser, chat: ChatLike) -> ChatState:
        if chat is None:
            chat_dict = factories.private_chat_dict(user)
        elif isinstance(chat, FakeGroup):
            chat_dict = chat.to_dict()
        else:
            chat_dict = chat
        return self._state.chat_state(chat_dict)

    def add_chat(self, chat: FakeUser | FakeGroup | JSON) -> None:
        """Make a chat known without any message (e.g. to notify a user seen in an earlier run)."""
        if isinstance(chat, FakeUser):
            chat = factories.private_chat_dict(chat)
        elif isinstance(chat, FakeGroup):
            chat = chat.to_dict()
        self._state.chat_state(chat)

    def _user_message(self, user: FakeUser, chat: ChatLike, **content: Any) -> JSON:
        state = self._chat_for(user, chat)
        message = factories.message_dict(
            message_id=state.new_message_id(),
            chat=dict(state.chat),
            sender=user.to_dict(),
            date=self._hub.date(),
            **content,
        )
        state.messages[message["message_id"]] = message
        state.events.append(
            ChatEvent("user", message["message_id"], message, {}, self._hub.clock())
        )
        return message

    async def _deliver(self, kind: str, payload: JSON) -> Injected:
        update = factories.update_dict(self._state.updates.next_id(), kind, payload)
        return await self._deliver_update(update)

    async def _deliver_update(self, update: JSON, *, forced: bool = False) -> Injected:
        if self._state.webhook.url:
            status = await self.post_webhook(update)
            if not 200 <= status < 300:
                # Telegram keeps an update it could not deliver (and would retry it).
                self._state.updates.push(update)
            return Injected(update, status)
        self._state.updates.push(update, forced=forced)
        await self._hub.notify()
        return Injected(update)

    async def post_webhook(
        self, update: JSON, *, secret: str | _Configured | None = CONFIGURED
    ) -> int:
        """POST ``update`` to the webhook URL; ``secret=None`` omits the secret header,
        a string sends that (wrong) secret instead of the configured one. Answers the status."""
        hook = self._state.webhook
        if not hook.url:
            raise RuntimeError("no webhook is set (setWebhook was not called)")
        token = hook.secret_token if secret is CONFIGURED else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token is not None else {}
        session = self._hub.session
        if session is None:
            raise RuntimeError("the fake server is not running")
        try:
            async with session.post(hook.url, json=update, headers=headers) as response:
                await response.read()
                status = response.status
        except aiohttp.ClientError as exc:
            hook.last_error_date = self._hub.date()
            hook.last_error_message = f"Connection failed: {exc}"
            raise WebhookDeliveryError(f"webhook {hook.url} unreachable: {exc}") from exc
        if not 200 <= status < 300:
            hook.last_error_date = self._hub.date()
            hook.last_error_message = f"Wrong response from the webhook: {status} {response.reason}"
        await self._hub.notify()
        return status

    # -- what a user does --------------------------------------------------------------------

    async def send_text(
        self, user: FakeUser, text: str, *, chat: ChatLike = None, reply_to: JSON | None = None
    ) -> Injected:
        content: JSON = {"text": text}
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        return await self._deliver("message", self._user_message(user, chat, **content))

    async def send_command(
        self,
        user: FakeUser,
        command: str,
        args: str | Sequence[str] = "",
        *,
        chat: ChatLike = None,
        mention: bool = False,
    ) -> Injected:
        """``/command args``; ``mention=True`` writes ``/command@bot_username`` (groups)."""
        command = command if command.startswith("/") else f"/{command}"
        if mention:
            command = f"{command}@{self._state.username}"
        tail = args if isinstance(args, str) else " ".join(args)
        text = f"{command} {tail}" if tail else command
        message = self._user_message(
            user, chat, text=text, entities=factories.command_entities(text)
        )
        return await self._deliver("message", message)

    async def edit_text(self, user: FakeUser, message: JSON, text: str) -> Injected:
        """The user edits one of their messages: an ``edited_message`` update."""
        state = self._state.chats[int(message["chat"]["id"])]
        edited = {**state.messages[int(message["message_id"])], "text": text}
        edited["edit_date"] = self._hub.date()
        state.messages[int(message["message_id"])] = edited
        return await self._deliver("edited_message", edited)

    async def press_button(
        self,
        user: FakeUser,
        message: JSON,
        callback_data: str | None = None,
        *,
        label: str | None = None,
    ) -> Injected:
        """Press an inline button (by callback_data or by its label) under a bot message."""
        state = self._state.chats[int(message["chat"]["id"])]
        message_id = int(message["message_id"])
        if message_id in state.deleted:
            raise AssertionError(f"message {message_id} was deleted; its buttons are gone")
        current = state.messages[message_id]
        buttons = [
            b for row in current.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        button = next(
            (
                b
                for b in buttons
                if "callback_data" in b
                and (callback_data is None or b["callback_data"] == callback_data)
                and (label is None or b["text"] == label)
            ),
            None,
        )
        if button is None or (callback_data is None and label is None):
            shown = [(b["text"], b.get("callback_data")) for b in buttons]
            raise AssertionError(
                f"no button data={callback_data!r} label={label!r} on message {message_id}; "
                f"buttons: {shown}"
            )
        query = factories.callback_query_dict(
            query_id=self._state.new_query_id(),
            sender=user.to_dict(),
            message=copy.deepcopy(current),
            data=str(button["callback_data"]),
            chat_instance=str(abs(hash((self._state.bot_id, state.chat["id"])))),
        )
        self._state.callback_queries[query["id"]] = query
        state.events.append(
            ChatEvent("callback", message_id, None, {"data": query["data"]}, self._hub.clock())
        )
        return await self._deliver("callback_query", query)

    async def tap_keyboard(self, user: FakeUser, label: str, *, chat: ChatLike = None) -> Injected:
        """Tap a button of the reply keyboard the bot showed: text, contact or location."""
        state = self._chat_for(user, chat)
        keyboard = state.keyboard
        if keyboard is None:
            raise AssertionError(f"no reply keyboard is shown in chat {state.chat['id']}")
        buttons = [b for row in keyboard["keyboard"] for b in row]
        button = next((b for b in buttons if b["text"] == label), None)
        if button is None:
            raise AssertionError(
                f"no keyboard button {label!r}; shown: {[b['text'] for b in buttons]}"
            )
        if keyboard.get("one_time_keyboard"):
            state.keyboard = None
        if button.get("request_contact"):
            return await self.send_contact(user, chat=chat)
        if button.get("request_location"):
            return await self.send_location(user, 21.0278, 105.8342, chat=chat)
        return await self.send_text(user, label, chat=chat)

    async def send_contact(
        self, user: FakeUser, phone: str | None = None, *, chat: ChatLike = None
    ) -> Injected:
        """The user shares their own contact (phone defaults to ``user.phone``)."""
        contact = factories.contact_dict(phone or user.phone or "+84912345678", user)
        return await self._deliver("message", self._user_message(user, chat, contact=contact))

    async def send_location(
        self, user: FakeUser, latitude: float, longitude: float, *, chat: ChatLike = None
    ) -> Injected:
        location = factories.location_dict(latitude, longitude)
        return await self._deliver("message", self._user_message(user, chat, location=location))

    async def send_photo(
        self, user: FakeUser, content: bytes, caption: str | None = None, *, chat: ChatLike = None
    ) -> Injected:
        stored = self._hub.files.add(content, "photo", mime_type="image/jpeg")
        message = self._user_message(
            user, chat, photo=factories.photo_sizes(stored), caption=caption
        )
        return await self._deliver("message", message)

    async def send_document(
        self,
        user: FakeUser,
        content: bytes,
        file_name: str = "tai-lieu.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        chat: ChatLike = None,
    ) -> Injected:
        stored = self._hub.files.add(content, "document", file_name=file_name, mime_type=mime_type)
        message = self._user_message(
            user, chat, document=factories.document_dict(stored), caption=caption
        )
        return await self._deliver("message", message)

    async def send_voice(
        self, user: FakeUser, content: bytes = _OGG, duration: int = 3, *, chat: ChatLike = None
    ) -> Injected:
        stored = self._hub.files.add(content, "voice", mime_type="audio/ogg")
        voice = factories.voice_dict(stored, duration)
        return await self._deliver("message", self._user_message(user, chat, voice=voice))

    async def send_sticker(
        self, user: FakeUser, emoji: str = "👍", *, chat: ChatLike = None
    ) -> Injected:
        stored = self._hub.files.add(_WEBP, "sticker", mime_type="image/webp")
        sticker = factories.sticker_dict(stored, emoji)
        return await self._deliver("message", self._user_message(user, chat, sticker=sticker))

    async def send_animation(
        self, user: FakeUser, content: bytes = _GIF, *, chat: ChatLike = None
    ) -> Injected:
        """A GIF: Telegram delivers it as both ``animation`` and ``document``."""
        stored = self._hub.files.add(
            content, "animation", file_name="animation.gif.mp4", mime_type="video/mp4"
        )
        message = self._user_message(
            user,
            chat,
            animation=factories.animation_dict(stored),
            document=factories.document_dict(stored),
        )
        return await self._deliver("message", message)

    async def send_poll(
        self, user: FakeUser, question: str, options: Sequence[str], *, chat: ChatLike = None
    ) -> Injected:
        poll_id = f"{self._state.bot_id}{self._state.updates.next_id()}"
        poll = factories.poll_dict(poll_id, question, list(options))
        return await self._deliver("message", self._user_message(user, chat, poll=poll))

    async def forward_text(
        self,
        user: FakeUser,
        text: str,
        *,
        from_name: str | None = None,
        from_user: FakeUser | None = None,
        chat: ChatLike = None,
    ) -> Injected:
        """The user forwards someone's text: from a hidden user (by name) or a visible one."""
        origin = factories.forward_origin_dict(
            self._hub.date() - 3600, from_name=from_name, user=from_user
        )
        message = self._user_message(user, chat, text=text, forward_origin=origin)
        return await self._deliver("message", message)

    async def inject_raw(self, update: JSON) -> Injected:
        """Deliver a hand-built update; an ``update_id`` is assigned if it has none."""
        if "update_id" not in update:
            update = {"update_id": self._state.updates.next_id(), **update}
        return await self._deliver_update(update)

    async def redeliver(self, update_id: int) -> Injected:
        """Deliver an earlier update again, same update_id, as Telegram does after a crash."""
        update = self._state.updates.history.get(update_id)
        if update is None:
            raise KeyError(f"update {update_id} was never delivered")
        return await self._deliver_update(update, forced=True)
