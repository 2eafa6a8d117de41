"""Complete submissions per second with N simulated citizens at once, through the fake Bot API.

The bot runs as deployed: ``ydan serve`` (with its engine process on a machine of two cores
or more; ``--engine-process off`` keeps all in one), long-polling the fake Bot API, which runs
in this process together with the simulated citizens (Telegram is never on the bot's machine). Each citizen is onboarded first (not timed); then all submit in parallel:
/gopy, the text, confirm the topics, stay anonymous, send. A citizen waits, as a person does,
until the bot's next prompt has arrived (the message with the button to press next, or the
receipt with its tracking code); that wait is the step's latency. The serve process sends
replies through its rate limiter set to ``--rate`` messages/s (Telegram's own limit is not
the subject here).

``--in-process`` runs the bot inside this process instead (PTB, the engine and the fake share
one interpreter and one core), the setup of the first measurements.

    PYTHONPATH=. .venv/bin/python bench/bench_submissions.py --citizens 200 --db sqlite
    PYTHONPATH=. .venv/bin/python bench/bench_submissions.py --citizens 200 --db postgresql
    PYTHONPATH=. .venv/bin/python bench/bench_submissions.py --citizens 200 --engine-process off

CPU and peak memory are read from /proc for ``ydan serve`` and its engine process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import secrets
import signal
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from tests.fakebot import FakeBotApi, FakeUser, Injected
from tests.serving import polling, serve_env, start_ydan

WAIT = 120.0  # safety net: a step that takes this long means the bot is stuck
JSON = dict[str, Any]
TEXTS = (
    "Đường liên thôn bị sụt lún, mưa xuống ngập không đi được",
    "bai rac canh truong hoc boc mui qua, de nghi xa thu gom",
    "Nhà tôi thuộc hộ cận nghèo nhưng chưa được cấp thẻ bhyt",
    "đêm nào cũng có nhóm thanh niên đua xe ở đường đê, rất ồn và nguy hiểm",
    "gia lua nam nay thap qua, xin xa ho tro giong cho vu sau",
)


@dataclass(frozen=True)
class Options:
    rate: int  # serve's outbound messages/s
    engine_process: str  # serve's YDAN_ENGINE_PROCESS
    in_process: bool  # the bot in this process instead of ``ydan serve``


def _buttons(message: JSON) -> list[JSON]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b for row in rows for b in row]


def _has_button(label: str) -> Callable[[JSON], bool]:
    return lambda m: any(label in b["text"] for b in _buttons(m))


@dataclass
class Citizen:
    """A person on a phone: acts, then waits until the bot's answer shows what to do next."""

    fake: FakeBotApi
    user: FakeUser
    steps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    async def act(self, action: Awaitable[Injected], ready: Callable[[JSON], bool]) -> JSON:
        """Inject one update and return the first new bot message that satisfies ``ready``."""
        await action
        return await self.fake.next_matching(self.user, ready, WAIT)

    async def timed(
        self, step: str, action: Awaitable[Injected], ready: Callable[[JSON], bool]
    ) -> JSON:
        started = time.perf_counter()
        message = await self.act(action, ready)
        self.steps[step].append(time.perf_counter() - started)
        return message

    def press(self, message: JSON, label: str) -> Awaitable[Injected]:
        button = next(b for b in _buttons(message) if label in b["text"])
        return self.fake.press_button(self.user, message, button["callback_data"])

    async def onboard(self) -> None:
        villages = await self.act(self.fake.send_command(self.user, "start"), _has_button("Bảo"))
        privacy = await self.act(self.press(villages, "Bảo Tân"), _has_button("đồng ý"))
        await self.act(self.press(privacy, "đồng ý"), lambda m: True)

    async def submit(self, text: str) -> bool:
        await self.timed("gopy", self.fake.send_command(self.user, "gopy"), _has_button("Hủy"))
        topics = await self.timed(
            "text", self.fake.send_text(self.user, text), _has_button("Đúng rồi")
        )
        privacy = await self.timed("topics", self.press(topics, "Đúng rồi"), _has_button("Ẩn tên"))
        review = await self.timed("anonymity", self.press(privacy, "Ẩn tên"), _has_button("Gửi"))
        receipt = await self.timed(
            "send", self.press(review, "Gửi ý kiến"), lambda m: "DT-" in str(m.get("text"))
        )
        return "DT-" in str(receipt.get("text"))


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the engine process of ``ydan serve``)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid] + [p for child in children for p in _tree(int(child))]


def _proc_figures(pid: int) -> dict[str, float]:
    """Peak RSS (MB) of each process and CPU seconds of all, for a live process tree, from /proc."""
    figures: dict[str, float] = {"cpu_seconds": 0.0}
    for n, member in enumerate(_tree(pid)):
        status = Path(f"/proc/{member}/status").read_text().splitlines()
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        figures["cpu_seconds"] += cpu
        figures[f"cpu_seconds_{n}"] = cpu
        figures[f"peak_rss_mb_{n}"] = round(peak_kb / 1024, 1)
    return figures


