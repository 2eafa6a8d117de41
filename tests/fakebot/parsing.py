"""Decode a Bot API request the way Telegram does: query string, JSON, urlencoded or multipart.

PTB sends form fields whose values are JSON-encoded unless the value is a plain string, so a
form value is JSON-decoded only for parameters that are not string-typed in the Bot API
(``text="123"`` must stay a string, ``chat_id="123"`` becomes the number 123).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fakebot.hub import Upload

JSON = dict[str, Any]

# Parameters the Bot API types as String: never JSON-decode them.
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "ip_address",
        "language_code",
        "action",
        "emoji",
        "question",
        "inline_message_id",
        "description",
        "short_description",
        "name",
        "title",
        "file_id",
        "business_connection_id",
        "message_effect_id",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "address",
        "photo",
        "document",
        "audio",
        "voice",
        "video",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "custom_title",
    }
)
# Integer parameters a client may also send as decimal strings.
_INT_PARAMS = frozenset(
    {"chat_id", "message_id", "from_chat_id", "user_id", "offset", "limit", "timeout"}
)


def _decode(name: str, value: str) -> Any:
    if name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _normalise(params: JSON) -> JSON:
    for name in _INT_PARAMS & params.keys():
        value = params[name]
        if isinstance(value, str) and value.lstrip("-").isdigit():
            params[name] = int(value)
    return params


class BadBody(ValueError):
    """The body is not valid JSON/form data."""


async def parse_request(request: web.Request) -> tuple[JSON, dict[str, Upload]]:
    params: JSON = {k: _decode(k, v) for k, v in request.query.items()}
    files: dict[str, Upload] = {}
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise BadBody(str(exc)) from exc
            if not isinstance(body, dict):
                raise BadBody("JSON body must be an object")
            params.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files[name] = Upload(
                        field=name,
                        filename=value.filename,
                        content_type=value.content_type,
                        content=value.file.read(),
                    )
                else:
                    params[name] = _decode(name, str(value))
    return _normalise(params), files
