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
from functools import cache, lru_cache
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
    r"(?: \w+){0,2} (?:khiếu nại|khiếu kiện|tố cáo|tố giác)",
    # Without marks "kiện" is also "kiến" ("không lấy ý kiến").
    r"=(?:không|chẳng|chả|chưa)(?: có| hề)?(?: (?:phải|ý|muốn|định|cần|làm))*(?: \w+){0,2} kiện",
    "chưa muốn",
    r"chỉ (?:muốn )?hỏi",
    "rút đơn",
    r"tò mò",
    "nghe nói",
    # Someone else's petition, reported by the writer.
    r"(?:hàng xóm|nhà bên|người khác|người ta)(?: \w+){0,3} (?:làm|gửi|nộp) đơn",
    r"(?:đã|được) (?:giải quyết|xem xét)(?: xong| dứt điểm)? (?:đơn|khiếu nại)",
    # Not yet: a petition the writer may file later, on a condition.
    r"(?:sẽ|nếu|có thể|chuẩn bị|dự định|chưa nộp|chưa làm)(?: \w+){0,4}"
    r" (?:khiếu nại|khiếu kiện|tố cáo|tố giác|làm đơn|viết đơn|gửi đơn)",
    # Without marks "định" is also "đình" (gia đình) and "tính" a dozen words.
    r"=(?<!quyết )(?<!danh )(?:định|tính)(?: \w+){0,3}"
    r" (?:khiếu nại|khiếu kiện|tố cáo|tố giác|làm đơn|viết đơn)",
    # The writer is the one accused.
    r"bị(?: \w+){0,3} (?:khiếu nại|tố cáo|tố giác)",
    # An earlier petition, already dealt with.
    r"(?:hồi trước|trước đây|năm ngoái|năm trước|từng|đầu năm)(?: \w+){0,4}"
    r" (?:khiếu nại|tố cáo|tố giác|làm đơn|gửi đơn|có đơn)",
    r"(?:khiếu nại|tố cáo|đơn)(?: \w+){0,6} (?<!chưa )(?:đã|được)(?: được)?"
    r" (?:có quyết định|giải quyết|xử lý)",
    r"(?:khiếu nại|tố cáo|đơn)(?: \w+){0,6} (?:đã xong|xong xuôi)",
    r"năm (?:20\d\d|kia|ngoái)(?: \w+){0,4} (?:khiếu nại|tố cáo|có đơn|làm đơn)",
    # "Nếu ... thì tôi làm đơn", "lần sau mà còn ... thì tố cáo", "mai em lên nộp đơn".
    r"(?:nếu|lần sau)(?: \w+){0,12} thì(?: \w+){0,4} (?:khiếu nại|tố cáo|làm đơn)",
    r"(?:mai|ngày mai|sắp|tuần sau|tháng sau)(?: \w+){0,4} (?:nộp|làm|gửi|viết) đơn",
    r"kết quả giải quyết (?:khiếu nại|tố cáo)",
    r"rút (?:lại )?đơn",
    # Other people's petition.
    r"(?:nhiều|mấy|vài|các) hộ(?: \w+){0,3} (?:bàn|làm|gửi|nộp|có|đã) (?:nhau )?(?:làm )?đơn",
    r"(?:có người|ai đó)(?: \w+){0,3} (?:làm|gửi|nộp|có) đơn",
    r"(?:bạn|em trai|em gái|anh trai|chị gái|mẹ|bố|chồng|vợ|con)(?: \w+){0,1} tôi"
    r"(?: \w+){0,2} (?:khiếu nại|tố cáo|có đơn|làm đơn|gửi đơn)",
    r"(?:ông|bà) \w+(?: \w+){0,3} có đơn",
]
# Asking to review or annul an administrative decision: a complaint under the law even when
# the word "khiếu nại" is missing; the model must agree (see ``legal_complaint``).
_REVIEW_REQUEST = [
    r"(?:xem xét lại|hủy bỏ|hủy|không đồng ý với|phản đối)(?: \w+){0,4}"
    r" (?:quyết định|văn bản|công văn)(?: số)?",
]
# A question about the handling of the petition the message files ("bao giờ có kết quả?").
_HANDLING_QUESTION = [
    "bao giờ",
    "khi nào",
    "chừng nào",
    "bao lâu",
    "thời hạn",
    "kết quả",
    "trả lời",
    "thụ lý",
    r"ai (?:giải quyết|xử lý)",
]
# The writer files in the first person ("tôi làm đơn này tố cáo...").
_FIRST_PERSON_FILING = [
    r"(?<!nếu )(?:tôi|chúng tôi|chúng em|em|cháu|gia đình tôi|các hộ|hộ dân)"
    r"(?: (?!muốn|định|nên|sẽ|không|chưa|có thể|hỏi|tính|từng)\w+){0,4}"
    r" (?:khiếu nại|khiếu kiện|tố cáo|tố giác)"
    r"(?! (?:không|ko|được không|ở đâu|thế nào|như thế nào))",
]
# A petition's heading or a message that opens with the complaint verb ("khiếu nại việc...").
_HEADING_FILING = [
    r"^(?:khiếu nại|khiếu kiện|tố cáo|tố giác)"
    r" (?:việc|về|vụ|quyết định|hành vi|ông|bà|anh|chị|cán bộ|trưởng|chủ tịch)",
    r"^đơn (?:khiếu nại|tố cáo)(?: \w+){0,3}\s*[:.]",
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
# A complaint word seen only through a typo, or a review request without the word, needs at
# least this probability.
_FIRM_BAR = 0.5
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
        "first_person": _compile(_FIRST_PERSON_FILING),
        "heading": _compile(_HEADING_FILING),
        "handling": _compile(_HANDLING_QUESTION),
        "review": _compile(_REVIEW_REQUEST),
        "negated": _compile(_NOT_A_PETITION),
        "abuse": _compile(_ABUSE),
    }


