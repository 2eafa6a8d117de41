"""Vietnamese tone marks: where a syllable's tone mark sits, and removing all diacritics.

Vietnamese writes one tone mark per syllable. Two conventions exist for open syllables
ending in "oa", "oe", "uy": the classic one ("hòa", "khỏe", "thủy") and the newer one
("hoà", "khoẻ", "thuỷ"). Phones and keyboards produce both, so every syllable is rewritten
to the classic convention, which is also the one underthesea's ``text_normalize`` uses.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

# Combining marks in NFD: the five tones, then the three vowel-quality marks.
_TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
_QUALITY_MARKS = frozenset("\u0306\u0302\u031b")

_PLAIN_VOWELS = frozenset("aeiouy")
# Vowels that carry a quality mark; the tone goes on them when present.
_MARKED_VOWELS = frozenset("ăâêôơư")
_VOWELS = _PLAIN_VOWELS | _MARKED_VOWELS

# Open syllables where the two conventions differ; the classic one marks the first vowel.
_SPLIT_PAIRS = frozenset({"oa", "oe", "uy"})


@cache
def _strip_table() -> dict[int, str]:
    """Map every precomposed Latin letter with diacritics to its bare letter (built once)."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x1EFF + 1):
        char = chr(code)
        parts = unicodedata.normalize("NFD", char)
        base = "".join(c for c in parts if not unicodedata.combining(c))
        if base != char and len(base) == 1 and base.isascii():
            table[code] = base
    # Stray combining marks (text that was not NFC) are dropped.
    for mark in _TONE_MARKS | _QUALITY_MARKS:
        table[ord(mark)] = ""
    return table


def strip_marks(text: str) -> str:
    """Remove tones and vowel-quality marks and write đ as d ("Đất đai" -> "Dat dai")."""
    return text.translate(_strip_table())


def _vowel_cluster(bare: str) -> tuple[int, int] | None:
    """Start and end (exclusive) of the syllable's vowel nucleus in a toneless lowercase word.

    Returns None when the word is not one Vietnamese syllable (no vowel, or two vowel runs),
    so that foreign words and abbreviations are left alone.
    """
    start = next((i for i, c in enumerate(bare) if c in _VOWELS), -1)
    if start < 0:
        return None
    end = start
    while end < len(bare) and bare[end] in _VOWELS:
        end += 1
    if any(c in _VOWELS for c in bare[end:]):
        return None
    # "qu" and "gi" + vowel: the u / i belongs to the initial consonant ("quả", "giá").
    if end - start > 1 and start > 0:
        prev, first = bare[start - 1], bare[start]
        if (prev == "q" and first == "u") or (prev == "g" and first == "i"):
            start += 1
    return start, end


def tone_position(bare: str) -> int | None:
    """Index in a toneless lowercase syllable where the tone mark belongs (classic style)."""
    span = _vowel_cluster(bare)
    if span is None:
        return None
    start, end = span
    nucleus = bare[start:end]
    marked = [i for i, c in enumerate(nucleus) if c in _MARKED_VOWELS]
    if marked:
        # "ươ" carries the tone on ơ: the last marked vowel is right in every case.
        return start + marked[-1]
    if end < len(bare):
        # A final consonant pulls the tone to the last vowel ("hoàn", "huỳnh").
        return end - 1
    if len(nucleus) == 1:
        return start
    if len(nucleus) == 2:
        # Classic convention for oa/oe/uy, and the general rule for other pairs ("mía", "của").
        return start
    return start + 1


@lru_cache(maxsize=65536)
def place_tone(word: str) -> str:
    """Rewrite one lowercase NFC word so that its tone mark sits where the classic style puts it.

    Words that are not a single Vietnamese syllable, or that carry no tone, are returned as is.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if not tones:
        return word
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    position = tone_position(bare)
    if position is None:
        return word
    # A doubly-marked syllable is a typo; keep the last tone typed, as phone keyboards do.
    toned = bare[: position + 1] + tones[-1] + bare[position + 1 :]
    return unicodedata.normalize("NFC", toned)
