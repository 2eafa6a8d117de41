"""The packaged tagger on clear messages, typed with and without diacritics."""

from __future__ import annotations

import unicodedata

import pytest

from nlp.tagger import Tagger
from nlp.topics import TOPICS
from nlp.variants import stripped

CLEAR = [
    ("Đất nhà tôi bị thu hồi mà tiền đền bù quá thấp, sổ đỏ vẫn chưa được trả", "dat_dai"),
    (
        "Bãi rác đầu thôn bốc mùi hôi thối, ruồi nhặng khắp nơi, nước thải chảy ra mương",
        "moi_truong",
    ),
    ("Mẹ tôi 85 tuổi chưa được nhận trợ cấp người cao tuổi và thẻ bảo hiểm y tế", "an_sinh"),
    ("Đường liên thôn ổ gà chi chít, cống thoát nước tắc, mưa là ngập", "ha_tang"),
    ("Ban đêm thanh niên tụ tập đua xe, trộm chó liên tục, đề nghị công an xã xử lý", "an_ninh"),
    ("Cán bộ một cửa hách dịch, hồ sơ nộp ba tháng chưa giải quyết, còn đòi thêm tiền", "can_bo"),
    ("Giá lúa quá thấp, thương lái ép giá, lợn bị dịch tả chết hàng loạt", "kinh_te"),
    ("Trường tiểu học thu nhiều khoản ngoài học phí, trạm y tế xã thiếu thuốc", "van_hoa_xa_hoi"),
    ("Cảm ơn xã đã tổ chức buổi đối thoại, chúc các anh chị cán bộ sức khỏe", "khac"),
]


@pytest.mark.parametrize(("text", "topic"), CLEAR)
def test_clear_messages_get_their_topic_with_and_without_marks(
    tagger: Tagger, text: str, topic: str
) -> None:
    assert tagger.tag(text).primary == topic
    assert tagger.tag(stripped(text)).primary == topic
    assert tagger.tag(stripped(text).lower()).primary == topic


def test_result_shape(tagger: Tagger) -> None:
    result = tagger.tag("đường thôn em hỏng nặng quá, xã sửa giúp đc ko ạ")
    assert result.primary in TOPICS
    assert result.topics[0] == result.primary
    assert len(set(result.topics)) == len(result.topics)
    assert set(result.scores) == set(TOPICS)
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert result.model_version == tagger.version
    assert len(tagger.version) == 12


def test_unicode_form_and_tone_placement_do_not_change_the_result(tagger: Tagger) -> None:
    text = "Hoà giải tranh chấp đất giữa hai nhà, thuỷ lợi nội đồng bị lấn chiếm"
    classic = "Hòa giải tranh chấp đất giữa hai nhà, thủy lợi nội đồng bị lấn chiếm"
    nfd = unicodedata.normalize("NFD", text)
    results = [tagger.tag(t) for t in (text, classic, nfd)]
    assert results[0] == results[1] == results[2]


def test_batch_equals_one_by_one(tagger: Tagger) -> None:
    texts = [text for text, _ in CLEAR] + ["", "ok"]
    assert tagger.tag_batch(texts) == [tagger.tag(t) for t in texts]


def test_nothing_known_is_uncertain(tagger: Tagger) -> None:
    for text in ("", "   ", "???", "."):
        result = tagger.tag(text)
        assert result.uncertain
        assert result.primary == "khac"


def test_unreadable_text_is_other(tagger: Tagger) -> None:
    # The dataset labels messages with no readable content "khac" (DOMAIN.md: anything else).
    for text in ("zzqx", "asdfgh"):
        assert tagger.tag(text).primary == "khac"


def test_flags_complaint_versus_question_about_complaining(tagger: Tagger) -> None:
    petition = (
        "Tôi làm đơn này khiếu nại Quyết định số 12/QĐ-UBND của UBND xã về việc thu hồi "
        "đất của gia đình tôi vì không đúng diện tích thực tế. Đề nghị xã xem xét lại."
    )
    questions = [
        "Xin hỏi thủ tục khiếu nại quyết định thu hồi đất như thế nào ạ?",
        "muốn tố cáo cán bộ xã thì nộp đơn ở đâu, cần giấy tờ gì",
        "Tôi không khiếu nại gì, chỉ mong xã công khai danh sách hộ nghèo.",
    ]
    assert tagger.tag(petition).legal_complaint
    assert tagger.tag(stripped(petition)).legal_complaint
    for question in questions:
        assert not tagger.tag(question).legal_complaint
        assert not tagger.tag(stripped(question)).legal_complaint


def test_flags_urgent_and_abusive(tagger: Tagger) -> None:
    danger = "Dây điện bị đứt rơi xuống đường ngay cổng trường, rất nguy hiểm, đề nghị xử lý gấp"
    insult = "Lũ cán bộ xã ăn hại, đồ mất dạy, chỉ biết ăn tiền của dân"
    calm = "Đề nghị xã bố trí thêm thùng rác ở chợ"
    assert tagger.tag(danger).urgent
    assert tagger.tag(insult).abusive
    assert tagger.tag(stripped(insult)).abusive
    result = tagger.tag(calm)
    assert not (result.urgent or result.abusive or result.legal_complaint)


def test_dog_bite_is_not_an_insult(tagger: Tagger) -> None:
    # "chó" names an animal here; insults need "đồ chó", "lũ chó"...
    assert not tagger.tag("Chó nhà hàng xóm thả rông cắn trẻ con, đề nghị xã nhắc nhở").abusive
