"""``ydan serve`` as a child process against the fake Bot API: its environment, start and stop."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from tests.fakebot import FakeBotApi

REPO = Path(__file__).parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_env(fake: FakeBotApi | None, db_url: str, **settings: str) -> dict[str, str]:
    """A clean environment for ``ydan``: the fake's token and URLs (if any), ``YDAN_*`` extras."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(REPO),
        "PTB_TIMEDELTA": "1",
        "YDAN_DATABASE_URL": db_url,
        "YDAN_WEB_PORT": str(free_port()),
    }
    if fake is not None:
        env |= {
            "YDAN_TELEGRAM_TOKEN": fake.token,
            "YDAN_TELEGRAM_BASE_URL": fake.base_url,
            "YDAN_TELEGRAM_BASE_FILE_URL": fake.base_file_url,
        }
    if os.environ.get("YDAN_TEST_MODEL_DIR"):
        env["YDAN_MODEL_DIR"] = os.environ["YDAN_TEST_MODEL_DIR"]
    return env | {f"YDAN_{name.upper()}": value for name, value in settings.items()}


async def start_ydan(
    env: dict[str, str], cwd: Path, *args: str, stderr: int | None = asyncio.subprocess.PIPE
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )


async def polling(fake: FakeBotApi) -> None:
    """Return once the bot's first long poll has reached the fake (it need not have returned)."""
    await fake.wait_for(lambda: fake.requests("getUpdates"), timeout=60)


def children(pid: int) -> list[int]:
    """The direct child processes of ``pid`` (Linux)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


async def wait_gone(pid: int, within: float) -> None:
    """Return once process ``pid`` (not necessarily our child) has exited."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    loop = asyncio.get_running_loop()
    exited = loop.create_future()
    loop.add_reader(handle, lambda: exited.done() or exited.set_result(None))
    try:
        await asyncio.wait_for(exited, within)
    finally:
        loop.remove_reader(handle)
        os.close(handle)
