"""``ydan serve`` with the engine in its own process: a whole submission, and how it stops."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from tests.fakebot import FakeBotApi, FakeUser
from tests.serving import children, polling, serve_env, start_ydan, wait_gone

JSON = dict[str, Any]
WAIT = 30.0


def _has_button(label: str) -> Callable[[JSON], bool]:
    def ready(message: JSON) -> bool:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return any(label in b["text"] for row in rows for b in row)

    return ready


class Person:
    """Acts, then waits for the bot's message that shows what to do next."""

    def __init__(self, fake: FakeBotApi, user: FakeUser) -> None:
        self.fake = fake
        self.user = user

    async def until(self, ready: Callable[[JSON], bool]) -> JSON:
        return await self.fake.next_matching(self.user, ready, WAIT)

    async def press(self, message: JSON, label: str, then: Callable[[JSON], bool]) -> JSON:
        rows = message["reply_markup"]["inline_keyboard"]
        button = next(b for row in rows for b in row if label in b["text"])
        await self.fake.press_button(self.user, message, button["callback_data"])
        return await self.until(then)


async def _serving(fake: FakeBotApi, tmp_path: Path) -> tuple[asyncio.subprocess.Process, int, str]:
    """``ydan serve`` with its engine process, polling: the process, the engine's pid, the port."""
    env = serve_env(fake, f"sqlite+aiosqlite:///{tmp_path / 'split.db'}", engine_process="on")
    serve = await start_ydan(env, tmp_path, "serve")
    await polling(fake)
    [engine] = children(serve.pid)
    return serve, engine, env["YDAN_WEB_PORT"]


async def test_a_citizen_submits_through_both_processes_and_both_stop_cleanly(
    tmp_path: Path,
) -> None:
    async with FakeBotApi() as fake:
        serve, engine, port = await _serving(fake, tmp_path)
        try:
            lan = Person(fake, FakeUser(7101, "Lan"))
            await fake.send_command(lan.user, "start")
            villages = await lan.until(_has_button("Bảo Tân"))
            privacy = await lan.press(villages, "Bảo Tân", _has_button("đồng ý"))
            await lan.press(privacy, "đồng ý", lambda m: True)
            await fake.send_command(lan.user, "gopy")
            await lan.until(_has_button("Hủy"))
            await fake.send_text(lan.user, "Đường liên thôn bị sụt lún, mưa xuống ngập")
            topics = await lan.until(_has_button("Đúng rồi"))
            anonymity = await lan.press(topics, "Đúng rồi", _has_button("Ẩn tên"))
            review = await lan.press(anonymity, "Ẩn tên", _has_button("Gửi"))
            receipt = await lan.press(review, "Gửi ý kiến", lambda m: "DT-" in str(m["text"]))
            assert "DT-" in receipt["text"]
            # The serving process reads the database for its pages; the engine writes it.
            async with ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                async with http.get(f"http://127.0.0.1:{port}/congkhai/bao-tan") as response:
                    assert response.status == 200
                    assert "Bảo Tân" in await response.text()
        finally:
            serve.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(serve.communicate(), WAIT)
        assert serve.returncode == 0, stderr.decode()[-2000:]
        await wait_gone(engine, WAIT)


async def test_serve_stops_with_an_error_when_the_engine_process_dies(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        serve, engine, _port = await _serving(fake, tmp_path)
        try:
            os.kill(engine, signal.SIGKILL)
            _, stderr = await asyncio.wait_for(serve.communicate(), WAIT)
        finally:
            if serve.returncode is None:
                serve.kill()
                await serve.wait()
        assert serve.returncode == 1
        assert "the engine process stopped" in stderr.decode()


async def test_a_hard_kill_of_serve_takes_the_engine_process_with_it(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        serve, engine, _port = await _serving(fake, tmp_path)
        serve.kill()
        await serve.communicate()
        await wait_gone(engine, WAIT)


async def test_webhook_mode_reaches_the_engine_process(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        env = serve_env(fake, f"sqlite+aiosqlite:///{tmp_path / 'hook.db'}", engine_process="on")
        port = env["YDAN_WEB_PORT"]
        env |= {
            "YDAN_TELEGRAM_MODE": "webhook",
            "YDAN_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "YDAN_WEBHOOK_SECRET": "hook-secret-4",
            "YDAN_LOG_LEVEL": "INFO",
        }
        serve = await start_ydan(env, tmp_path, "serve")
        try:
            assert serve.stderr is not None
            # Listening once it says so: Telegram's first delivery must find the server up.
            async with asyncio.timeout(60):
                while b"web server on" not in await serve.stderr.readline():
                    pass
            assert fake.webhook.secret_token == "hook-secret-4"
            lan = Person(fake, FakeUser(7201, "Lan"))
            await fake.send_command(lan.user, "start")
            village = await lan.until(_has_button("Bảo Tân"))
            await lan.press(village, "Bảo Tân", _has_button("đồng ý"))
        finally:
            serve.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(serve.communicate(), WAIT)
        assert serve.returncode == 0, stderr.decode()[-2000:]
