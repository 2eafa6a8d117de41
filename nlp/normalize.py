"""Normalisation of phone-typed Vietnamese.

``normalize`` turns what citizens type (NFD or NFC, old or new tone placement, "ko"/"dc"/"j",
"quáaaa", stray spaces) into one canonical lowercase form; ``strip_diacritics`` removes every
mark for matching text typed without them; ``fold`` does both, for matching names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

from nlp.tones import place_tone, strip_marks

_WORD = re.compile(r"\w+")
_REPEATED_PUNCT = re.compile(r"([^\w\s])\1+")
_SPACES = re.compile(r"\s+")
# Vowels never doubled in a Vietnamese syllable ("oo" is, as in "xoong"), so "quáa" -> "quá".
_NO_DOUBLE = frozenset("aăâeêiôơuưy")
_TONES = frozenset("\u0300\u0301\u0309\u0303\u0323")


@cache
def abbreviations() -> dict[str, str]:
    """The project's dictionary of phone abbreviations (nlp/abbreviations.txt), loaded once."""
    text = resources.files("nlp").joinpath("abbreviations.txt").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, _, full = line.partition("\t")
        table[unicodedata.normalize("NFC", short.strip())] = full.strip()
    return table


def _collapse_repeats(word: str) -> str:
    """Collapse letters typed over and over ("quáaaa" -> "quá", "khônggg" -> "không")."""
    out: list[str] = []
    i = 0
    while i < len(word):
        # Compare without the tone so that "á" followed by "aaa" is one run.
        key = _bare(word[i])
        j = i + 1
        while j < len(word) and _bare(word[j]) == key:
            j += 1
        run = word[i:j]
        if len(run) >= 3 or (len(run) == 2 and key in _NO_DOUBLE):
            # Keep the letter that carries a tone, if any.
            out.append(max(run, key=lambda c: c != _bare(c)))
        else:
            out.append(run)
        i = j
    return "".join(out)


@lru_cache(maxsize=4096)
def _bare(char: str) -> str:
    """The letter without its tone but with its quality mark ("ấ" -> "â")."""
    decomposed = unicodedata.normalize("NFD", char)
    kept = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=131072)
def normalize_word(token: str) -> str:
    """Normalise one lowercase NFC token: repeats, tone placement, abbreviations."""
    table = abbreviations()
    if token in table:
        return table[token]
    if not token.isalpha():
        # Mixed tokens such as "5tr" or "200m2" are measurements, not words to rewrite.
        return token
    word = place_tone(_collapse_repeats(token))
    return table.get(word, word)


def normalize(text: str) -> str:
    """NFC, lowercase, one tone convention, abbreviations expanded, repeats and spaces squeezed."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _WORD.sub(lambda m: normalize_word(m.group()), text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=131072)
def _folded_word(token: str) -> tuple[str, ...]:
    return tuple(strip_marks(normalize_word(token)).split())


def folded_words(text: str) -> list[str]:
    """The words of ``fold(text)``, without punctuation; faster than splitting ``fold``."""
    lowered = unicodedata.normalize("NFC", text).lower()
    return [w for token in _WORD.findall(lowered) for w in _folded_word(token)]


def strip_diacritics(text: str) -> str:
    """Remove all Vietnamese diacritics, writing đ as d; NFC and NFD input give the same result."""
    return strip_marks(text)


def fold(text: str) -> str:
    """``normalize`` then ``strip_diacritics``: "Bảo  Tân" and "bao tan" fold to the same string."""
    return strip_marks(normalize(text))
