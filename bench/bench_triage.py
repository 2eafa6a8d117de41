"""How long the triage summary takes for a session with N concerns, grouping included.

Seeds a fresh SQLite database with bulk inserts (the demo commune, one session, N concerns on
its agenda made from the labelled dataset as citizens type them, 1% earlier unresolved ones,
50 speakers), then times, with the same code the bot runs:

1. the database read (``triage_input_for_session``),
2. grouping and assembly (``handlers.officials.summary.build_triage``),
3. the chat pages (``for_chat`` + ``render_triage_pages``),
4. the DOCX (at most ``PRINT_LIMIT`` items a section, as the bot sends it) and the XLSX files.

"Summary" is 1 to 3: what /tonghop computes before its first message goes out; the files follow.

    PYTHONPATH=. .venv/bin/python bench/bench_triage.py --n 10000
    PYTHONPATH=. .venv/bin/python bench/bench_triage.py --n 100000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bench.bench_grouping import make_corpus
from bot.demo import load_demo
from handlers.officials import files
from handlers.officials.summary import PRINT_LIMIT, build_triage, for_chat
from handlers.reports.triage_text import render_triage_pages
from locales import Catalogs
from nlp.examples import read_all
from nlp.training import dataset_files
from storage.database import Database
from storage.migrate import upgrade
from storage.models import (
    ChannelIdentity,
    Concern,
    ConcernStatus,
    DialogueSession,
    Person,
    SpeakerRegistration,
    Village,
)
from storage.repo.reporting import triage_input_for_session

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CHUNK = 5000


def _rows(n: int, commune_id: int, villages: list[int], session_id: int) -> list[dict[str, Any]]:
    examples = read_all(dataset_files())
    items, labels = make_corpus([e.text for e in examples], n)
    rng = random.Random(3)
    rows = []
    for k, (item, label) in enumerate(zip(items, labels, strict=True)):
        example = examples[label]
        earlier = k % 100 == 99  # raised at an earlier session, still unresolved
        legal = example.legal_complaint or k % 100 == 7
        created = NOW - timedelta(days=120 if earlier else 20, minutes=rng.randrange(20_000))
        rows.append(
            {
                "code": f"DT-26-{k + 1:06d}",
                "commune_id": commune_id,
                "village_id": villages[k % len(villages)],
                "channel": "telegram",
                "text": item.text,
                "status": ConcernStatus.ASSIGNED
                if earlier
                else ConcernStatus.CLASSIFIED
                if legal
                else ConcernStatus.ON_AGENDA,
                "primary_topic": example.topics[0],
                "legal_complaint": legal,
                "urgent": example.urgent or k % 50 == 3,
                "abusive": example.abusive,
                "show_name": False,
                "session_id": None if earlier or legal else session_id,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


async def _seed(db: Database, n: int) -> int:
    async with db.transaction() as session:
        demo = await load_demo(session, NOW - timedelta(days=200))
        dsession = await session.scalar(select(DialogueSession))
        assert dsession is not None
        dsession.starts_at = NOW + timedelta(days=10)
        villages = list(
            (
                await session.scalars(
                    select(Village.id).where(Village.commune_id == demo.commune.id)
                )
            ).all()
        )
        rows = _rows(n, demo.commune.id, villages, dsession.id)
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(Concern), rows[start : start + CHUNK])
        people = [
            {"display_name": f"Người dân {i}", "locale": "vi", "created_at": NOW} for i in range(50)
        ]
        ids = (await session.scalars(insert(Person).returning(Person.id), people)).all()
        await session.execute(
            insert(ChannelIdentity),
            [
                {
                    "person_id": pid,
                    "channel": "telegram",
                    "external_id": str(pid),
                    "chat_id": str(pid),
                }
                for pid in ids
            ],
        )
        await session.execute(
            insert(SpeakerRegistration),
            [
                {"session_id": dsession.id, "person_id": pid, "position": i + 1, "created_at": NOW}
                for i, pid in enumerate(ids)
            ],
        )
        return dsession.id


async def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        db = Database(f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}")
        try:
            await upgrade(db.engine)
            started = time.perf_counter()
            session_id = await _seed(db, n)
            print(f"seeded {n} concerns in {time.perf_counter() - started:.1f} s")
            t = Catalogs().get("vi")
            started = time.perf_counter()
            cpu_started = time.process_time()
            async with db.reader() as session:
                inp = await triage_input_for_session(session, session_id, tz=TZ)
            assert inp is not None
            read = time.perf_counter()
            data = build_triage(inp, title=inp.title or "", generated_at=NOW)
            built = time.perf_counter()
            chat, _ = for_chat(data)
            pages = render_triage_pages(chat, t)
            paged = time.perf_counter()
            cpu_summary = time.process_time() - cpu_started
            printable, _ = for_chat(data, PRINT_LIMIT)
            docx = files.triage_file(printable, t, files.DOCX)
            docx_done = time.perf_counter()
            xlsx = files.triage_file(data, t, files.XLSX)
            xlsx_done = time.perf_counter()
        finally:
            await db.dispose()
    print(
        f"{data.total} on the agenda, {len(inp.earlier)} earlier unresolved; "
        f"{len(data.groups)} groups, {len(data.urgent)} urgent, "
        f"{len(data.repeated_unresolved)} repeated, {len(data.legal_complaints)} complaints, "
        f"{len(data.speakers)} speakers; {len(pages)} chat pages"
    )
    print(f"  read from the database  {read - started:6.2f} s")
    print(f"  grouping and assembly   {built - read:6.2f} s")
    print(f"  chat pages              {paged - built:6.2f} s")
    print(f"  SUMMARY                 {paged - started:6.2f} s  (CPU {cpu_summary:.2f} s)")
    print(f"  DOCX ({len(docx) // 1024} KiB)          {docx_done - paged:6.2f} s")
    print(f"  XLSX ({len(xlsx) // 1024} KiB)          {xlsx_done - docx_done:6.2f} s")
    print(f"  SUMMARY AND FILES       {xlsx_done - started:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as in production
    asyncio.run(run(args.n))


if __name__ == "__main__":
    main()
