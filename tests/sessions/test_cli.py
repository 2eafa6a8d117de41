"""``ydan session create|list|show|postpone|cancel`` against a real database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.cli import _parser
from bot.config import Settings
from storage.clock import SystemClock
from storage.database import Database
from storage.models import DialogueSession, SessionStatus
from storage.repo.sessions import get_session
from tests.sessions.support import TZ, make_world


async def ydan(settings: Settings, *argv: str) -> int:
    args = _parser().parse_args(list(argv))
    result: int = await args.run(args, settings)
    return result


def local_text(days: int, hour: int = 8) -> str:
    moment = datetime.now(TZ) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


async def test_create_list_show_postpone_cancel(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(sqlite_url)
    try:
        world = await make_world(db, SystemClock().now())
        await world.person("Lan", village=0, now=SystemClock().now())
    finally:
        await db.dispose()
    settings = Settings(database_url=sqlite_url)
    common = ["--commune", "bao-tan", "--kind", "dinh_ky", "--form", "truc_tiep"]

    assert (
        await ydan(
            settings,
            "session",
            "create",
            *common,
            "--title",
            "Gấp",
            "--venue",
            "Hội trường",
            "--start",
            local_text(1),
        )
        == 1
    )
    assert "earliest allowed date" in capsys.readouterr().err
    assert await ydan(settings, "session", "create", *common, "--title", "x", "--start", "mai") == 1
    assert "cannot read" in capsys.readouterr().err

    start = local_text(40)
    created = await ydan(
        settings,
        "session",
        "create",
        *common,
        "--title",
        "Đối thoại cuối năm",
        "--venue",
        "Hội trường UBND xã",
        "--start",
        start,
        "--villages",
        "bao tan, hoa binh",
        "--topics",
        "dat_dai,ha_tang",
        "--target-group",
        "nong_dan",
    )
    out = capsys.readouterr().out
    assert created == 0, out
    assert "session 1 created" in out and "Thôn Bảo Tân, Thôn Hòa Bình" in out

    assert await ydan(settings, "session", "list", "--commune", "bao-tan") == 0
    listed = capsys.readouterr().out
    assert f"1\t{start}\tplanned\tdinh_ky\ttruc_tiep\tĐối thoại cuối năm" in listed

    assert await ydan(settings, "session", "show", "1") == 0
    shown = capsys.readouterr().out
    assert "Hội trường UBND xã" in shown and "Đất đai" in shown and "Nông dân" in shown
    assert "MTTQ gửi báo cáo tổng hợp ý kiến" in shown and "speakers: 0" in shown

    later = local_text(50, 14)
    assert await ydan(settings, "session", "postpone", "1", "--start", later) == 0
    assert "moved to" in capsys.readouterr().out
    assert await ydan(settings, "session", "cancel", "1") == 0
    assert "cancelled" in capsys.readouterr().out
    assert await ydan(settings, "session", "cancel", "1") == 1
    assert await ydan(settings, "session", "show", "9") == 1

    db = Database(sqlite_url)
    try:
        async with db.reader() as session:
            dialogue = await get_session(session, 1)
            assert isinstance(dialogue, DialogueSession)
            assert dialogue.status is SessionStatus.CANCELLED and dialogue.version == 3
            assert sorted(v.name for v in dialogue.villages) == ["Thôn Bảo Tân", "Thôn Hòa Bình"]
    finally:
        await db.dispose()


async def test_online_sessions_need_a_link(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=sqlite_url)
    code = await ydan(
        settings,
        "session",
        "create",
        "--commune",
        "bao-tan",
        "--kind",
        "dot_xuat",
        "--form",
        "truc_tuyen",
        "--title",
        "Họp trực tuyến",
        "--start",
        local_text(3),
    )
    assert code == 1 and "--link" in capsys.readouterr().err
