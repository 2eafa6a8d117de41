"""Report files by name: the renderers are imported on first use, since python-docx and openpyxl
take a while to load and most events never need them."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from locales import Translator
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


def document_payload(filename: str, content: bytes, caption: str) -> dict[str, Any]:
    """The outbox's form of a file (see ``bot.channels.telegram_sender``)."""
    return {
        "document": {"filename": filename, "content_b64": base64.b64encode(content).decode()},
        "text": caption,
    }
