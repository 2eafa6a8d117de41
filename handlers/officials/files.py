"""Report files by name: the renderers are imported on first use, since python-docx and openpyxl
take a while to load and most events never need them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from storage.outbox_files import store_file
from storage.report_records import StatsData, TriageData

DOCX = "docx"
XLSX = "xlsx"


def triage_file(data: TriageData, t: Translator, fmt: str) -> bytes:
    """The summary as ``fmt``, complete (see ``triage_files`` for the ones sent in the chat)."""
    if fmt == DOCX:
        from handlers.reports.triage_docx import render_triage_docx

        return render_triage_docx(data, t)
    from handlers.reports.triage_xlsx import render_triage_xlsx

    return render_triage_xlsx(data, t)


def triage_files(data: TriageData, t: Translator) -> list[tuple[str, bytes, str]]:
    """(format, content, caption note) of the files sent with a summary: the DOCX lists at most
    ``PRINT_LIMIT`` items a section (the note says so when it had to cut), the XLSX all."""
    from handlers.officials.summary import PRINT_LIMIT, for_chat

    printable, cut = for_chat(data, PRINT_LIMIT)
    note = t("triage.docx_trimmed", limit=PRINT_LIMIT) if cut else ""
    return [
        (DOCX, triage_file(printable, t, DOCX), note),
        (XLSX, triage_file(data, t, XLSX), ""),
    ]


def triage_filename(slug: str, day: date, fmt: str) -> str:
    return f"tong-hop-y-kien-{slug}-{day:%Y%m%d}.{fmt}"


def stats_xlsx(data: StatsData, t: Translator) -> bytes:
    from handlers.reports.stats_xlsx import render_stats_xlsx

    return render_stats_xlsx(data, t)


def stats_filename(slug: str, start: date, end: date) -> str:
    return f"thong-ke-{slug}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"


def conclusion_filename(slug: str, session_id: int) -> str:
    return f"thong-bao-ket-luan-{slug}-phien-{session_id}.docx"


async def document_payload(
    session: AsyncSession, filename: str, content: bytes, caption: str, now: datetime
) -> dict[str, Any]:
    """The outbox's form of a file: stored once, referred to by id (``storage.outbox_files``)."""
    file_id = await store_file(session, filename, content, now)
    return {"document": {"file": file_id, "filename": filename}, "text": caption}
