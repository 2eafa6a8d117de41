"""The petition rules: who files, when, and what a question asks about."""

from __future__ import annotations

import pytest

from nlp import rules
from nlp.variants import stripped

FILED = [
    # The writer files, and asks about the handling.
    "Tôi làm đơn này tố cáo cán bộ thú y bán vắc xin miễn phí, xin hỏi ai sẽ thụ lý đơn?",
    # A message that opens as a petition's heading.
    "khiếu nại việc xã cho đặt trạm trung chuyển rác sát cổng chợ, hôi thối",
    # Typed without the space, or with one typo at the start.
    "tocao bà chủ nhóm trẻ thu tiền mà không cho trẻ ăn đủ bữa",
    "to coa cán bộ văn phòng sửa điểm phỏng vấn cho người nhà",
]
NOT_FILED = [
    "Tôi sẽ làm đơn khiếu nại nếu xã không giải quyết tiền bồi thường trước cuối tháng.",
    "Nếu cán bộ địa chính còn hẹn lần nữa thì tôi làm đơn khiếu nại luôn.",
    "Đơn khiếu nại của tôi về tiền bồi thường đã được giải quyết thỏa đáng, xin cảm ơn xã.",
    "Em trai tôi có đơn khiếu nại ở xã từ tháng trước, nhờ tôi hỏi khi nào có lịch tiếp dân.",
    "Mẹ tôi bị hàng xóm tố cáo nuôi chó thả rông, mong xã xuống xác minh.",
    "Khiếu nại thì nộp ở đâu, cần mẫu đơn không ạ?",
    "Gia đình tôi không khiếu nại ai, chỉ đề nghị xã làm lại rãnh thoát nước.",
]


@pytest.mark.parametrize("text", FILED)
def test_a_filing_decides_even_when_the_model_doubts(text: str) -> None:
    for view in (text, stripped(text)):
        assert rules.legal_complaint(rules.cues(view), probability=0.0, threshold=0.1), view


@pytest.mark.parametrize("text", NOT_FILED)
def test_planned_settled_others_and_questions_are_not_petitions(text: str) -> None:
    for view in (text, stripped(text)):
        assert not rules.legal_complaint(rules.cues(view), probability=1.0, threshold=0.1), view


def test_a_review_request_without_the_word_needs_a_firm_model() -> None:
    cue = rules.cues("Tôi đề nghị xem xét lại Quyết định số 45/QĐ-UBND về thu hồi đất nhà tôi.")
    assert cue.review_request and not cue.complaint
    assert not rules.legal_complaint(cue, probability=0.3, threshold=0.1)
    assert rules.legal_complaint(cue, probability=0.8, threshold=0.1)


def test_dinh_means_a_plan_only_when_typed_with_marks() -> None:
    planned = "Tôi định làm đơn khiếu nại nếu xã không trả lời"
    assert rules.cues(planned).negated
    # Stripped, "định" (to plan) is also "đình": the model decides that one.
    assert not rules.cues(stripped(planned)).negated


def test_gia_dinh_is_not_a_plan_without_marks() -> None:
    # Stripped, "gia đình" reads "gia dinh", and "định" (to plan) is also "dinh".
    cue = rules.cues(stripped("Gia đình tôi làm đơn tố cáo hộ ông Tùng xả thải ra mương"))
    assert not cue.negated and cue.filing
