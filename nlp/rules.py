"""Rule layer for the flags, on top of the learned probabilities.

The rules encode Vietnamese, not this dataset: a petition under the Law on Complaints and
Denunciations names itself ("khiếu nại", "tố cáo", "đơn thư"), while a question about how to
file one asks for a procedure or a place ("thủ tục khiếu nại thế nào", "nộp đơn ở đâu").
Insults and threats use a small closed vocabulary. Every pattern is written with diacritics;
its stripped form is used only on text typed without them, so "đồ ngu" (insult) is not confused
with "do ngủ" (because of sleeping) when the citizen did type the marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nlp.normalize import normalize
from nlp.tones import strip_marks

# Each lexicon is a list of regular-expression alternatives written with diacritics. Those
# starting with "=" are matched only as typed with marks, because without them they become
# everyday words: "đĩ" -> "di" (go), "lồn" -> "lon" (pig), "sập" -> "sap" (sắp, soon),
# "bố mày" -> "bo may" (bộ máy, the apparatus), "tiên sư" -> "tien su" (tiền sử, history).

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
# Danger to life or property, many households, or a risk to public order.
_URGENT = [
    "khẩn", "khẩn cấp", "cấp cứu", "nguy hiểm (?:đến )?tính mạng", "chết người", "thiệt mạng",
    "tử vong", r"=cháy (?:nhà|rừng|lớn|chợ)", "hỏa hoạn", "=sập", "sạt lở", "lũ quét", "lũ ống",
    "vỡ đê", "vỡ đập", "điện giật", r"dây điện (?:đứt|rơi|chạm|võng)", "đuối nước", "ngộ độc",
    "bị thương", "xô xát", "đánh nhau", "hỗn chiến", "=đâm chém", "gây rối", "tụ tập đông",
    "chặn đường", r"hàng (?:chục|trăm) hộ", r"cả (?:thôn|xóm|khu phố|bản|ấp)", "rất gấp",
    "cần gấp", "ngay lập tức", "dịch tả", "chết hàng loạt",
]  # fmt: skip


@dataclass(frozen=True)
class _Pattern:
    accented: re.Pattern[str]
    stripped: re.Pattern[str]

    def search(self, text: str, folded: str, typed_marks: bool) -> bool:
        # Text typed with marks is matched as written; stripped patterns on it would confuse
        # words the citizen spelt out ("do ngủ" is not "đồ ngu").
        if typed_marks:
            return self.accented.search(text) is not None
        return self.stripped.search(folded) is not None


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
        "urgent": _compile(_URGENT),
    }


@dataclass(frozen=True)
class Cues:
    """Which rule cues a message shows."""

    complaint: bool
    procedure_question: bool
    filing: bool
    negated: bool
    abuse: bool
    urgent: bool


def cues(text: str) -> Cues:
    """The rule cues of one raw message."""
    return cues_normalized(normalize(text))


def cues_normalized(normal: str) -> Cues:
    """The rule cues of a message already passed through ``normalize``."""
    folded = strip_marks(normal)
    words = normal.split()
    # Mostly unmarked text was typed without diacritics: only then trust stripped patterns.
    # (Every marked Vietnamese letter, đ included, is outside ASCII.)
    typed_marks = sum(not w.isascii() for w in words) * 3 >= len(words)
    found = {name: p.search(normal, folded, typed_marks) for name, p in _patterns().items()}
    return Cues(
        complaint=found["complaint"],
        procedure_question=found["question"] or normal.endswith("?"),
        filing=found["filing"],
        negated=found["negated"],
        abuse=found["abuse"],
        urgent=found["urgent"],
    )


def legal_complaint(cue: Cues, probability: float, threshold: float) -> bool:
    """A petition, not a question about petitions nor a mention of one.

    A petition names itself, so the complaint words are required; a question, a negation
    ("tôi không khiếu nại") or someone else's petition rules it out; the model decides the rest,
    and a first-person filing statement halves the probability it needs.
    """
    if not cue.complaint or cue.negated or cue.procedure_question:
        return False
    return probability >= (threshold / 2 if cue.filing else threshold)


def abusive(cue: Cues, probability: float, threshold: float) -> bool:
    return cue.abuse or probability >= threshold


def urgent(cue: Cues, probability: float, threshold: float) -> bool:
    # Cues alone are not enough ("nhiều hộ" can be routine); they lower the bar.
    return probability >= (threshold * 0.6 if cue.urgent else threshold)
