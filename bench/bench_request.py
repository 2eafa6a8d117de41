"""CPU per Bot API call: PTB's default httpx request class against ydan's aiohttp one.

Both send ``sendMessage`` to the fake Bot API in this process, 32 calls in flight, after a
warm-up; the CPU time covers the client and the fake together (the fake's share is the same
for both), so the difference is the client's.

    PYTHONPATH=. .venv/bin/python bench/bench_request.py --calls 3000
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.channels.aiohttp_request import AiohttpRequest
from tests.fakebot import FakeBotApi, FakeUser

IN_FLIGHT = 32


async def measure(make: Callable[[], BaseRequest], calls: int) -> tuple[float, float]:
    """(CPU ms per call, calls per second)."""
    async with FakeBotApi() as fake:
        user = FakeUser(1, "Lan")
        fake.add_chat(user)
        request = make()
        async with Bot(
            fake.token, base_url=fake.base_url, request=request, get_updates_request=request
        ) as bot:
            for _ in range(100):
                await bot.send_message(user.id, "khởi động")
            slots = asyncio.Semaphore(IN_FLIGHT)

            async def one() -> None:
                async with slots:
                    await bot.send_message(user.id, "Đường thôn 3 hỏng nặng")

            cpu, wall = time.process_time(), time.perf_counter()
            await asyncio.gather(*(one() for _ in range(calls)))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu * 1000 / calls, calls / wall


async def main(calls: int) -> None:
    clients: dict[str, Callable[[], BaseRequest]] = {
        "httpx (PTB default)": lambda: HTTPXRequest(connection_pool_size=64),
        "aiohttp (ydan)": lambda: AiohttpRequest(connection_pool_size=64),
    }
    for name, make in clients.items():
        cpu_ms, rate = await measure(make, calls)
        print(f"{name}: {cpu_ms:.2f} ms CPU a call (client + fake), {rate:,.0f} calls/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    asyncio.run(main(parser.parse_args().calls))