@dataclass(frozen=True)
class Cues:
    """Which rule cues a message shows."""

    complaint: bool
    complaint_typo: bool
    procedure_question: bool
    filing: bool  # first person or heading
    first_person: bool
    handling_question: bool
    review_request: bool
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
    typo, typo_filing = _misspellings(folded)
    return Cues(
        complaint=found["complaint"],
        complaint_typo=not found["complaint"] and typo,
        procedure_question=found["question"] or normal.endswith("?"),
        filing=found["first_person"] or found["heading"] or typo_filing,
        first_person=found["first_person"],
        handling_question=found["handling"],
        review_request=found["review"],
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


_SUBJECTS = frozenset({"toi", "em", "e", "chau", "chung"})


@lru_cache(maxsize=65_536)
def _close_complaint_words(pair: str) -> tuple[str, ...]:
    # Cached: the same word pairs recur in message after message, and comparing each with
    # every complaint word was a quarter of the tagger's time.
    return tuple(target for target in _COMPLAINT_WORDS if _within_one_edit(pair, target))


def _misspellings(folded: str) -> tuple[bool, bool]:
    """(a complaint word typed with one typo, that word opening the message or following
    "tôi"/"em" as a filing does)."""
    words = _WORD.findall(folded)
    seen = False
    for i, (first, second) in enumerate(pairwise(words)):
        pair = f"{first} {second}"
        close = _close_complaint_words(pair)
        if not close:
            continue
        seen = True
        # A filing keeps the first letter: "o cao" (ở cao) is one edit from "to cao" too.
        if pair not in _COMPLAINT_WORDS and any(pair[0] == target[0] for target in close):
            return True, i == 0 or words[i - 1] in _SUBJECTS
    return seen, False


def legal_complaint(cue: Cues, probability: float, threshold: float) -> bool:
    """A petition the writer files now, not a question about petitions nor a mention of one.

    A negation ("tôi không khiếu nại"), a petition that is only planned, already settled or
    someone else's rules it out. A petition names itself: a complaint word is required
    (through one typo at most), or a request to review or annul a decision. A question rules
    it out too, unless the writer files in the first person and asks about the handling ("tôi
    tố cáo ..., bao giờ có kết quả?"). A filing statement or heading decides by itself;
    otherwise the model decides, more firmly when the word was misspelt or when only a review
    of a decision is asked for.
    """
    if cue.negated or not (cue.complaint or cue.complaint_typo or cue.review_request):
        return False
    if cue.procedure_question and not (cue.first_person and cue.handling_question):
        return False
    if cue.filing:
        return True
    if cue.complaint:
        return probability >= threshold
    return probability >= max(threshold, _FIRM_BAR)


def abusive(cue: Cues, probability: float, threshold: float) -> bool:
    return cue.abuse or probability >= threshold
