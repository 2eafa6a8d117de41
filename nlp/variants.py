"""Deterministic "phone-typed" rewrites of clean text, for evaluation and training augmentation.

A citizen typing on a phone drops some or all diacritics, abbreviates common words, mistypes
letters and repeats them for emphasis. ``phone_typed`` imitates that with a random generator
seeded by the text and a salt, so the same text always gives the same variant and evaluation
(salt "eval") never shares variants with training (salt "train").
"""

from __future__ import annotations

import hashlib
import random
import re

from nlp.tones import strip_marks

# Written form -> what people type instead. Deliberately wider than nlp/abbreviations.txt
# (e.g. "v", "hong", "bjo") so evaluation also sees shorthand the normaliser does not know.
_SHORTHAND: dict[str, tuple[str, ...]] = {
    "không": ("ko", "k", "hok", "kg", "khong", "hong"),
    "được": ("dc", "đc", "dk", "duoc"),
    "gì": ("j", "gi"),
    "rồi": ("r", "roi"),
    "em": ("e",),
    "anh": ("a",),
    "chị": ("c",),
    "người": ("ng",),
    "với": ("vs", "voi"),
    "vậy": ("z", "v", "vay"),
    "cũng": ("cx", "cg"),
    "quá": ("wa", "qa"),
    "bây giờ": ("bh", "bgio", "bjo"),
    "bao nhiêu": ("bn", "bnhieu"),
    "như thế nào": ("ntn",),
    "mọi người": ("mn", "mng"),
    "trước": ("trc",),
    "ủy ban nhân dân": ("ubnd", "UBND", "ub"),
    "uỷ ban nhân dân": ("ubnd", "UBND"),
    "bảo hiểm y tế": ("bhyt", "BHYT"),
    "bảo hiểm xã hội": ("bhxh",),
    "số điện thoại": ("sđt", "sdt"),
    "giấy chứng nhận quyền sử dụng đất": ("gcnqsdđ", "sổ đỏ"),
    "cán bộ": ("cb",),
    "gia đình": ("gđ", "gd"),
}
_SHORTHAND_PATTERN = re.compile(
    r"(?<!\w)(" + "|".join(sorted(map(re.escape, _SHORTHAND), key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+|\W+")
_NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "g": "fh", "h": "gj", "i": "uo",
    "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et",
    "s": "ad", "t": "ry", "u": "yi", "v": "cb", "x": "zc", "y": "tu",
}  # fmt: skip
_VOWELS = frozenset("aeiouy")


def _rng(text: str, salt: str) -> random.Random:
    seed = hashlib.sha256(f"{salt}\x00{text}".encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def stripped(text: str) -> str:
    """The text with every diacritic removed, as typed on a keyboard without Vietnamese input."""
    return strip_marks(text)


def _typo(word: str, rng: random.Random) -> str:
    letters = list(word)
    i = rng.randrange(len(letters))
    kind = rng.random()
    if kind < 0.3:
        del letters[i]
    elif kind < 0.55 and i + 1 < len(letters):
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    elif kind < 0.8:
        near = _NEIGHBOURS.get(strip_marks(letters[i]).lower())
        if near:
            letters[i] = rng.choice(near)
    else:
        letters.insert(i, letters[i])
    return "".join(letters)


def _stretch(word: str, rng: random.Random) -> str:
    """Repeat the last vowel for emphasis ("quá" -> "quáaaa")."""
    for i in range(len(word) - 1, -1, -1):
        if strip_marks(word[i]).lower() in _VOWELS:
            extra = strip_marks(word[i]) * rng.randint(2, 4)
            return word[: i + 1] + extra + word[i + 1 :]
    return word


def phone_typed(text: str, salt: str = "eval", typo_rate: float = 0.06) -> str:
    """A deterministic phone-typed variant of ``text`` (see module docstring)."""
    rng = _rng(text, salt)
    out = _SHORTHAND_PATTERN.sub(
        lambda m: rng.choice(_SHORTHAND[m.group().lower()]) if rng.random() < 0.7 else m.group(),
        text,
    )
    strip_all = rng.random() < 0.5
    strip_rate = rng.uniform(0.3, 0.9)
    lower = rng.random() < 0.7
    pieces: list[str] = []
    for piece in _WORD.findall(out):
        if not piece[0].isalnum() and piece[0] != "_":
            # Phone users often skip punctuation.
            pieces.append(piece if rng.random() < 0.5 else " ")
            continue
        word = piece.lower() if lower else piece
        if strip_all or rng.random() < strip_rate:
            word = strip_marks(word)
        if len(word) >= 3 and word.isalpha() and rng.random() < typo_rate:
            word = _typo(word, rng)
        if word.isalpha() and rng.random() < 0.03:
            word = _stretch(word, rng)
        pieces.append(word)
    return re.sub(r"\s+", " ", "".join(pieces)).strip()
