"""Parse-mode handling: turn HTML / MarkdownV2 text into plain text + entities, or refuse it.

Telegram rejects badly formed markup with "Bad Request: can't parse entities: ...". A citizen's
message echoed without escaping (``a < b``, ``1.000.000 đ!``) is a classic bug, so the fake must
reject it as Telegram does instead of silently accepting it. The stored message then carries the
plain text, as the real API returns it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from tests.fakebot.factories import utf16_len


class FormatError(ValueError):
    """Markup Telegram would not accept; ``str(err)`` is the API description."""


@dataclass
class Formatted:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    r"(?P<attrs>(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_HTML_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_MD_RESERVED = set("_*[]()~`>#+-=|{}.!")


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def format_text(text: str, parse_mode: str | None) -> Formatted:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode in ("", "markdown"):
        # Legacy Markdown is rarely used; pass it through rather than guess its quirks.
        return Formatted(text)
    raise FormatError(f"Bad Request: unsupported parse_mode {parse_mode}")


def parse_html(src: str) -> Formatted:
    out: list[str] = []
    pos16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int, dict[str, Any]]] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "<":
            m = _HTML_TAG.match(src, i)
            if m is None:
                raise FormatError(
                    'Bad Request: can\'t parse entities: unsupported start tag "" at byte offset '
                    f"{_byte_offset(src, i)}"
                )
            name = m["name"].lower()
            if m["close"]:
                if not stack or stack[-1][0] != name:
                    raise FormatError(
                        f"Bad Request: can't parse entities: unexpected end tag at byte offset "
                        f"{_byte_offset(src, i)}"
                    )
                _, start, entity = stack.pop()
                if pos16 > start:
                    entities.append({**entity, "offset": start, "length": pos16 - start})
            else:
                stack.append((name, pos16, _html_entity(name, m["attrs"], src, i)))
            i = m.end()
            continue
        if ch == "&":
            em = _HTML_ENTITY.match(src, i)
            if em is not None:
                ch = html.unescape(em.group(0))
                i = em.end() - 1
        out.append(ch)
        pos16 += utf16_len(ch)
        i += 1
    if stack:
        raise FormatError(
            "Bad Request: can't parse entities: can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return Formatted("".join(out), entities)


def _html_entity(name: str, attrs_src: str, src: str, index: int) -> dict[str, Any]:
    attrs = {k.lower(): (v or "").strip("\"'") for k, v in _HTML_ATTR.findall(attrs_src)}
    if name in _HTML_SIMPLE:
        entity: dict[str, Any] = {"type": _HTML_SIMPLE[name]}
        if name == "code" and attrs.get("class", "").startswith("language-"):
            entity["language"] = attrs["class"].removeprefix("language-")
        return entity
    if name == "span" and attrs.get("class") == "tg-spoiler":
        return {"type": "spoiler"}
    if name == "a":
        href = html.unescape(attrs.get("href", ""))
        if href.startswith("tg://user?id="):
            return {"type": "text_mention", "user": {"id": int(href.split("=", 1)[1])}}
        return {"type": "text_link", "url": href}
    if name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return {"type": kind}
    if name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    raise FormatError(
        f'Bad Request: can\'t parse entities: unsupported start tag "{name}" at byte offset '
        f"{_byte_offset(src, index)}"
    )


_MD_TOGGLES = (
    ("```", "pre"),
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
)


def parse_markdown_v2(src: str) -> Formatted:
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int]] = []  # (entity type or "link", utf-16 start)
    i = 0

    def pos16() -> int:
        return utf16_len("".join(out))

    while i < len(src):
        ch = src[i]
        if ch == "\\":
            if i + 1 >= len(src):
                raise FormatError(
                    "Bad Request: can't parse entities: character '\\' is reserved and must be "
                    "escaped with the preceding '\\'"
                )
            out.append(src[i + 1])
            i += 2
            continue
        if ch == "`":
            fence = "```" if src.startswith("```", i) else "`"
            end = _find_unescaped(src, fence, i + len(fence))
            if end < 0:
                raise FormatError(
                    "Bad Request: can't parse entities: can't find end of "
                    f"{'Pre' if fence == '```' else 'Code'} entity at byte offset "
                    f"{_byte_offset(src, i)}"
                )
            body = re.sub(r"\\([`\\])", r"\1", src[i + len(fence) : end])
            entity: dict[str, Any] = {"type": "pre" if fence == "```" else "code"}
            if fence == "```" and "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    entity["language"], body = first, rest
            start = pos16()
            out.append(body)
            entities.append({**entity, "offset": start, "length": utf16_len(body)})
            i = end + len(fence)
            continue
        toggle = next(((m, k) for m, k in _MD_TOGGLES[1:] if src.startswith(m, i)), None)
        if toggle is not None:
            marker, kind = toggle
            if stack and stack[-1][0] == kind:
                _, start = stack.pop()
                if pos16() > start:
                    entities.append({"type": kind, "offset": start, "length": pos16() - start})
            else:
                stack.append((kind, pos16()))
            i += len(marker)
            continue
        if ch == "[":
            stack.append(("link", pos16()))
            i += 1
            continue
        if ch == "]" and stack and stack[-1][0] == "link" and src.startswith("(", i + 1):
            end = _find_unescaped(src, ")", i + 2)
            if end < 0:
                break  # reported below as an unclosed entity
            _, start = stack.pop()
            url = re.sub(r"\\([)\\])", r"\1", src[i + 2 : end])
            entities.append(
                {"type": "text_link", "offset": start, "length": pos16() - start, "url": url}
            )
            i = end + 1
            continue
        if ch == ">" and (i == 0 or src[i - 1] == "\n"):
            i += 1  # blockquote marker; the quote itself is not modelled
            continue
        if ch in _MD_RESERVED:
            raise FormatError(
                f"Bad Request: can't parse entities: character '{ch}' is reserved and must be "
                "escaped with the preceding '\\'"
            )
        out.append(ch)
        i += 1
    if stack:
        kind = stack[-1][0]
        raise FormatError(
            f"Bad Request: can't parse entities: can't find end of {kind.capitalize()} entity"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return Formatted("".join(out), entities)


def _find_unescaped(src: str, needle: str, start: int) -> int:
    i = start
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        if src.startswith(needle, i):
            return i
        i += 1
    return -1
