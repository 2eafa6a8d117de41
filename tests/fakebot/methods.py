"""Bot API methods of the fake: identity, updates/webhook, text messages, edits, callbacks,
commands and profile texts. Media and files live in media.py.

Error descriptions are Telegram's own, so code that matches on them behaves as in production.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from tests.fakebot.api import (
    ApiError,
    Call,
    api_method,
    bad_request,
    find_message,
    new_bot_message,
    parse_markup,
    record_event,
    resolve_chat,
)
from tests.fakebot.botstate import ChatEvent, ChatState
from tests.fakebot.formatting import FormatError, format_text

JSON = dict[str, Any]

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def formatted(call: Call, key: str, *, limit: int, empty: str, too_long: str) -> JSON:
    """``{key: plain text, key_entities: [...]}`` from the text and its parse_mode."""
    raw = call.params.get(key)
    entities_key = "entities" if key == "text" else "caption_entities"
    if raw is None or raw == "":
        if empty:
            raise bad_request(empty)
        return {}
    try:
        result = format_text(str(raw), call.str_param("parse_mode"))
    except FormatError as exc:
        raise ApiError(400, str(exc)) from None
    entities = result.entities or call.params.get(entities_key) or []
    if empty and not result.text.strip():
        raise bad_request(empty)
    if len(result.text) > limit:
        raise bad_request(too_long)
    out: JSON = {key: result.text}
    if entities:
        out[entities_key] = entities
    return out


def message_text(call: Call) -> JSON:
    return formatted(
        call, "text", limit=4096, empty="message text is empty", too_long="message is too long"
    )


def caption(call: Call) -> JSON:
    return formatted(call, "caption", limit=1024, empty="", too_long="message caption is too long")


@api_method("getMe")
async def get_me(call: Call) -> JSON:
    return call.bot.me()


@api_method("logOut")
async def log_out(call: Call) -> bool:
    return True


@api_method("close")
async def close(call: Call) -> bool:
    return True


@api_method("getUpdates")
async def get_updates(call: Call) -> list[JSON]:
    bot, queue = call.bot, call.bot.updates
    if bot.webhook.url:
        raise ApiError(409, WEBHOOK_CONFLICT)
    queue.confirm(call.int_param("offset"))
    allowed = call.params.get("allowed_updates")
    queue.set_allowed(allowed if isinstance(allowed, list) else None)
    me = object()
    queue.poller = me
    await call.hub.notify()  # a long poll still waiting must learn it has been superseded
    timeout = float(call.params.get("timeout") or 0)
    if timeout > 0 and not queue.has_deliverable():
        await call.hub.wait_until(
            lambda: queue.poller is not me or queue.has_deliverable() or bool(bot.webhook.url),
            timeout,
        )
    if queue.poller is not me:
        raise ApiError(409, POLL_CONFLICT)
    queue.poller = None
    if bot.webhook.url:
        raise ApiError(409, WEBHOOK_CONFLICT)
    return queue.take(call.int_param("limit", 100) or 100)


@api_method("setWebhook")
async def set_webhook(call: Call) -> bool:
    url = call.str_param("url") or ""
    hook = call.bot.webhook
    if url:
        parts = urlsplit(url)
        # Real Telegram insists on HTTPS; the fake also accepts plain HTTP to loopback.
        if parts.scheme != "https" and not (
            parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
        ):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = call.str_param("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if call.params.get("drop_pending_updates"):
        call.bot.updates.drop_all()
    hook.url = url
    hook.secret_token = secret if url else None
    hook.max_connections = call.int_param("max_connections", 40) or 40
    allowed = call.params.get("allowed_updates")
    hook.allowed_updates = allowed if isinstance(allowed, list) else None
    call.bot.updates.set_allowed(hook.allowed_updates)
    hook.ip_address = call.str_param("ip_address")
    hook.last_error_date = hook.last_error_message = None
    return True


@api_method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    if call.params.get("drop_pending_updates"):
        call.bot.updates.drop_all()
    call.bot.webhook.url = ""
    call.bot.webhook.secret_token = None
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(call: Call) -> JSON:
    hook = call.bot.webhook
    info: JSON = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(call.bot.updates.pending),
    }
    if hook.url:
        info["max_connections"] = hook.max_connections
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


@api_method("sendMessage")
async def send_message(call: Call) -> JSON:
    chat = resolve_chat(call)
    return new_bot_message(call, chat, message_text(call))


@api_method("sendLocation")
async def send_location(call: Call) -> JSON:
    chat = resolve_chat(call)
    lat, lon = call.params.get("latitude"), call.params.get("longitude")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        raise bad_request("wrong latitude or longitude")
    return new_bot_message(call, chat, {"location": {"latitude": lat, "longitude": lon}})


@api_method("sendContact")
async def send_contact(call: Call) -> JSON:
    chat = resolve_chat(call)
    phone, first = call.str_param("phone_number"), call.str_param("first_name")
    if not phone or not first:
        raise bad_request("phone number or first name is empty")
    return new_bot_message(call, chat, {"contact": {"phone_number": phone, "first_name": first}})


def _edit_target(call: Call) -> tuple[ChatState, JSON] | None:
    """(chat, message) to edit, or None for inline messages (which the fake does not track)."""
    if call.params.get("inline_message_id"):
        return None
    chat = resolve_chat(call)
    message = find_message(chat, call.int_param("message_id"), what="to edit")
    if message["from"]["id"] != call.bot.bot_id:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(
    call: Call, target: tuple[ChatState, JSON], changes: JSON, replaced: tuple[str, ...] = ()
) -> JSON:
    chat, old = target
    kind, markup = parse_markup(call)
    if kind not in ("none", "inline"):
        raise bad_request("inline keyboard expected")
    # An edit without reply_markup removes the inline keyboard, as in Telegram.
    dropped = ("reply_markup", "edit_date", *replaced)
    new = {k: v for k, v in old.items() if k not in dropped}
    new.update(changes)
    if markup is not None:
        new["reply_markup"] = markup
    if _content(new) == _content(old):
        raise bad_request(NOT_MODIFIED)
    new["edit_date"] = call.hub.date()
    chat.messages[new["message_id"]] = new
    record_event(call, chat, "edit", new)
    return new


def _content(message: JSON) -> str:
    ignored = ("edit_date", "date")
    return json.dumps({k: v for k, v in message.items() if k not in ignored}, sort_keys=True)


@api_method("editMessageText")
async def edit_message_text(call: Call) -> JSON | bool:
    target = _edit_target(call)
    changes = message_text(call)
    if target is None:
        return True
    if "text" not in target[1]:
        raise bad_request("there is no text in the message to edit")
    return _apply_edit(call, target, changes, ("text", "entities"))


@api_method("editMessageCaption")
async def edit_message_caption(call: Call) -> JSON | bool:
    target = _edit_target(call)
    changes = caption(call)
    if target is None:
        return True
    if "text" in target[1]:
        raise bad_request("there is no caption in the message to edit")
    return _apply_edit(call, target, changes, ("caption", "caption_entities"))


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> JSON | bool:
    target = _edit_target(call)
    if target is None:
        return True
    return _apply_edit(call, target, {})


@api_method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = resolve_chat(call)
    message_id = call.int_param("message_id")
    message = find_message(chat, message_id, what="to delete")
    chat.deleted.add(int(message["message_id"]))
    record_event(call, chat, "delete", None)
    return True


@api_method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat = resolve_chat(call)
    ids = call.params.get("message_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        if message_id in chat.messages:
            chat.deleted.add(int(message_id))
    record_event(call, chat, "delete", None)
    return True


@api_method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    query_id = call.str_param("callback_query_id") or ""
    query = call.bot.callback_queries.get(query_id)
    if query is None or query_id in call.bot.callback_answers:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    call.bot.callback_answers[query_id] = dict(call.params)
    chat = call.bot.chats.get(int(query["message"]["chat"]["id"]))
    if chat is not None:
        message_id = int(query["message"]["message_id"])
        chat.events.append(
            ChatEvent("answer", message_id, None, dict(call.params), call.hub.clock())
        )
    return True


@api_method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = resolve_chat(call)
    if call.str_param("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    record_event(call, chat, "action", None)
    return True


def _commands_key(call: Call) -> tuple[str, str]:
    scope = call.params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), call.str_param("language_code") or ""


@api_method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = call.params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 BotCommand")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise bad_request("command description is empty")
    call.bot.commands[_commands_key(call)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@api_method("getMyCommands")
async def get_my_commands(call: Call) -> list[JSON]:
    return call.bot.commands.get(_commands_key(call), [])


@api_method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop(_commands_key(call), None)
    return True


@api_method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    button = call.params.get("menu_button") or {"type": "default"}
    call.bot.menu_buttons[call.int_param("chat_id")] = button
    return True


@api_method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> JSON:
    buttons = call.bot.menu_buttons
    return buttons.get(call.int_param("chat_id"), buttons.get(None, {"type": "commands"}))


def _profile_text(name: str, field: str, limit: int) -> None:
    """Register setMyX/getMyX pairs that store one text per language."""

    async def setter(call: Call) -> bool:
        value = call.str_param(field) or ""
        if len(value) > limit:
            raise bad_request(f"bot {field.replace('_', ' ')} is too long")
        call.bot.profile_texts[(field, call.str_param("language_code") or "")] = value
        return True

    async def getter(call: Call) -> JSON:
        return {
            field: call.bot.profile_texts.get((field, call.str_param("language_code") or ""), "")
        }

    api_method(f"setMy{name}")(setter)
    api_method(f"getMy{name}")(getter)


_profile_text("Description", "description", 512)
_profile_text("ShortDescription", "short_description", 120)
_profile_text("Name", "name", 64)