@asynccontextmanager
async def serve_process(
    fake: FakeBotApi, db_url: str, options: Options, log: Path
) -> AsyncIterator[int]:
    """``ydan serve`` polling ``fake``; yields its pid once it polls."""
    env = serve_env(
        fake,
        db_url,
        telegram_rate=str(options.rate),
        engine_process=options.engine_process,
        log_level="WARNING",
    )
    demo = await start_ydan(env, log.parent, "demo", stderr=None)
    if await demo.wait() != 0:
        raise RuntimeError("ydan demo failed")
    with log.open("wb") as stderr:
        process = await start_ydan(env, log.parent, "serve", stderr=stderr.fileno())
        try:
            await polling(fake)
            yield process.pid
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=60)


@asynccontextmanager
async def in_process_bot(fake: FakeBotApi, db_url: str) -> AsyncIterator[None]:
    """The bot inside this process (migrated database, demo commune loaded)."""
    from nlp.tagger import load_tagger
    from storage.clock import SystemClock
    from tests.e2e.harness import bot_under_test

    async with bot_under_test(fake, db_url, tagger=load_tagger(), clock=SystemClock()):
        yield None


class ErrorCounter(logging.Handler):
    """Counts error logs, and "database is locked" among them, of a bot run in this process."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.locked = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        text = record.getMessage() + (str(record.exc_info[1]) if record.exc_info else "")
        self.locked += "database is locked" in text


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def run(citizens: int, db_url: str, workdir: Path, options: Options) -> JSON:
    log = workdir / "serve.log"
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    async with FakeBotApi() as fake:
        people = [Citizen(fake, FakeUser(300_000 + i, f"Dân {i}")) for i in range(citizens)]
        bot = (
            in_process_bot(fake, db_url)
            if options.in_process
            else serve_process(fake, db_url, options, log)
        )
        async with bot as pid:
            await asyncio.gather(*(p.onboard() for p in people))
            before = _proc_figures(pid) if pid else {}
            own_cpu = time.process_time()
            started = time.perf_counter()
            results = await asyncio.gather(
                *(p.submit(TEXTS[i % len(TEXTS)]) for i, p in enumerate(people))
            )
            elapsed = time.perf_counter() - started
            own_cpu = time.process_time() - own_cpu
            after = _proc_figures(pid) if pid else {}
    steps: dict[str, list[float]] = defaultdict(list)
    for person in people:
        for name, values in person.steps.items():
            steps[name].extend(values)
    completed = sum(results)
    served = log.read_text(errors="replace") if log.exists() else ""
    figures: JSON = {
        "mode": "in-process"
        if options.in_process
        else f"serve, engine process {options.engine_process}",
        "citizens": citizens,
        "completed": completed,
        "seconds": round(elapsed, 2),
        "submissions_per_sec": round(completed / elapsed, 1),
        "steps_ms": {
            name: {"p50": round(statistics.median(v) * 1000, 1), "p95": round(_pct(v, 0.95), 1)}
            for name, v in steps.items()
        },
        "simulator_cpu_seconds": round(own_cpu, 2),
    }
    if after:
        figures |= {
            "serve_peak_rss_mb": [v for k, v in after.items() if k.startswith("peak_rss_mb")],
            "serve_cpu_seconds": round(after["cpu_seconds"] - before["cpu_seconds"], 2),
            # Each process of the tree: ``ydan serve``, then its engine process if it has one.
            "serve_cpu_seconds_per_process": [
                round(v - before[k], 2) for k, v in after.items() if k.startswith("cpu_seconds_")
            ],
            "serve_cpu_ms_per_submission": round(
                1000 * (after["cpu_seconds"] - before["cpu_seconds"]) / max(completed, 1), 2
            ),
            "serve_error_lines": sum(" ERROR " in line for line in served.splitlines()),
        }
        figures["database_locked_errors"] = served.count("database is locked")
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures["peak_rss_mb"] = round(peak, 1)
        figures["errors_logged"] = errors.count
        figures["database_locked_errors"] = errors.locked
    return figures


async def main(citizens: int, backend: str, options: Options) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
            result = await run(citizens, url, workdir, options)
        else:
            name = f"ydan_bench_{secrets.token_hex(4)}"
            admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
            await admin.execute(f'CREATE DATABASE "{name}"')
            try:
                url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
                result = await run(citizens, url, workdir, options)
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()
    print(json.dumps({"backend": backend, **result}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rate", type=int, default=1000, help="serve's outbound messages/s")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument(
        "--engine-process", choices=["auto", "on", "off"], default="auto", help="serve's setting"
    )
    args = parser.parse_args()
    options = Options(args.rate, args.engine_process, args.in_process)
    asyncio.run(main(args.citizens, args.db, options))
