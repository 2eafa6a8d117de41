"""Rule layer for the flags, on top of the learned probabilities.

The rules encode Vietnamese, not this dataset: a petition under the Law on Complaints and
Denunciations names itself ("khiếu nại", "tố cáo", "đơn thư"), while a question about how to
file one asks for a procedure or a place ("thủ tục khiếu nại thế nào", "nộp đơn ở đâu").
Insults and threats use a small closed vocabulary. Every pattern is written with diacritics;
entries that stay unambiguous without marks also match stripped text, the others only text
typed with marks, so "đồ ngu" (insult) is not confused with "do ngủ" (because of sleeping).

Urgency has no rules: a lexicon of danger words was measured (docs/nlp.md) and did worse than
the model alone, because danger words also fill routine requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from nlp.normalize import normalize
from nlp.tones import strip_marks

# Each lexicon is a list of regular-expression alternatives written with diacritics. Those
# starting with "=" are matched only as typed with marks, because without them they become
# everyday words: "đĩ" -> "di" (go), "lồn" -> "lon" (pig), "bọn chó" -> "bon cho" (bón cho,
# to fertilise), "bố mày" -> "bo may" (bộ máy, the apparatus), "tiên sư" -> "tien su"
# (tiền sử, history).

# Words that name a petition under the Law on Complaints and Denunciations.
_COMPLAINT = [
    "khiếu nại",
    "khiếu kiện",
    "tố cáo",
    "đơn thư",
    "đơn kiện",
    "kiện cáo",
    "tố giác",
]
# Asking how, where or whether to file, or about a petition's progress, rather than filing.
_PROCEDURE_QUESTION = [
    "mẫu đơn",
    r"cách (?:nào|thức|làm|viết|gửi|nộp)",
    "(?:như|làm) thế nào",
    "làm sao",
    "ra sao",
    "ở đâu",
    "chỗ nào",
    "nơi nào",
    "cơ quan nào",
    r"(?:gửi|nộp)(?: đơn| thư)? (?:cho|tới|đến) ai",
    "ai giải quyết",
    r"cần (?:những )?(?:gì|giấy tờ)",
    "có nên",
    "được không",
    "muốn hỏi",
    "cho hỏi",
    "xin hỏi",
    "cho tôi hỏi",
    "cho em hỏi",
    r"hỏi (?:về|cách|thủ tục|để biết)",
    "thời hiệu",
    "bao lâu",
    r"bao nhiêu ngày",
    "bao giờ",
    "mất phí",
    "phân biệt",
    "tư vấn",
    "có ai biết",
    # A yes/no question ends on "không" / "chưa" ("... có được giải quyết không ạ").
    r"(?:không|chưa)(?: ạ| vậy| nhỉ| hả| à| nhé)?\s*[?.!]*$",
]
# The writer says it is not, or not yet, or no longer a petition.
_NOT_A_PETITION = [
    r"(?:không|chẳng|chả|chưa)(?: có| hề)?(?: (?:phải|ý|ý định|muốn|định|cần|làm|đến mức|là))*"
    r"(?: \w+){0,2} (?:khiếu nại|khiếu kiện|tố cáo|tố giác|kiện)",
    "chưa muốn",
    r"chỉ (?:muốn )?hỏi",
    "rút đơn",
    r"tò mò",
    "nghe nói",
    # Someone else's petition, reported by the writer.
    r"(?:hàng xóm|nhà bên|người khác|người ta)(?: \w+){0,3} (?:làm|gửi|nộp) đơn",
    r"(?:đã|được) (?:giải quyết|xem xét)(?: xong| dứt điểm)? (?:đơn|khiếu nại)",
]
# The writer files: a first person next to the complaint verb, or a petition's heading.
_FILING = [
    r"(?:tôi|chúng tôi|chúng em|cháu|các hộ|hộ dân)"
    r"(?: (?!muốn|định|nên|sẽ|không|chưa|có thể|hỏi)\w+){0,4} (?:khiếu nại|tố cáo)"
    r"(?! (?:không|ko|được không|ở đâu|thế nào|như thế nào))",
    r"^(?:đơn )?(?:khiếu nại|tố cáo)\b",
    r"đơn (?:khiếu nại|tố cáo)\s*[:.]",
]
# Insults, slurs and threats.
_ABUSE = [
    "đm",
    "đmm",
    "dcm",
    "đcm",
    "vcl",
    "vkl",
    "clgt",
    "=địt",
    "=đĩ",
    "=cặc",
    "=lồn",
    "=đéo",
    "=đồ chó",
    "lũ chó",
    "=bọn chó",
    "=thằng chó",
    "óc chó",
    "=chó má",
    "=đồ ngu",
    "lũ ngu",
    "=ngu như",
    "ngu dốt",
    "mất dạy",
    "khốn nạn",
    "súc vật",
    "súc sinh",
    "ăn hại",
    "ăn bám",
    r"(?:đồ|lũ|bọn) ăn (?:cướp|gian|bẩn)",
    "=sâu mọt",
    "vô tích sự",
    "lũ mù",
    "chúng mày",
    "=mẹ mày",
    "=bố mày",
    "=cha mày",
    "=tiên sư",
    "=con mẹ (?:nó|mày)",
    "=mày",
    "=tao",
    "cho mày biết tay",
    "biết tay tao",
    "=liệu hồn",
    "=giết mày",
    "giết cả nhà",
    "đốt nhà (?:mày|nó)",
    "chém chết",
    "coi chừng tao",
]
# Complaint words as typed without marks, for spotting them through one typo ("to cai").
_COMPLAINT_WORDS = ("khieu nai", "khieu kien", "to cao", "to giac")
# A complaint word seen only through a typo needs at least this probability.
_TYPO_BAR = 0.5
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Pattern:
    accented: re.Pattern[str]
    stripped: re.Pattern[str]

    def search(self, text: str, folded: str, typed_marks: bool) -> bool:
        # Stripped patterns hold only entries that stay unambiguous without marks, so they
        # apply to every text (phones mix marked and unmarked words). Marked-only entries
        # apply to text typed with marks; without marks "tao" may be "tạo".
        if self.stripped.search(folded):
            return True
        return typed_marks and self.accented.search(text) is not None


def _compile(alternatives: list[str]) -> _Pattern:
    template = r"(?<!\w)(?:{})(?!\w)"
    every = [a.removeprefix("=") for a in alternatives]
    unmarked = [strip_marks(a) for a in alternatives if not a.startswith("=")]
    return _Pattern(
        accented=re.compile(template.format("|".join(every))),
        stripped=re.compile(template.format("|".join(unmarked) or "(?!)")),
    )


@cache
def _patterns() -> dict[str, _Pattern]:
    return {
        "complaint": _compile(_COMPLAINT),
        "question": _compile(_PROCEDURE_QUESTION),
        "filing": _compile(_FILING),
        "negated": _compile(_NOT_A_PETITION),
        "abuse": _compile(_ABUSE),
    }


@dataclass(frozen=True)
class Cues:
    """Which rule cues a message shows."""

    complaint: bool
    complaint_typo: bool
    procedure_question: bool
    filing: bool
    negated: bool
    abuse: bool


def cues(text: str) -> Cues:
    """The rule cues of one raw message."""
    return cues_normalized(normalize(text))


def cues_normalized(normal: str) -> Cues:
    """The rule cues of a message already passed through ``normalize``."""
    folded = strip_marks(normal)
    words = normal.split()
    # Marked-only entries need text typed with marks: at least a third of its words carry
    # some (every marked Vietnamese letter, đ included, is outside ASCII).
    typed_marks = sum(not w.isascii() for w in words) * 3 >= len(words)
    found = {name: p.search(normal, folded, typed_marks) for name, p in _patterns().items()}
    return Cues(
        complaint=found["complaint"],
        complaint_typo=not found["complaint"] and _has_misspelt_complaint(folded),
        procedure_question=found["question"] or normal.endswith("?"),
        filing=found["filing"],
        negated=found["negated"],
        abuse=found["abuse"],
    )


def _within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by at most one insertion, deletion, substitution or swap
    of neighbours (the typos of a phone keyboard)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = a[i + 1 : i + 2] == b[i : i + 1] and a[i : i + 1] == b[i + 1 : i + 2]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    return a[i + 1 :] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1 :]


def _has_misspelt_complaint(folded: str) -> bool:
    words = _WORD.findall(folded)
    for first, second in pairwise(words):
        pair = f"{first} {second}"
        if any(_within_one_edit(pair, target) for target in _COMPLAINT_WORDS):
            return True
    return False


def legal_complaint(cue: Cues, probability: float, threshold: float) -> bool:
    """A petition, not a question about petitions nor a mention of one.

    A question, a negation ("tôi không khiếu nại") or someone else's petition rules it out.
    A petition names itself, so a complaint word is required (through one typo at most, then
    with a firmer model); the model decides the rest, and a first-person filing statement
    halves the probability it needs.
    """
    if cue.negated or cue.procedure_question:
        return False
    if cue.complaint_typo:
        return probability >= max(threshold, _TYPO_BAR)
    if not cue.complaint:
        return False
    return probability >= (threshold / 2 if cue.filing else threshold)


def abusive(cue: Cues, probability: float, threshold: float) -> bool:
    return cue.abuse or probability >= threshold
