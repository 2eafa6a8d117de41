"""``ydan serve`` as a process: polling against the fake Bot API, health check, clean stop."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiohttp import ClientSession

from tests.fakebot import FakeBotApi, FakeUser
from tests.serving import polling, serve_env, start_ydan


@pytest.mark.parametrize("engine_process", ["off", "on"])
async def test_serve_answers_start_within_two_seconds_and_stops_cleanly(
    tmp_path: Path, engine_process: str
) -> None:
    async with FakeBotApi() as fake:
        env = serve_env(
            fake, f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", engine_process=engine_process
        )
        demo = await start_ydan(env, tmp_path, "demo", stderr=None)
        assert await demo.wait() == 0
        process = await start_ydan(env, tmp_path, "serve")
        try:
            await polling(fake)
            user = FakeUser(7001, "Lan")
            started = time.monotonic()
            await fake.send_command(user, "start")
            reply = await fake.next_message(user.id, timeout=10)
            elapsed = time.monotonic() - started
            assert "Ý Dân" in str(reply.get("text"))
            assert elapsed < 2.0, f"/start answered in {elapsed:.2f} s"
            # A first run has no commune: the demo one was loaded, so the village is asked.
            village_question = await fake.next_message(user.id, timeout=10)
            assert "thôn" in str(village_question.get("text"))
            async with (
                ClientSession() as http,
                http.get(f"http://127.0.0.1:{env['YDAN_WEB_PORT']}/healthz") as response,
            ):
                assert response.status == 200
                assert (await response.json())["status"] == "ok"
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, stderr.decode()[-2000:]


def test_serve_without_a_token_runs_the_offline_demo(tmp_path: Path) -> None:
    env = serve_env(None, f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        input="bao tan\n1\n/trogiup\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "YDAN_TELEGRAM_TOKEN" in result.stderr
    assert "Nghị định 13/2023" in result.stdout
    assert "/gopy — gửi ý kiến" in result.stdout


@pytest.mark.parametrize("engine_process", ["off", "on"])
async def test_serve_with_a_rejected_token_or_no_bot_api_exits_2(
    tmp_path: Path, engine_process: str
) -> None:
    async with FakeBotApi() as fake:
        base = serve_env(
            None, f"sqlite+aiosqlite:///{tmp_path / 'bad.db'}", engine_process=engine_process
        )
        cases = [
            (
                {"YDAN_TELEGRAM_TOKEN": "999:" + "z" * 35, "YDAN_TELEGRAM_BASE_URL": fake.base_url},
                "YDAN_TELEGRAM_TOKEN",
            ),
            (
                {
                    "YDAN_TELEGRAM_TOKEN": fake.token,
                    "YDAN_TELEGRAM_BASE_URL": "http://127.0.0.1:1/bot",
                },
                "YDAN_TELEGRAM_BASE_URL",
            ),
        ]
        for extra, setting in cases:
            process = await start_ydan(base | extra, tmp_path, "serve")
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
            lines = stderr.decode().strip().splitlines()
            assert process.returncode == 2, stderr.decode()[-1500:]
            assert setting in lines[-1]
            assert not any("Traceback" in line for line in lines)
