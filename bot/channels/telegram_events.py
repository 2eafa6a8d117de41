"""Translates python-telegram-bot updates into the project's own ``InboundEvent``."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType

from handlers.events import (
    ButtonPress,
    ChatRef,
    Command,
    Contact,
    Forwarded,
    InboundEvent,
    Location,
    Media,
    MediaKind,
    Payload,
    Sender,
    Text,
)

CHANNEL = "telegram"


def _media(message: Message) -> Media | None:
    caption = message.caption
    # An animation (GIF) also carries a ``document``: look at it first.
    if message.animation is not None:
        return Media(
            MediaKind.ANIMATION, message.animation.file_id, size=message.animation.file_size
        )
    if message.sticker is not None:
        return Media(MediaKind.STICKER, message.sticker.file_id)
    if message.poll is not None:
        return Media(MediaKind.POLL)
    if message.photo:
        largest = message.photo[-1]
        return Media(MediaKind.PHOTO, largest.file_id, size=largest.file_size, caption=caption)
    if message.document is not None:
        doc = message.document
        return Media(
            MediaKind.DOCUMENT,
            doc.file_id,
            file_name=doc.file_name,
            mime_type=doc.mime_type,
            size=doc.file_size,
            caption=caption,
        )
    if message.voice is not None:
        return Media(
            MediaKind.VOICE,
            message.voice.file_id,
            mime_type=message.voice.mime_type,
            size=message.voice.file_size,
            caption=caption,
        )
    if message.audio is not None:
        return Media(
            MediaKind.AUDIO, message.audio.file_id, size=message.audio.file_size, caption=caption
        )
    if message.video is not None:
        return Media(
            MediaKind.VIDEO, message.video.file_id, size=message.video.file_size, caption=caption
        )
    if message.video_note is not None or message.dice is not None or message.game is not None:
        return Media(MediaKind.OTHER)
    return None


def _origin_name(message: Message) -> str | None:
    origin = message.forward_origin
    if origin is None:
        return None
    user = getattr(origin, "sender_user", None)
    if user is not None:
        return str(user.full_name)
    for attr in ("sender_user_name", "author_signature"):
        value = getattr(origin, attr, None)
        if value:
            return str(value)
    chat = getattr(origin, "chat", None) or getattr(origin, "sender_chat", None)
    return str(chat.title) if chat is not None and chat.title else None


def _command(text: str) -> Command | None:
    if not text.startswith("/"):
        return None
    head, *args = text.split()
    name = head[1:].split("@", 1)[0].lower()
    return Command(name, tuple(args)) if name else None


def _message_payload(message: Message) -> Payload | None:
    media = _media(message)
    if message.forward_origin is not None:
        text = message.text or message.caption
        return Forwarded(text, _origin_name(message), media)
    if message.text is not None:
        return _command(message.text) or Text(message.text)
    if message.contact is not None:
        contact = message.contact
        own = message.from_user is not None and contact.user_id == message.from_user.id
        return Contact(contact.phone_number, is_own=own)
    if message.location is not None:
        return Location(message.location.latitude, message.location.longitude)
    return media


def to_event(update: Update) -> InboundEvent | None:
    """The event for ``update``, or None for updates the bot does not act on."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or user.is_bot:
        return None
    payload: Payload | None
    if update.callback_query is not None:
        query = update.callback_query
        message_id = str(query.message.message_id) if query.message is not None else None
        payload = ButtonPress(query.data or "", message_id)
    elif update.message is not None:
        payload = _message_payload(update.message)
    else:
        return None
    if payload is None:
        payload = Media(MediaKind.OTHER)
    return InboundEvent(
        chat=ChatRef(CHANNEL, str(chat.id), private=chat.type == ChatType.PRIVATE),
        sender=Sender(str(user.id), user.full_name, user.language_code),
        payload=payload,
        update_id=str(update.update_id),
    )
