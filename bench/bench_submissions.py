"""Complete submissions per second with N simulated citizens at once, through the fake Bot API.

Each citizen is onboarded first (not timed), then all submit in parallel: /gopy, the text, confirm
the topics, stay anonymous, send. Per-step latency is the time from injecting the update to the
moment its replies have all reached the fake. The bot runs without an outbound rate limit (the
fake does not enforce one here), as when Telegram is not the bottleneck.

    PYTHONPATH=. .venv/bin/python bench/bench_submissions.py --citizens 200 --db sqlite
    PYTHONPATH=. .venv/bin/python bench/bench_submissions.py --citizens 200 --db postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import secrets
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from nlp.tagger import load_tagger
from storage.clock import SystemClock
from storage.database import Database
from storage.migrate import upgrade
from tests.e2e.harness import Person, bot_under_test
from tests.fakebot import FakeBotApi

TEXTS = (
    "Đường liên thôn bị sụt lún, mưa xuống ngập không đi được",
    "bai rac canh truong hoc boc mui qua, de nghi xa thu gom",
    "Nhà tôi thuộc hộ cận nghèo nhưng chưa được cấp thẻ bhyt",
    "đêm nào cũng có nhóm thanh niên đua xe ở đường đê, rất ồn và nguy hiểm",
    "gia lua nam nay thap qua, xin xa ho tro giong cho vu sau",
)


async def _timed(
    steps: dict[str, list[float]], name: str, action: Callable[[], Awaitable[Any]]
) -> None:
    started = time.perf_counter()
    await action()
    steps[name].append(time.perf_counter() - started)


async def _submit(person: Person, text: str, steps: dict[str, list[float]]) -> bool:
    await _timed(steps, "gopy", lambda: person.command("gopy"))
    shown: list[Any] = []

    async def write() -> None:
        shown.extend(await person.send(text))

    await _timed(steps, "text", write)
    if "Xong" in str(shown[-1].get("reply_markup")):
        await person.choose_topics({"Hạ tầng"})
        await _timed(steps, "topics", lambda: person.press("Xong"))
    else:
        await _timed(steps, "topics", lambda: person.press("Đúng rồi"))
    await _timed(steps, "anonymity", lambda: person.press("Ẩn tên"))
    receipt: list[Any] = []

    async def send() -> None:
        receipt.extend(await person.press("Gửi ý kiến"))

    await _timed(steps, "send", send)
    return "DT-" in person.texts(receipt)[-1]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class _ErrorCounter(logging.Handler):
    """Counts error logs (e.g. "database is locked") while the benchmark runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.locked = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        text = record.getMessage() + (str(record.exc_info[1]) if record.exc_info else "")
        self.locked += "database is locked" in text


async def run(citizens: int, db_url: str) -> dict[str, Any]:
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)
    tagger = load_tagger()
    async with (
        FakeBotApi() as fake,
        bot_under_test(fake, db_url, tagger=tagger, clock=SystemClock()) as bot,
    ):
        people = [bot.person(300_000 + i, f"Dân {i}") for i in range(citizens)]
        await asyncio.gather(*(p.onboard() for p in people))
        steps: dict[str, list[float]] = defaultdict(list)
        started = time.perf_counter()
        results = await asyncio.gather(
            *(_submit(p, TEXTS[i % len(TEXTS)], steps) for i, p in enumerate(people))
        )
        elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "citizens": citizens,
        "completed": sum(results),
        "seconds": round(elapsed, 2),
        "submissions_per_sec": round(sum(results) / elapsed, 1),
        "steps_ms": {
            name: {"p50": round(statistics.median(v) * 1000, 1), "p95": round(_pct(v, 0.95), 1)}
            for name, v in steps.items()
        },
        "peak_rss_mb": round(peak_mb, 1),
        "errors_logged": errors.count,
        "database_locked_errors": errors.locked,
    }


async def main(citizens: int, backend: str) -> None:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            db = Database(url)
            await upgrade(db.engine)
            await db.dispose()
            result = await run(citizens, url)
    else:
        name = f"ydan_bench_{secrets.token_hex(4)}"
        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
            db = Database(url)
            await upgrade(db.engine)
            await db.dispose()
            result = await run(citizens, url)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    print(json.dumps({"backend": backend, **result}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    asyncio.run(main(args.citizens, args.db))
