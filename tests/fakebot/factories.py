"""Small factories for Telegram Bot API objects as plain JSON dicts.

They produce exactly the shapes the Bot API sends (and PTB parses without leftovers), so tests
elsewhere can build updates by hand too, e.g. ``update_dict(1, "message", text_message(...))``.
Only fields that matter for a chatbot are filled in; everything else is left out, as Telegram
leaves out empty optional fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.fakebot.files import StoredFile

JSON = dict[str, Any]


@dataclass(frozen=True)
class FakeUser:
    """A simulated Telegram user (the citizen or official on the other side of the chat)."""

    id: int
    first_name: str
    language_code: str | None = "vi"
    username: str | None = None
    last_name: str | None = None
    phone: str | None = None

    def to_dict(self) -> JSON:
        return user_dict(self)

    def private_chat(self) -> JSON:
        return private_chat_dict(self)


@dataclass(frozen=True)
class FakeGroup:
    """A group chat the bot is a member of (ids of groups are negative, as in Telegram)."""

    id: int
    title: str
    type: str = "group"

    def to_dict(self) -> JSON:
        return group_chat_dict(self)


def user_dict(user: FakeUser) -> JSON:
    data: JSON = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    if user.last_name:
        data["last_name"] = user.last_name
    if user.username:
        data["username"] = user.username
    if user.language_code:
        data["language_code"] = user.language_code
    return data


def bot_user_dict(bot_id: int, first_name: str, username: str) -> JSON:
    return {"id": bot_id, "is_bot": True, "first_name": first_name, "username": username}


def private_chat_dict(user: FakeUser) -> JSON:
    data: JSON = {"id": user.id, "type": "private", "first_name": user.first_name}
    if user.last_name:
        data["last_name"] = user.last_name
    if user.username:
        data["username"] = user.username
    return data


def group_chat_dict(group: FakeGroup) -> JSON:
    return {"id": group.id, "type": group.type, "title": group.title}


def message_dict(
    *,
    message_id: int,
    chat: JSON,
    sender: JSON,
    date: int,
    **content: Any,
) -> JSON:
    """A Message; ``content`` holds text/caption/photo/... and is copied in as given."""
    data: JSON = {"message_id": message_id, "from": sender, "chat": chat, "date": date}
    data.update({k: v for k, v in content.items() if v is not None})
    return data


def command_entities(text: str) -> list[JSON]:
    """The bot_command entity Telegram attaches when a message starts with ``/command``."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


def utf16_len(text: str) -> int:
    """Entity offsets and lengths are counted in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def update_dict(update_id: int, kind: str, payload: JSON) -> JSON:
    return {"update_id": update_id, kind: payload}


def callback_query_dict(
    *, query_id: str, sender: JSON, message: JSON, data: str, chat_instance: str
) -> JSON:
    return {
        "id": query_id,
        "from": sender,
        "message": message,
        "chat_instance": chat_instance,
        "data": data,
    }


def contact_dict(phone: str, user: FakeUser) -> JSON:
    """A contact the user shares about themselves (the request_contact button)."""
    data: JSON = {"phone_number": phone, "first_name": user.first_name, "user_id": user.id}
    if user.last_name:
        data["last_name"] = user.last_name
    return data


def location_dict(latitude: float, longitude: float) -> JSON:
    return {"latitude": latitude, "longitude": longitude}


def photo_sizes(stored: StoredFile, width: int = 1280, height: int = 960) -> list[JSON]:
    """Telegram sends several sizes of one photo, smallest first; both point at the same bytes."""
    small_w, small_h = (
        max(1, width * 90 // max(width, height)),
        max(1, height * 90 // max(width, height)),
    )
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "width": small_w,
            "height": small_h,
        },
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "width": width,
            "height": height,
        },
    ]


def _file_base(stored: StoredFile) -> JSON:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
    }


def document_dict(stored: StoredFile) -> JSON:
    data = _file_base(stored)
    if stored.file_name:
        data["file_name"] = stored.file_name
    if stored.mime_type:
        data["mime_type"] = stored.mime_type
    return data


def voice_dict(stored: StoredFile, duration: int = 3) -> JSON:
    return {
        **_file_base(stored),
        "duration": duration,
        "mime_type": stored.mime_type or "audio/ogg",
    }


def audio_dict(stored: StoredFile, duration: int = 30) -> JSON:
    return {**document_dict(stored), "duration": duration}


def video_dict(stored: StoredFile, duration: int = 5) -> JSON:
    return {**document_dict(stored), "duration": duration, "width": 640, "height": 360}


def animation_dict(stored: StoredFile, duration: int = 2) -> JSON:
    # A GIF reaches bots as an MPEG-4 animation; Telegram also fills "document" with it.
    return {**document_dict(stored), "duration": duration, "width": 320, "height": 240}


def sticker_dict(stored: StoredFile, emoji: str = "👍") -> JSON:
    return {
        **_file_base(stored),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }


def poll_dict(poll_id: str, question: str, options: list[str], *, anonymous: bool = True) -> JSON:
    return {
        "id": poll_id,
        "question": question,
        "options": [
            {"text": text, "voter_count": 0, "persistent_id": f"{poll_id}-{i}"}
            for i, text in enumerate(options)
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": anonymous,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": True,
        "members_only": False,
    }


def forward_origin_dict(
    date: int, *, from_name: str | None = None, user: FakeUser | None = None
) -> JSON:
    """Origin of a forwarded message: a visible user, or a hidden one known only by name."""
    if user is not None:
        return {"type": "user", "date": date, "sender_user": user_dict(user)}
    return {"type": "hidden_user", "date": date, "sender_user_name": from_name or "Ẩn danh"}


def chat_member_updated_dict(
    *, chat: JSON, sender: JSON, bot_user: JSON, old_status: str, new_status: str, date: int
) -> JSON:
    """A ``my_chat_member`` payload: the bot's own membership changed (blocked, restarted...)."""

    def member(status: str) -> JSON:
        data: JSON = {"status": status, "user": bot_user}
        if status == "kicked":
            data["until_date"] = 0
        return data

    return {
        "chat": chat,
        "from": sender,
        "date": date,
        "old_chat_member": member(old_status),
        "new_chat_member": member(new_status),
    }
