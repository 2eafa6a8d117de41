"""The concern being written, kept in the conversation state until it is sent.

Everything a person enters goes here first, so a restart, a stale button or a wrong kind of input
never loses it; nothing reaches the concerns table before the person confirms.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from handlers.context import Ctx
from handlers.events import ATTACHABLE_MEDIA, Location, Media
from nlp.topics import TOPICS

# The tagger's fixed topic codes, in the order the topic picker shows them.
TOPIC_CODES = TOPICS


def draft_text(ctx: Ctx) -> str:
    parts = ctx.data.get("parts", [])
    return "\n".join(str(p) for p in parts)


def has_words(text: str) -> bool:
    """False for empty text and for emoji or punctuation only."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def check_text(ctx: Ctx, text: str) -> str | None:
    """The catalog key of the problem with ``text`` as a part of the concern, or None."""
    limits = ctx.services.limits
    if not text.strip():
        return "intake.empty"
    if not has_words(text):
        return "intake.emoji_only"
    if len(text) > limits.max_message_chars:
        return "intake.too_long_message"
    if len(draft_text(ctx)) + len(text) > limits.max_concern_chars:
        return "intake.too_long_total"
    return None


def add_text(ctx: Ctx, text: str) -> None:
    ctx.data.setdefault("parts", []).append(text.strip())


def media_problem(ctx: Ctx, media: Media) -> str | None:
    if media.kind not in ATTACHABLE_MEDIA:
        return "intake.unsupported_media"
    if media.size is not None and media.size > ctx.services.limits.max_file_bytes:
        return "intake.file_too_large"
    if len(ctx.data.get("attachments", [])) >= ctx.services.limits.max_attachments:
        return "intake.too_many_files"
    return None


def add_media(ctx: Ctx, media: Media) -> None:
    item: dict[str, Any] = {
        "kind": media.kind.value,
        "file_ref": media.file_ref,
        "file_name": media.file_name,
        "mime_type": media.mime_type,
        "size": media.size,
    }
    ctx.data.setdefault("attachments", []).append(item)


def add_location(ctx: Ctx, location: Location) -> None:
    item = {"kind": "location", "latitude": location.latitude, "longitude": location.longitude}
    ctx.data.setdefault("attachments", []).append(item)


def attachment_summary(ctx: Ctx) -> str:
    counts: dict[str, int] = {}
    for item in ctx.data.get("attachments", []):
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    labels = [f"{ctx.t('attachment.' + kind)}: {n}" for kind, n in counts.items()]
    return ", ".join(labels)


def analyse(ctx: Ctx) -> None:
    """Tag the whole draft; the person's own topic choice, once made, is kept."""
    result = ctx.services.tagger.tag(draft_text(ctx))
    ctx.data["flags"] = {
        "legal_complaint": result.legal_complaint,
        "urgent": result.urgent,
        "abusive": result.abusive,
    }
    ctx.data["scores"] = {k: round(float(v), 4) for k, v in result.scores.items()}
    ctx.data["model_version"] = result.model_version
    ctx.data["uncertain"] = result.uncertain
    if not ctx.data.get("topics_by_person"):
        ctx.data["topics"] = list(result.topics) or [result.primary]


def topic_labels(ctx: Ctx, topics: list[str]) -> str:
    return ", ".join(ctx.t(f"topic.{code}") for code in topics)
