"""``ydan report ...`` and ``ydan member ...`` against a seeded database."""

from __future__ import annotations

import argparse
import io
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from bot import cli_members, cli_reports
from bot.config import Settings
from storage.clock import SystemClock
from storage.models import AuditEvent, Department, DialogueSession, Membership, Role, SessionStatus
from tests.e2e.harness import BotUnderTest
from tests.officials.seed import bulk_insert, concern_rows, demo, grant, outbox


async def _run(bot: BotUnderTest, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ydan")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_reports.register(sub)
    cli_members.register(sub)
    args = parser.parse_args(argv)
    settings = Settings(database_url=bot.runtime.settings.database_url)
    result: int = await args.run(args, settings)
    return result


async def _seed(bot: BotUnderTest) -> int:
    place = await demo(bot.runtime.db)
    rows = concern_rows(
        30,
        commune_id=place.commune.id,
        village_ids=[v.id for v in place.villages],
        session_id=place.session.id,
        start=bot.clock.now() - timedelta(days=3),
    )
    await bulk_insert(bot.runtime.db, rows)
    return place.session.id


async def test_triage_reports_in_three_formats(
    bot: BotUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = await _seed(bot)
    assert (
        await _run(bot, "report", "triage", "--commune", "bao-tan", "--session", str(session_id))
        == 0
    )
    text = capsys.readouterr().out
    assert "Tổng số: 30 ý kiến" in text and "Trang" not in text
    docx_path, xlsx_path = tmp_path / "t.docx", tmp_path / "t.xlsx"
    for fmt, path in (("docx", docx_path), ("xlsx", xlsx_path)):
        code = await _run(
            bot,
            "report",
            "triage",
            "--commune",
            "bao-tan",
            "--from",
            "2026-02-01",
            "--to",
            "02/03/2026",
            "--format",
            fmt,
            "--out",
            str(path),
        )
        assert code == 0
    assert any("30" in p.text for p in Document(str(docx_path)).paragraphs)
    assert len(load_workbook(xlsx_path).sheetnames) == 8
    assert await _run(bot, "report", "triage", "--commune", "bao-tan", "--format", "docx") == 1
    assert await _run(bot, "report", "stats", "--from", "hôm qua", "--to", "2026-03-01") == 1
    assert await _run(bot, "report", "triage", "--commune", "khong-co", "--session", "1") == 1


async def test_stats_report(
    bot: BotUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await _seed(bot)
    # One commune in the database: --commune may be left out.
    args = ("report", "stats", "--from", "2026-02-01", "--to", "2026-03-31")
    assert await _run(bot, *args) == 0
    assert "Tổng số: 30 ý kiến" in capsys.readouterr().out
    out = tmp_path / "s.xlsx"
    assert await _run(bot, *args, "--format", "xlsx", "--out", str(out)) == 0
    assert load_workbook(io.BytesIO(out.read_bytes())).sheetnames[0]


async def test_conclusion_draft_then_publish(bot: BotUnderTest, tmp_path: Path) -> None:
    session_id = await _seed(bot)
    draft = tmp_path / "draft.docx"
    assert (
        await _run(
            bot,
            "report",
            "conclusion",
            "--session",
            str(session_id),
            "--out",
            str(draft),
            "--number",
            "15/TB-UBND",
            "--signer",
            "Nguyễn Văn A",
        )
        == 0
    )
    cells = "\n".join(c.text for t in Document(str(draft)).tables for r in t.rows for c in r.cells)
    assert "15/TB-UBND" in cells and "Nguyễn Văn A" in cells
    # A session still to come cannot be concluded (the command reads the real clock).
    async with bot.runtime.db.transaction() as session:
        dsession = await session.get(DialogueSession, session_id)
        assert dsession is not None
        dsession.starts_at = SystemClock().now() + timedelta(days=30)
    final = tmp_path / "final.docx"
    assert (
        await _run(
            bot,
            "report",
            "conclusion",
            "--session",
            str(session_id),
            "--out",
            str(final),
            "--publish",
        )
        == 1
    )
    async with bot.runtime.db.transaction() as session:
        dsession = await session.get(DialogueSession, session_id)
        assert dsession is not None
        dsession.starts_at = SystemClock().now() - timedelta(days=1)
    assert (
        await _run(
            bot,
            "report",
            "conclusion",
            "--session",
            str(session_id),
            "--out",
            str(final),
            "--publish",
            "--number",
            "16/TB-UBND",
        )
        == 0
    )
    assert final.exists()
    async with bot.runtime.db.reader() as session:
        dsession = await session.get(DialogueSession, session_id)
        assert dsession is not None and dsession.status is SessionStatus.CONCLUDED
        assert dsession.conclusion_number == "16/TB-UBND"
        published = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "conclusion.published")
        )
        assert published is not None and published.actor_id is None
    # The demo's two console users live in covered villages.
    assert len(await outbox(bot, "conclusion")) == 2


async def test_member_list_and_remove(
    bot: BotUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    clerk = bot.person(7001, "Sơn")
    await clerk.onboard()
    await grant(bot, 7001, Role.OFFICIAL, department=Department.LAND)
    assert await _run(bot, "member", "list", "--commune", "bao-tan") == 0
    listing = capsys.readouterr().out.splitlines()
    land = next(line for line in listing if "\tland\t" in line)
    membership_id = land.split("\t")[0]
    assert "Sơn" in land
    assert await _run(bot, "member", "remove", "--commune", "bao-tan", "--id", membership_id) == 0
    async with bot.runtime.db.reader() as session:
        membership = await session.get(Membership, int(membership_id))
        assert membership is not None and membership.revoked_at is not None
    assert await _run(bot, "member", "remove", "--commune", "bao-tan", "--id", membership_id) == 1
    assert len(await outbox(bot, "role_revoked")) == 1
