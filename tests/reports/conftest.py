"""Sample records for the report tests: a commune's quarter with every kind of concern in it.

Datetimes are aware UTC, as storage hands them out, so every test also exercises the conversion
to Vietnam time (UTC+7).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from locales import LOCALES_DIR, Catalogs, Translator
from storage.report_records import (
    ConcernRow,
    ConclusionData,
    GroupRow,
    PublicItem,
    SpeakerRow,
    StatsData,
    TriageData,
)


def _utc(year: int, month: int, day: int, hour: int = 3) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def report_catalogs(tmp_path_factory: pytest.TempPathFactory) -> Catalogs:
    """Only this package's catalogs, so that the tests do not depend on other teams' files."""
    root = tmp_path_factory.mktemp("locales")
    for language in ("vi", "en"):
        target = root / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(Path(LOCALES_DIR) / language / "LC_MESSAGES" / "reports.po", target)
    return Catalogs(directory=root)


@pytest.fixture(scope="session")
def vi(report_catalogs: Catalogs) -> Translator:
    return report_catalogs.get("vi")


@pytest.fixture(scope="session")
def en(report_catalogs: Catalogs) -> Translator:
    return report_catalogs.get("en")


def concern(code: str, text: str, **overrides: Any) -> ConcernRow:
    base = ConcernRow(
        code=code,
        text=text,
        village="Thôn Đông",
        primary_topic="ha_tang",
        status="on_agenda",
        created_at=_utc(2026, 11, 20),
        topics=("ha_tang",),
    )
    return replace(base, **overrides)


@pytest.fixture
def urgent_rows() -> list[ConcernRow]:
    return [
        concern(
            "DT-0101",
            "Cầu tràn thôn Đông bị sạt lở sau mưa lớn, học sinh không qua lại được.",
            urgent=True,
        ),
        concern(
            "DT-0102",
            "Đường dây điện hạ thế bị đứt, nằm sát mặt đường liên thôn.",
            urgent=True,
            village="Thôn Tây",
        ),
    ]


@pytest.fixture
def triage_data(urgent_rows: list[ConcernRow]) -> TriageData:
    return TriageData(
        commune_name="xã Bảo Tân",
        title="Hội nghị đối thoại với Nhân dân quý IV năm 2026",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 11, 30),
        # 17:30 UTC on 4 December is 00:30 on 5 December in Vietnam.
        generated_at=datetime(2026, 12, 4, 17, 30, tzinfo=UTC),
        total=9,
        by_topic=[("dat_dai", 4), ("ha_tang", 3), ("moi_truong", 2)],
        by_village=[("Thôn Đông", 5), ("Thôn Tây", 3), ("", 1)],
        groups=[
            GroupRow(
                representative_text="Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các "
                "hộ đã nộp hồ sơ từ năm 2024 nhưng đến nay chưa được giải quyết",
                count=8,
                codes=tuple(f"DT-02{n:02d}" for n in range(8)),
                villages=("Thôn Đông", "Thôn Tây"),
                primary_topic="dat_dai",
            ),
            GroupRow(
                representative_text="Rác thải tồn đọng ở bãi tập kết đầu thôn",
                count=2,
                codes=("DT-0301", "DT-0302"),
                villages=("Thôn Tây",),
                primary_topic="moi_truong",
            ),
        ],
        urgent=urgent_rows,
        legal_complaints=[
            concern(
                "DT-0401",
                "Tôi khiếu nại quyết định thu hồi đất số 12/QĐ-UBND.",
                legal_complaint=True,
                primary_topic="dat_dai",
            )
        ],
        repeated_unresolved=[
            concern(
                "DT-0501",
                "Kênh mương nội đồng xuống cấp, đã kiến nghị từ năm 2024.",
                times_raised=3,
                status="assigned",
                primary_topic="kinh_te",
            )
        ],
        speakers=[
            SpeakerRow(1, "Nguyễn Văn Bình", "DT-0101"),
            SpeakerRow(2, None, "DT-0501"),
            SpeakerRow(3, "Trần Thị Lan"),
        ],
    )


@pytest.fixture
def conclusion_data() -> ConclusionData:
    return ConclusionData(
        commune_name="xã Bảo Tân",
        issuing_body="Ủy ban nhân dân xã Bảo Tân",
        number_symbol="15/TB-UBND",
        place="Bảo Tân",
        issue_date=date(2026, 12, 5),
        session_title="Hội nghị đối thoại với Nhân dân quý IV năm 2026",
        session_date=datetime(2026, 11, 28, 1, 0, tzinfo=UTC),
        host_name="Nguyễn Văn An",
        host_title="Chủ tịch UBND xã",
        venue="Hội trường UBND xã",
        participants_summary="đại diện Thường trực Đảng ủy, HĐND, UBND, Ủy ban MTTQ Việt Nam "
        "xã, các công chức chuyên môn, trưởng các thôn và 120 công dân.",
        answered=[
            concern(
                "DT-0101",
                "Cầu tràn thôn Đông bị sạt lở sau mưa lớn.",
                status="answered_at_session",
                answer="UBND xã đã bố trí kinh phí sửa chữa, hoàn thành trong tháng 12/2026.",
                submitter_public_name="Nguyễn Văn Bình",
            ),
            concern(
                "DT-0109",
                "Lời lẽ xúc phạm cán bộ thôn.",
                abusive=True,
                status="answered_at_session",
                answer="Đề nghị công dân phản ánh trên tinh thần xây dựng.",
                submitter_public_name="Lê Văn Tục",
            ),
        ],
        assigned=[
            concern(
                "DT-0201",
                "Đề nghị cấp giấy chứng nhận quyền sử dụng đất.",
                status="assigned",
                department="land",
                due_date=date(2027, 1, 8),
                primary_topic="dat_dai",
            ),
            concern(
                "DT-0202",
                "Hồ sơ trợ cấp người cao tuổi chậm giải quyết.",
                status="assigned",
                department="Phòng Văn hóa - Xã hội",
                village=None,
                primary_topic="an_sinh",
            ),
        ],
        escalated=[
            concern(
                "DT-0301",
                "Đề nghị nâng cấp quốc lộ đoạn qua xã.",
                status="escalated",
                escalated_to="Sở Xây dựng tỉnh",
            )
        ],
        not_accepted=[
            concern(
                "DT-0401",
                "Tôi khiếu nại quyết định thu hồi đất.",
                status="not_accepted",
                legal_complaint=True,
                reason="nội dung là đơn khiếu nại",
            )
        ],
        recipients=["Như trên", "- TT Đảng ủy, HĐND xã;", "Lưu: VT"],
        signer_title="Chủ tịch",
        signer_name="Nguyễn Văn An",
    )


@pytest.fixture
def stats_data() -> StatsData:
    return StatsData(
        commune_name="xã Bảo Tân",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        by_topic=[("dat_dai", 30), ("ha_tang", 50), ("khac", 20)],
        by_village=[("Thôn Đông", 60), ("Thôn Tây", 40)],
        by_status=[("answered", 70), ("assigned", 20), ("not_accepted", 10)],
        on_time_rate=0.875,
        answered_on_time=35,
        answered_late=5,
        overdue=3,
        generated_at=_utc(2027, 1, 2),
    )


@pytest.fixture
def public_items() -> list[PublicItem]:
    return [
        PublicItem(
            code="DT-0101",
            date=date(2026, 11, 2),
            village="Thôn Đông",
            topic="ha_tang",
            question="Cầu tràn bị sạt lở <b>nguy hiểm</b>",
            answer="Đã sửa xong.\nCảm ơn bà con.",
            answered_at=date(2026, 11, 20),
            public_name="Nguyễn Văn Bình",
        ),
        PublicItem(
            code="DT-0102",
            date=date(2026, 11, 5),
            village="Thôn Tây",
            topic="ha_tang",
            question="Đèn đường hỏng, gọi 0912 345 678 giúp tôi",
            answer="Đã thay bóng đèn.",
            answered_at=_utc(2026, 12, 1),
            public_name=None,
        ),
        PublicItem(
            code="DT-0201",
            date=date(2026, 10, 10),
            village=None,
            topic="dat_dai",
            question='Sổ đỏ của tôi "bao giờ" có? <script>alert(1)</script>',
            answer="Dự kiến tháng 1/2027; hỗ trợ 150.000.000 đồng.",
            answered_at=date(2026, 11, 25),
            public_name=None,
        ),
    ]
