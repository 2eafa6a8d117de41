"""``ydan chat``: the same flows in a terminal, fed by piped input."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from bot.channels.console import ConsoleChannel
from bot.demo import load_demo
from handlers.app import build_router
from handlers.engine import Engine
from handlers.services import Services
from locales import Catalogs
from nlp.tagger import Tagger
from storage.clock import ManualClock
from storage.database import Database

REPO = Path(__file__).parents[1]


async def _console(
    sqlite_url: str, tagger: Tagger, clock: ManualClock, script: str, user: str = "c1"
) -> str:
    db = Database(sqlite_url)
    try:
        async with db.transaction() as session:
            await load_demo(session, clock.now())
        services = Services(db=db, catalogs=Catalogs(), clock=clock, tagger=tagger)
        out = io.StringIO()
        console = ConsoleChannel(
            Engine(services, build_router()),
            services.catalogs,
            stdin=io.StringIO(script),
            stdout=out,
            user_id=user,
        )
        await console.run()
        return out.getvalue()
    finally:
        await db.dispose()


async def test_onboarding_submission_and_lookup_in_the_console(
    sqlite_url: str, tagger: Tagger, clock: ManualClock
) -> None:
    script = "\n".join(
        [
            "hoa binh",  # village typed without diacritics
            "1",  # I agree
            "/gopy",
            "Đường bê tông thôn Hòa Bình bị nứt vỡ nhiều đoạn, xe máy đi rất nguy hiểm",
            ":anh duong.jpg",
            ":vitri 21.85 106.76",
            "1",  # topics are right
            "1",  # anonymous
            ":sdt 0912345678",
            "1",  # send
            "/cuatoi",
            "/tracuu DT-26-0001",
            "/huy",
        ]
    )
    output = await _console(sqlite_url, tagger, clock, script)
    assert "Thôn Hòa Bình" in output
    assert "Đã nhận ảnh" in output and "Đã nhận vị trí" in output
    assert "Số điện thoại: 0912345678" in output
    assert "Mã theo dõi: DT-26-0001" in output
    assert "Các ý kiến của bạn (1)" in output
    assert "Quá trình xử lý" in output
    assert "[1] ✅ Đúng rồi" in output


async def test_console_bad_input_and_cancel(
    sqlite_url: str, tagger: Tagger, clock: ManualClock
) -> None:
    script = "\n".join(
        [
            "bao tan",
            "1",
            "/gopy",
            "",
            "🙏🙏",
            ":sticker",
            "Rác thải ứ đọng ở chợ",
            "/huy",
            "/cuatoi",
        ]
    )
    output = await _console(sqlite_url, tagger, clock, script, user="c2")
    assert "Tin nhắn đang trống" in output
    assert "biểu tượng cảm xúc" in output
    assert "nhãn dán" in output
    assert "Đã hủy" in output
    assert "Bạn chưa gửi ý kiến nào" in output


def test_ydan_chat_reads_piped_input(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input="bao tan\n1\n/trogiup\n",
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO),
            "YDAN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Nghị định 13/2023" in result.stdout
    assert "/gopy — gửi ý kiến" in result.stdout


def test_both_adapters_implement_the_channel_interface() -> None:
    from typing import get_type_hints

    from bot.channels.telegram import TelegramChannel
    from handlers.events import ChannelAdapter

    for adapter in (ConsoleChannel, TelegramChannel):
        for member in ("start", "stop", "send"):
            assert callable(getattr(adapter, member)), (adapter, member)
        assert isinstance(adapter.name, str)
    assert set(get_type_hints(ChannelAdapter.send)) == {"chat_id", "replies", "return"}
