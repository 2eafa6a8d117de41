"""Keyword baseline for the topic tagger, kept to measure the learned model against.

Each topic has a hand-written list of Vietnamese cue words from shared/DOMAIN.md; a message
scores one point per cue found in its folded form. It needs no training, and the comparison
in docs/nlp.md shows how much the learned model adds.
"""

from __future__ import annotations

import re
from functools import cache

from nlp.normalize import fold
from nlp.topics import FALLBACK_TOPIC, TOPICS

_CUES: dict[str, tuple[str, ...]] = {
    "dat_dai": (
        "đất", "sổ đỏ", "giấy chứng nhận", "quyền sử dụng", "thu hồi", "đền bù", "bồi thường",
        "tái định cư", "giải phóng mặt bằng", "lấn chiếm", "ranh giới", "tranh chấp", "quy hoạch",
        "thổ cư", "địa chính", "chuyển mục đích", "mốc giới",
    ),
    "moi_truong": (
        "ô nhiễm", "rác", "mùi hôi", "nước thải", "khói", "bụi", "vệ sinh môi trường", "môi trường",
        "cát", "xả thải", "chất thải", "cây xanh", "thuốc trừ sâu", "hôi thối", "đốt rơm",
    ),
    "an_sinh": (
        "hộ nghèo", "cận nghèo", "trợ cấp", "người cao tuổi", "khuyết tật", "bảo hiểm y tế",
        "thương binh", "liệt sĩ", "có công", "cứu trợ", "hỗ trợ", "lương hưu", "chính sách",
        "bảo trợ", "neo đơn", "mồ côi", "bảo hiểm xã hội", "thẻ bảo hiểm",
    ),
    "ha_tang": (
        "đường", "cầu", "cống", "mương", "kênh", "điện", "đèn", "nước sạch", "loa", "sóng",
        "ngập", "thoát nước", "ổ gà", "bê tông", "trạm biến áp", "công trình", "sạt lở",
    ),
    "an_ninh": (
        "trộm", "cờ bạc", "ma túy", "đua xe", "tín dụng đen", "cho vay nặng lãi", "lừa đảo",
        "đánh nhau", "trật tự", "an ninh", "tai nạn", "công an", "gây rối", "hát karaoke",
    ),
    "can_bo": (
        "cán bộ", "công chức", "thái độ", "thủ tục", "hồ sơ", "chậm", "hạch sách", "tiêu cực",
        "phong bì", "công khai", "lệ phí", "trả lời", "nhũng nhiễu", "một cửa", "giải quyết",
    ),
    "kinh_te": (
        "lúa", "giống", "phân bón", "chăn nuôi", "dịch bệnh", "giá", "chợ", "việc làm",
        "học nghề", "vay vốn", "thuế", "nông sản", "tiêu thụ", "dịch tả", "cây trồng", "thủy sản",
    ),
    "van_hoa_xa_hoi": (
        "trường", "học sinh", "học phí", "trạm y tế", "tiêm", "văn hóa", "lễ hội", "đám cưới",
        "đám tang", "tảo hôn", "giáo viên", "khám bệnh", "thể thao", "nhà văn hóa", "thư viện",
    ),
    "khac": ("cảm ơn", "chúc", "hội nghị", "tiếp xúc", "đối thoại", "lịch"),
}  # fmt: skip


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        topic: re.compile(r"\b(" + "|".join(re.escape(fold(c)) for c in cues) + r")\b")
        for topic, cues in _CUES.items()
    }


def keyword_scores(text: str) -> dict[str, float]:
    """Number of cue words of each topic found in the folded text."""
    folded = fold(text)
    return {topic: float(len(_patterns()[topic].findall(folded))) for topic in TOPICS}


def keyword_primary(text: str) -> str:
    """The topic with most cues, or the fallback topic when none is found."""
    scores = keyword_scores(text)
    best = max(TOPICS, key=lambda t: scores[t])
    return best if scores[best] > 0 else FALLBACK_TOPIC
