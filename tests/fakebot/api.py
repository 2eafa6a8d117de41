"""Building blocks of the Bot API methods: the error type, the call context, the registry,
and the helpers every sending method shares (chat lookup, reply markup, new bot message).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests.fakebot.botstate import BotState, ChatEvent, ChatState
from tests.fakebot.hub import Hub, Upload

JSON = dict[str, Any]


class ApiError(Exception):
    """An error answer: HTTP status == error_code, as Telegram does."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


@dataclass
class Call:
    bot: BotState
    hub: Hub
    params: JSON
    files: dict[str, Upload]

    def int_param(self, name: str, default: int | None = None) -> int | None:
        value = self.params.get(name, default)
        if value is None or isinstance(value, bool):
            return default
        if isinstance(value, int | float):
            return int(value)
        raise bad_request(f"invalid {name} specified")

    def str_param(self, name: str) -> str | None:
        value = self.params.get(name)
        return None if value is None else str(value)


Method = Callable[[Call], Awaitable[Any]]
# lower-case name -> (canonical name, implementation); Telegram matches method names
# case-insensitively.
METHODS: dict[str, tuple[str, Method]] = {}


def api_method(name: str) -> Callable[[Method], Method]:
    def register(fn: Method) -> Method:
        METHODS[name.lower()] = (name, fn)
        return fn

    return register


def resolve_chat(call: Call, key: str = "chat_id") -> ChatState:
    chat_id = call.params.get(key)
    if chat_id is None or chat_id == "":
        raise bad_request(f"{key} is empty")
    state = call.bot.chats.get(chat_id) if isinstance(chat_id, int) else None
    if state is None:
        raise bad_request("chat not found")
    return state


def find_message(chat: ChatState, message_id: int | None, *, what: str) -> JSON:
    if message_id is None or message_id in chat.deleted or message_id not in chat.messages:
        raise bad_request(f"message {what} not found")
    return chat.messages[message_id]


def _validate_inline(markup: JSON) -> JSON:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    actions = (
        "callback_data",
        "url",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "callback_game",
        "pay",
        "web_app",
        "copy_text",
    )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            present = [a for a in actions if a in button]
            if len(present) != 1:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            # 1-64 bytes of UTF-8: Vietnamese labels used as data overflow this quickly.
            if "callback_data" in button and not 1 <= len(str(data).encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return {"inline_keyboard": [[dict(b) for b in row] for row in rows]}


def _validate_reply_keyboard(markup: JSON) -> JSON:
    rows = markup.get("keyboard")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    normalised = [[b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows]
    if any(not b.get("text") for row in normalised for b in row):
        raise bad_request("can't parse keyboard button: Text must be non-empty")
    return {**markup, "keyboard": normalised}


def parse_markup(call: Call) -> tuple[str, JSON | None]:
    """Kind ("none", "inline", "reply", "remove", "force_reply") and validated markup."""
    markup = call.params.get("reply_markup")
    if markup is None:
        return "none", None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return "inline", _validate_inline(markup)
    if "keyboard" in markup:
        return "reply", _validate_reply_keyboard(markup)
    if markup.get("remove_keyboard"):
        return "remove", markup
    if markup.get("force_reply"):
        return "force_reply", markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _reply_to(call: Call, chat: ChatState) -> JSON | None:
    reply = call.params.get("reply_parameters")
    if isinstance(reply, dict):
        message_id, allow = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = call.params.get("reply_to_message_id")
        allow = bool(call.params.get("allow_sending_without_reply"))
    if message_id is None:
        return None
    if message_id in chat.messages and message_id not in chat.deleted:
        # Telegram does not nest replies more than one level deep.
        return {k: v for k, v in chat.messages[message_id].items() if k != "reply_to_message"}
    if allow:
        return None
    raise bad_request("message to be replied not found")


def new_bot_message(call: Call, chat: ChatState, content: JSON) -> JSON:
    """Store and return a message the bot sends (text or media) in ``chat``."""
    kind, markup = parse_markup(call)
    reply_to = _reply_to(call, chat)
    message: JSON = {
        "message_id": chat.new_message_id(),
        "from": call.bot.sender(),
        "chat": dict(chat.chat),
        "date": call.hub.date(),
        **content,
    }
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    # Only inline keyboards come back inside a Message; reply keyboards live in the client.
    if kind == "inline":
        message["reply_markup"] = markup
    elif kind == "reply":
        chat.keyboard = markup
    elif kind == "remove":
        chat.keyboard = None
    chat.messages[message["message_id"]] = message
    chat.bot_message_ids.append(message["message_id"])
    record_event(call, chat, "send", message)
    call.hub.delivery_times.append(call.hub.clock())
    return message


def record_event(call: Call, chat: ChatState, kind: str, message: JSON | None) -> None:
    message_id = None if message is None else int(message["message_id"])
    if kind in ("delete",):
        message_id = call.int_param("message_id")
    chat.events.append(ChatEvent(kind, message_id, message, dict(call.params), call.hub.clock()))
