"""Cutting a long plain-text report into chat messages at line boundaries.

Telegram limits a message to 4096 UTF-16 code units, and an emoji outside the Basic Multilingual
Plane costs two of them, so lengths here are counted in UTF-16 units: a page within ``max_chars``
by that count is within it by Python's count too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Block = Sequence[str]

# Below this a page cannot hold a useful line next to its "page i/n" footer.
MIN_BUDGET = 40
_FOOTER_PROBE = 9999
_BLOCK_SEP = "\n\n"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _hard_wrap(line: str, budget: int) -> list[str]:
    """A line too long for one page, cut into pieces that fit, at spaces where possible."""
    pieces: list[str] = []
    rest = line
    while utf16_len(rest) > budget:
        # Walk code points, not code units, so that a surrogate pair is never split.
        used = 0
        end = 0
        for index, char in enumerate(rest):
            used += utf16_len(char)
            if used > budget:
                break
            end = index + 1
        space = rest.rfind(" ", 0, end)
        cut = space if space > end // 2 else end
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return pieces


class _Pages:
    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.pages: list[str] = []
        self.current = ""

    def fits(self, text: str, sep: str) -> bool:
        joiner = sep if self.current else ""
        return utf16_len(self.current) + utf16_len(joiner) + utf16_len(text) <= self.budget

    def add(self, text: str, sep: str) -> None:
        self.current = f"{self.current}{sep}{text}" if self.current else text

    def flush(self) -> None:
        if self.current.strip():
            self.pages.append(self.current.strip("\n"))
        self.current = ""


def paginate(
    blocks: Sequence[Block],
    max_chars: int,
    footer: Callable[[int, int], str] | None = None,
) -> list[str]:
    """Pages of at most ``max_chars`` UTF-16 units; blocks are separated by a blank line and kept
    whole on one page when they fit on one; ``footer(page, pages)`` is added when there are
    several pages."""
    reserve = utf16_len(_BLOCK_SEP + footer(_FOOTER_PROBE, _FOOTER_PROBE)) if footer else 0
    budget = max_chars - reserve
    if budget < MIN_BUDGET:
        raise ValueError(f"max_chars={max_chars} leaves no room for text")
    pages = _Pages(budget)
    for block in blocks:
        lines = [piece for line in block for piece in _hard_wrap(line, budget)]
        if not lines:
            continue
        whole = "\n".join(lines)
        if pages.fits(whole, _BLOCK_SEP):
            pages.add(whole, _BLOCK_SEP)
            continue
        pages.flush()
        if pages.fits(whole, _BLOCK_SEP):
            pages.add(whole, _BLOCK_SEP)
            continue
        # A block longer than a page: fill pages line by line.
        for line in lines:
            if not pages.fits(line, "\n"):
                pages.flush()
            pages.add(line, "\n")
    pages.flush()
    result = pages.pages
    if footer and len(result) > 1:
        total = len(result)
        result = [f"{page}{_BLOCK_SEP}{footer(n, total)}" for n, page in enumerate(result, 1)]
    return result
