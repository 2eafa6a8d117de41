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

# Words that name a petition under the Law on Complaints and Denunciations.
_COMPLAINT = (
    r"khiếu nại|khiếu kiện|tố cáo|đơn thư|đơn kiện|kiện cáo|đơn tố giác|tố giác|"
    r"khiếu nại lần (?:hai|2)|quyết định giải quyết khiếu nại"
)
# Asking how, where or whether to file, rather than filing.
_PROCEDURE_QUESTION = (
    r"thủ tục|quy trình|mẫu đơn|hướng dẫn|cách (?:nào|thức|làm|viết|gửi|nộp)|"
    r"(?:như|làm) thế nào|làm sao|ra sao|ở đâu|chỗ nào|nơi nào|cơ quan nào|ai giải quyết|"
    r"cần (?:những )?(?:gì|giấy tờ)|có được (?:không|ko)|có nên|được không|muốn hỏi|cho hỏi|"
    r"xin hỏi|hỏi (?:về|cách|thủ tục)|thời hạn|bao lâu|mất phí"
)
# The writer states that they file or have filed ("tôi khiếu nại", "gia đình tôi làm đơn").
_FILING = (
    r"(?:tôi|chúng tôi|gia đình tôi|chúng em|em|cháu|bà con|các hộ|hộ tôi)"
    r" (?:xin |làm |đã |gửi |nộp |viết |kính )*(?:khiếu nại|tố cáo|đơn)|"
    r"(?:nay|này) (?:tôi|chúng tôi) (?:khiếu nại|tố cáo)|"
    r"đề nghị (?:giải quyết|xem xét) (?:đơn|khiếu nại)|"
    r"khiếu nại (?:quyết định|việc|hành vi)|tố cáo (?:ông|bà|anh|chị|cán bộ|hành vi|việc)"
)
# Insults, slurs and threats. Short profanity is matched as whole words only.
_ABUSE = (
    r"đm|đmm|dcm|đcm|vcl|vkl|vl|clgt|đéo|địt|đĩ|cặc|lồn|đồ chó|lũ chó|bọn chó|thằng chó|"
    r"con chó (?:này|kia)|óc chó|chó má|đồ ngu|lũ ngu|bọn ngu|ngu như|ngu dốt|mất dạy|khốn nạn|"
    r"súc vật|đồ súc sinh|ăn hại|lũ ăn bám|bọn ăn bám|đồ ăn cướp|lũ ăn cướp|bọn sâu mọt|"
    r"mẹ mày|bố mày|cha mày|tiên sư|con mẹ (?:nó|mày)|thằng mặt|cút đi|cho mày biết tay|"
    r"biết tay tao|liệu hồn|giết (?:mày|chết mày|cả nhà)|đốt nhà (?:mày|nó|ông|bà)|"
    r"chém (?:chết|mày)|xử (?:đẹp|mày)|coi chừng (?:tao|mày)"
)
# Danger to life or property, many households, or a risk to public order.
_URGENT = (
    r"khẩn cấp|cấp cứu|nguy hiểm (?:đến )?tính mạng|chết người|thiệt mạng|tử vong|"
    r"cháy (?:nhà|rừng|lớn|chợ)|hỏa hoạn|sập|sạt lở|lũ (?:quét|ống|lớn)|nước lũ|vỡ đê|vỡ đập|"
    r"điện giật|dây điện (?:đứt|rơi|chạm|võng)|đuối nước|ngộ độc|bị thương|"
    r"xô xát|đánh nhau|hỗn chiến|đâm chém|gây rối|tụ tập đông người|kéo đến|chặn đường|"
    r"hàng (?:chục|trăm) hộ|cả (?:thôn|xóm|khu phố)|nhiều hộ|rất gấp|cần gấp|ngay lập tức"
)


@dataclass(frozen=True)
class _Pattern:
    accented: re.Pattern[str]
    stripped: re.Pattern[str]

    def search(self, text: str, folded: str, typed_marks: bool) -> bool:
        if self.accented.search(text):
            return True
        # Without marks the stripped pattern is the only evidence; with marks it would
        # confuse words the citizen spelt out.
        return not typed_marks and self.stripped.search(folded) is not None


def _compile(alternatives: str) -> _Pattern:
    template = r"(?<!\w)(?:{})(?!\w)"
    return _Pattern(
        accented=re.compile(template.format(alternatives)),
        stripped=re.compile(template.format(strip_marks(alternatives))),
    )


@cache
def _patterns() -> dict[str, _Pattern]:
    return {
        "complaint": _compile(_COMPLAINT),
        "question": _compile(_PROCEDURE_QUESTION),
        "filing": _compile(_FILING),
        "abuse": _compile(_ABUSE),
        "urgent": _compile(_URGENT),
    }


@dataclass(frozen=True)
class Cues:
    """Which rule cues a message shows."""

    complaint: bool
    procedure_question: bool
    filing: bool
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
        procedure_question=found["question"] or normal.rstrip().endswith("?"),
        filing=found["filing"],
        abuse=found["abuse"],
        urgent=found["urgent"],
    )


def legal_complaint(cue: Cues, probability: float, threshold: float) -> bool:
    """A petition, not a question about petitions.

    The model decides, but a message with no complaint word at all needs a confident model,
    and a procedure question without a filing statement is never a petition.
    """
    if cue.procedure_question and not cue.filing:
        return False
    if not cue.complaint:
        return probability >= max(threshold, 0.9)
    return probability >= threshold or cue.filing


def abusive(cue: Cues, probability: float, threshold: float) -> bool:
    return cue.abuse or probability >= threshold


def urgent(cue: Cues, probability: float, threshold: float) -> bool:
    # Cues alone are not enough ("nhiều hộ" can be routine); they lower the bar.
    return probability >= (threshold * 0.6 if cue.urgent else threshold)
