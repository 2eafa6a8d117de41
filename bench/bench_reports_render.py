"""How long the officials' documents take to render for a large commune.

Run: ``.venv/bin/python bench/bench_reports_render.py --concerns 2000``. Prints one line per
renderer with the best of a few runs and the output size. Synthetic data, no database.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from handlers.reports.conclusion_docx import render_conclusion_docx
from handlers.reports.public_page import render_public_page
from handlers.reports.stats_text import render_stats_text
from handlers.reports.stats_xlsx import render_stats_xlsx
from handlers.reports.triage_docx import render_triage_docx
from handlers.reports.triage_text import render_triage_pages
from handlers.reports.triage_xlsx import render_triage_xlsx
from locales import Catalogs
from nlp.topics import TOPICS
from storage.report_records import (
    ConcernRow,
    ConclusionData,
    GroupRow,
    PublicItem,
    SpeakerRow,
    StatsData,
    TriageData,
)

START = datetime(2026, 10, 1, tzinfo=UTC)
TEXT = (
    "Đường liên thôn đoạn qua khu dân cư bị xuống cấp, mùa mưa ngập sâu, "
    "đề nghị UBND xã sớm bố trí kinh phí sửa chữa. "
)


def _rows(count: int) -> list[ConcernRow]:
    return [
        ConcernRow(
            code=f"DT-{n:05d}",
            text=TEXT * (1 + n % 4),
            village=f"Thôn {n % 25 + 1}",
            primary_topic=TOPICS[n % len(TOPICS)],
            status="assigned",
            created_at=START + timedelta(hours=n),
            urgent=n % 20 == 0,
            legal_complaint=n % 50 == 0,
            times_raised=1 + n % 3,
            due_date=date(2027, 1, 8),
            department="land",
            answer="UBND xã đã tiếp thu và giao công chức kiểm tra, xử lý.",
        )
        for n in range(count)
    ]


def _time(name: str, render: Callable[[], object], repeat: int) -> None:
    best = float("inf")
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        output = render()
        best = min(best, time.perf_counter() - started)
    if isinstance(output, bytes | str):
        size = len(output)
    elif isinstance(output, list):
        size = sum(len(page) for page in output)
    print(f"{name:<22} {best * 1000:9.1f} ms  {size:>10} chars/bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concerns", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    t = Catalogs().get("vi")
    rows = _rows(args.concerns)
    villages = [(f"Thôn {n}", args.concerns // 25) for n in range(1, 26)]
    by_topic = [(code, args.concerns // len(TOPICS)) for code in TOPICS]
    triage = TriageData(
        commune_name="xã Bảo Tân",
        title="Hội nghị đối thoại với Nhân dân quý IV năm 2026",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        generated_at=datetime(2027, 1, 2, tzinfo=UTC),
        total=args.concerns,
        by_topic=by_topic,
        by_village=villages,
        groups=[
            GroupRow(TEXT, 10, tuple(r.code for r in rows[n : n + 10]), ("Thôn 1",), "ha_tang")
            for n in range(0, len(rows), 10)
        ],
        urgent=[r for r in rows if r.urgent],
        legal_complaints=[r for r in rows if r.legal_complaint],
        repeated_unresolved=[r for r in rows if r.times_raised > 2],
        speakers=[SpeakerRow(n, f"Người {n}", f"DT-{n:05d}") for n in range(1, 60)],
    )
    conclusion = ConclusionData(
        commune_name="xã Bảo Tân",
        issuing_body="Ủy ban nhân dân xã Bảo Tân",
        number_symbol="15/TB-UBND",
        place="Bảo Tân",
        issue_date=date(2026, 12, 5),
        session_title="Hội nghị đối thoại với Nhân dân quý IV năm 2026",
        session_date=datetime(2026, 11, 28, 1, tzinfo=UTC),
        host_name="Nguyễn Văn An",
        host_title="Chủ tịch UBND xã",
        venue="Hội trường UBND xã",
        participants_summary="đại biểu và Nhân dân các thôn",
        signer_title="Chủ tịch",
        signer_name="Nguyễn Văn An",
        answered=rows[:50],
        assigned=rows[50:150],
        escalated=rows[150:170],
        not_accepted=rows[170:180],
    )
    stats = StatsData(
        commune_name="xã Bảo Tân",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        by_topic=by_topic,
        by_village=villages,
        by_status=[("assigned", args.concerns)],
        on_time_rate=0.9,
    )
    public = [
        PublicItem(
            r.code,
            r.created_at,
            r.village,
            r.primary_topic,
            r.text,
            r.answer or "",
            date(2026, 12, 1),
        )
        for r in rows
    ]
    now = datetime(2027, 1, 2, tzinfo=UTC)
    print(f"{args.concerns} concerns, best of {args.repeat}")
    _time("triage pages", lambda: render_triage_pages(triage, t), args.repeat)
    _time("triage docx", lambda: render_triage_docx(triage, t), args.repeat)
    _time("triage xlsx", lambda: render_triage_xlsx(triage, t), args.repeat)
    _time("conclusion docx (180)", lambda: render_conclusion_docx(conclusion, t), args.repeat)
    _time("stats text", lambda: render_stats_text(stats, t), args.repeat)
    _time("stats xlsx", lambda: render_stats_xlsx(stats, t), args.repeat)
    _time("public page", lambda: render_public_page("xã Bảo Tân", public, t, now), args.repeat)


if __name__ == "__main__":
    main()
