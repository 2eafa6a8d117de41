"""Observation helpers of FakeBot: what the bot sent to each chat, and waiting for it.

Chats can be named by id, FakeUser (their private chat) or FakeGroup. Messages are returned
in their current state (after edits); the history of edits is in ``events``.
"""

# Waits take an explicit timeout on purpose: it is the test's safety net and shows up in the
# failure message, which a caller-side asyncio.timeout would not give.
# ruff: noqa: ASYNC109

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from tests.fakebot.botstate import BotState, ChatEvent, ChatState, WebhookConfig
from tests.fakebot.factories import FakeGroup, FakeUser
from tests.fakebot.hub import Hub
from tests.fakebot.users import Injected

JSON = dict[str, Any]
T = TypeVar("T")
ChatRef = int | FakeUser | FakeGroup


def chat_id_of(chat: ChatRef) -> int:
    return chat if isinstance(chat, int) else chat.id


class Observations:
    """Mixin of FakeBot: read-only views and waits."""

    _hub: Hub
    _state: BotState

    def _chat(self, chat: ChatRef) -> ChatState | None:
        return self._state.chats.get(chat_id_of(chat))

    @property
    def state(self) -> BotState:
        """The raw per-token state, for assertions the helpers below do not cover."""
        return self._state

    @property
    def webhook(self) -> WebhookConfig:
        return self._state.webhook

    @property
    def pending_updates(self) -> list[JSON]:
        return [p.update for p in self._state.updates.pending]

    @property
    def sent_count(self) -> int:
        """Messages this bot has sent, over all chats (cheap: for benchmark predicates)."""
        return sum(len(c.bot_message_ids) for c in self._state.chats.values())

    def sent_messages(self, chat: ChatRef) -> list[JSON]:
        """Every message the bot sent to the chat (text, documents, photos...), in order,
        in its current state; deleted ones included (see ``is_deleted``)."""
        state = self._chat(chat)
        return [] if state is None else list(state.bot_messages())

    def sent_texts(self, chat: ChatRef) -> list[str]:
        """Text (or caption) of each message the bot sent to the chat."""
        return [_text_of(m) for m in self.sent_messages(chat)]

    def last_message(self, chat: ChatRef) -> JSON | None:
        sent = self.sent_messages(chat)
        return sent[-1] if sent else None

    def message(self, chat: ChatRef, message_id: int) -> JSON:
        """Current state of any message (bot's or user's) in the chat."""
        state = self._chat(chat)
        if state is None or message_id not in state.messages:
            raise KeyError(f"no message {message_id} in chat {chat_id_of(chat)}")
        return state.messages[message_id]

    def is_deleted(self, chat: ChatRef, message_id: int) -> bool:
        state = self._chat(chat)
        return state is not None and message_id in state.deleted

    def events(self, chat: ChatRef) -> list[ChatEvent]:
        """User messages, sends, edits, deletions, chat actions, callback presses and answers."""
        state = self._chat(chat)
        return [] if state is None else list(state.events)

    def transcript(self, chat: ChatRef) -> list[str]:
        """Human-readable history of the chat, handy in assertion messages."""
        lines = []
        for e in self.events(chat):
            m = e.message or {}
            body = (
                m.get("text")
                or m.get("caption")
                or _media_kind(m)
                or json.dumps(e.params, ensure_ascii=False)
            )
            buttons = [
                b["text"]
                for row in m.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
            ]
            lines.append(f"{e.kind} #{e.message_id}: {body}" + (f" {buttons}" if buttons else ""))
        return lines

    def chat_actions(self, chat: ChatRef) -> list[str]:
        return [str(e.params.get("action")) for e in self.events(chat) if e.kind == "action"]

    def reply_keyboard(self, chat: ChatRef) -> list[list[str]] | None:
        """Labels of the reply keyboard the user currently sees, or None."""
        state = self._chat(chat)
        if state is None or state.keyboard is None:
            return None
        return [[b["text"] for b in row] for row in state.keyboard["keyboard"]]

    def inline_buttons(self, message: JSON) -> list[list[JSON]]:
        """Inline buttons under the current version of ``message``."""
        current = self.message(int(message["chat"]["id"]), int(message["message_id"]))
        return [list(row) for row in current.get("reply_markup", {}).get("inline_keyboard", [])]

    def callback_answer(self, query: str | Injected) -> JSON | None:
        """The answerCallbackQuery parameters for this press, or None if not answered (yet)."""
        query_id = query.callback_query_id if isinstance(query, Injected) else query
        return self._state.callback_answers.get(query_id or "")

    async def wait_callback_answer(self, query: str | Injected, timeout: float = 10.0) -> JSON:
        return await self._hub.wait_for(
            lambda: self.callback_answer(query), timeout, "answerCallbackQuery"
        )

    def file_content(self, file_id: str) -> bytes | None:
        """The bytes behind a file_id (uploaded by the bot or sent by a user), or None."""
        stored = self._hub.files.get(file_id)
        return None if stored is None else stored.content

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        key = json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
        return self._state.commands.get(key, [])

    def message_counts(self) -> Counter[tuple[int, str]]:
        """How often each (chat_id, text-or-caption) was sent: spot duplicate sends."""
        counts: Counter[tuple[int, str]] = Counter()
        for chat_id, state in self._state.chats.items():
            for m in state.bot_messages():
                counts[(chat_id, _text_of(m))] += 1
        return counts

    def duplicates(self) -> dict[tuple[int, str], int]:
        return {key: n for key, n in self.message_counts().items() if n > 1}

    async def wait_chat(
        self, chat: ChatRef, predicate: Callable[[], T | None], timeout: float = 10.0
    ) -> T:
        """First truthy value of ``predicate``, re-checked only when the bot acts on this chat
        (a send, an edit, a callback answer): cheap with many chats waiting at once."""
        return await self._hub.wait_chat(chat_id_of(chat), predicate, timeout)

    async def next_message(self, chat: ChatRef, timeout: float = 10.0) -> JSON:
        """The next bot message in the chat not yet returned by next_message (waits for it)."""
        chat_id = chat_id_of(chat)

        def take() -> JSON | None:
            state = self._state.chats.get(chat_id)
            if state is None or state.read_cursor >= len(state.bot_message_ids):
                return None
            message = state.messages[state.bot_message_ids[state.read_cursor]]
            state.read_cursor += 1
            return message

        return await self._hub.wait_for(take, timeout, f"a bot message in chat {chat_id}")

    async def next_matching(
        self, chat: ChatRef, ready: Callable[[JSON], bool], timeout: float = 10.0
    ) -> JSON:
        """The first unread bot message in the chat that satisfies ``ready`` (waits for it);
        it and the messages before it are then read. Cheap with many chats waiting at once."""
        chat_id = chat_id_of(chat)

        def take() -> JSON | None:
            state = self._state.chats.get(chat_id)
            if state is None:
                return None
            unread = state.bot_message_ids[state.read_cursor :]
            for n, message_id in enumerate(unread):
                message = state.messages[message_id]
                if ready(message):
                    state.read_cursor += n + 1
                    return message
            return None

        return await self._hub.wait_chat(chat_id, take, timeout)

    async def next_messages(self, chat: ChatRef, count: int, timeout: float = 10.0) -> list[JSON]:
        return [await self.next_message(chat, timeout) for _ in range(count)]

    def skip_messages(self, chat: ChatRef) -> None:
        """Mark everything sent so far as read for next_message."""
        state = self._chat(chat)
        if state is not None:
            state.read_cursor = len(state.bot_message_ids)


def _media_kind(message: JSON) -> str:
    kinds = (
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
        "contact",
        "location",
        "poll",
    )
    found = next((k for k in kinds if k in message), "")
    return f"<{found}>" if found else ""


def _text_of(message: JSON) -> str:
    return str(message.get("text", message.get("caption", "")))
