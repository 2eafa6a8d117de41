"""Media methods of the fake: sendDocument, sendPhoto and friends, and getFile.

A file may arrive as a multipart upload, an ``attach://`` reference to one, a file_id the fake
handed out earlier, or an HTTP URL (not fetched: the fake stores an empty placeholder).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.fakebot import factories
from tests.fakebot.api import Call, api_method, bad_request, new_bot_message, resolve_chat
from tests.fakebot.files import StoredFile
from tests.fakebot.methods import caption

JSON = dict[str, Any]

_DEFAULT_MIME = {
    "photo": "image/jpeg",
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "animation": "video/mp4",
    "sticker": "image/webp",
}


def resolve_file(call: Call, field: str) -> StoredFile:
    upload = call.files.get(field)
    value = call.params.get(field)
    if upload is None and isinstance(value, str) and value.startswith("attach://"):
        upload = call.files.get(value.removeprefix("attach://"))
    if upload is not None:
        return call.hub.files.add(
            upload.content,
            field,
            file_name=upload.filename,
            mime_type=(
                upload.content_type
                if upload.content_type not in (None, "application/octet-stream")
                else _DEFAULT_MIME.get(field, upload.content_type)
            ),
        )
    if isinstance(value, str) and value:
        known = call.hub.files.get(value)
        if known is not None:
            return known
        if value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or None
            return call.hub.files.add(
                b"", field, file_name=name, mime_type=_DEFAULT_MIME.get(field)
            )
        raise bad_request("wrong file identifier/HTTP URL specified")
    raise bad_request(f"there is no {field} in the request")


def _media_sender(field: str, build: Callable[[StoredFile], JSON]) -> None:
    method = "send" + "".join(part.capitalize() for part in field.split("_"))

    async def send(call: Call) -> JSON:
        chat = resolve_chat(call)
        stored = resolve_file(call, field)
        content = build(stored) | caption(call)
        return new_bot_message(call, chat, content)

    api_method(method)(send)


_media_sender("document", lambda f: {"document": factories.document_dict(f)})
_media_sender("photo", lambda f: {"photo": factories.photo_sizes(f)})
_media_sender("audio", lambda f: {"audio": factories.audio_dict(f)})
_media_sender("voice", lambda f: {"voice": factories.voice_dict(f)})
_media_sender("video", lambda f: {"video": factories.video_dict(f)})
_media_sender("sticker", lambda f: {"sticker": factories.sticker_dict(f)})
# An animation is also exposed as a document, as Telegram does for GIFs.
_media_sender(
    "animation",
    lambda f: {
        "animation": factories.animation_dict(f),
        "document": factories.document_dict(f),
    },
)


@api_method("getFile")
async def get_file(call: Call) -> JSON:
    stored = call.hub.files.get(call.str_param("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.file_object()
