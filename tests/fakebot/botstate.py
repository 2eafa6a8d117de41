"""Per-token state of the fake: identity, pending updates, webhook, chats and their messages.

Pure data plus the small operations on it; the HTTP layer (server.py) and the Bot API method
implementations (methods.py) act on it, and the observation helpers read it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

# What Telegram delivers when allowed_updates was never set or set to [].
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


def update_type(update: JSON) -> str:
    return next((k for k in update if k != "update_id"), "")


@dataclass
class _Pending:
    update: JSON
    # A redelivered update is handed out once even though its id is already confirmed.
    forced: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


class UpdateQueue:
    """getUpdates semantics: confirm by offset, filter by allowed_updates, one poller at a time."""

    def __init__(self, first_id: int) -> None:
        self._ids = itertools.count(first_id)
        self.pending: list[_Pending] = []
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.poller: object | None = None
        self.history: dict[int, JSON] = {}

    def next_id(self) -> int:
        return next(self._ids)

    def push(self, update: JSON, *, forced: bool = False) -> None:
        self.history[int(update["update_id"])] = update
        self.pending.append(_Pending(update, forced))

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is not None:
            self.allowed = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES

    def confirm(self, offset: int | None) -> None:
        if not offset:
            return
        if offset < 0:
            # Negative offset: keep only the last -offset updates, forget the rest.
            self.pending = self.pending[offset:]
            return
        self.pending = [p for p in self.pending if p.forced or p.update_id >= offset]

    def drop_all(self) -> None:
        self.pending.clear()

    def _prune_disallowed(self) -> None:
        self.pending = [p for p in self.pending if update_type(p.update) in self.allowed]

    def has_deliverable(self) -> bool:
        self._prune_disallowed()
        return bool(self.pending)

    def take(self, limit: int) -> list[JSON]:
        """Unconfirmed updates, redelivered ones first so the client's next offset stays right."""
        self._prune_disallowed()
        forced = [p for p in self.pending if p.forced]
        normal = sorted((p for p in self.pending if not p.forced), key=lambda p: p.update_id)
        batch = (forced + normal)[: max(1, min(limit, 100))]
        for p in batch:
            p.forced = False
        return [p.update for p in batch]


@dataclass
class ChatEvent:
    """One thing that happened in a chat, in order: user/bot messages, edits, deletions..."""

    kind: str  # "user", "send", "edit", "delete", "action", "callback"
    message_id: int | None
    message: JSON | None
    params: JSON
    time: float


@dataclass
class ChatState:
    chat: JSON
    next_message_id: int = 1
    messages: dict[int, JSON] = field(default_factory=dict)
    bot_message_ids: list[int] = field(default_factory=list)
    deleted: set[int] = field(default_factory=set)
    events: list[ChatEvent] = field(default_factory=list)
    # The reply keyboard the user currently sees (set by a ReplyKeyboardMarkup, cleared by remove).
    keyboard: JSON | None = None
    read_cursor: int = 0

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def bot_messages(self) -> Iterator[JSON]:
        for message_id in self.bot_message_ids:
            yield self.messages[message_id]


@dataclass
class WebhookConfig:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


class BotState:
    """Everything the fake knows about one bot token."""

    def __init__(self, token: str, *, username: str, first_name: str) -> None:
        self.token = token
        bot_id = token.split(":", 1)[0]
        self.bot_id = int(bot_id) if bot_id.isdigit() else 1_000_000 + abs(hash(token)) % 10**6
        self.username = username
        self.first_name = first_name
        self.updates = UpdateQueue(first_id=100_000)
        self.webhook = WebhookConfig()
        self.chats: dict[int, ChatState] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.profile_texts: dict[tuple[str, str], str] = {}
        self.callback_queries: dict[str, JSON] = {}
        self.callback_answers: dict[str, JSON] = {}
        self._query_ids = itertools.count(1)

    def me(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def sender(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def chat_state(self, chat: JSON) -> ChatState:
        """The chat's state, created on first sight (a user writing registers the chat)."""
        chat_id = int(chat["id"])
        state = self.chats.get(chat_id)
        if state is None:
            state = self.chats[chat_id] = ChatState(chat=dict(chat))
        return state

    def new_query_id(self) -> str:
        return f"{self.bot_id}{next(self._query_ids):08d}"
