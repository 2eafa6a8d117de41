"""Test data for the officials' tests: people with roles, concerns (one by one through the
repository, or thousands at once with bulk inserts), registrations, and outbox delivery."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from bot.channels.telegram_sender import TelegramNotificationSender
from bot.demo import DEMO_SLUG
from scheduler.dispatcher import OutboxDispatcher
from storage.clock import ManualClock
from storage.database import Database
from storage.models import (
    ChannelIdentity,
    CodeCounter,
    Commune,
    Concern,
    ConcernStatus,
    Department,
    DialogueSession,
    Notification,
    Role,
    SpeakerRegistration,
    Village,
)
from storage.repo.concerns import ConcernDraft, create_concern
from storage.repo.people import grant_role
from tests.e2e.harness import BotUnderTest

# Issues raised many times in other words, and the topic each belongs to.
ISSUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "ha_tang",
        (
            "Đường liên thôn {v} xuống cấp nghiêm trọng, ổ gà nhiều, mưa xuống ngập lầy không đi được",
            "duong lien thon {v} xuong cap, o ga nhieu, mua xuong ngap lay khong di duoc",
            "Đề nghị sửa đường liên thôn {v} vì xuống cấp, nhiều ổ gà, mưa là ngập",
        ),
    ),
    (
        "moi_truong",
        (
            "Bãi rác tự phát gần trường học thôn {v} bốc mùi hôi thối, ruồi nhặng rất nhiều",
            "bai rac tu phat gan truong hoc thon {v} boc mui hoi thoi, ruoi nhang nhieu",
            "Rác thải đổ gần trường học ở {v} bốc mùi hôi, đề nghị thu gom bãi rác tự phát",
        ),
    ),
    (
        "dat_dai",
        (
            "Đề nghị xã giải quyết cấp giấy chứng nhận quyền sử dụng đất (sổ đỏ) cho các hộ ở {v} đã nộp hồ sơ từ lâu",
            "de nghi cap so do giay chung nhan quyen su dung dat cho cac ho o {v} nop ho so lau roi",
            "Hồ sơ cấp sổ đỏ giấy chứng nhận quyền sử dụng đất của dân {v} nộp lâu chưa được giải quyết",
        ),
    ),
    (
        "an_ninh",
        (
            "Thanh niên tụ tập đua xe máy, rú ga ầm ĩ ban đêm trên đường qua {v}, gây mất an ninh",
            "thanh nien tu tap dua xe may ru ga am i ban dem tren duong qua {v}",
            "Tình trạng đua xe máy ban đêm, rú ga ầm ĩ ở {v} cần công an xã xử lý",
        ),
    ),
    (
        "an_sinh",
        (
            "Gia đình tôi ở {v} thuộc hộ nghèo nhưng chưa được cấp thẻ bảo hiểm y tế năm nay",
            "ho ngheo o {v} chua duoc cap the bao hiem y te nam nay",
            "Đề nghị cấp thẻ bảo hiểm y tế cho hộ nghèo {v}, năm nay chưa nhận được thẻ",
        ),
    ),
)
FILLER = (
    "Đề nghị xã tổ chức lớp tập huấn trồng cây ăn quả cho bà con, hướng dẫn phòng sâu bệnh",
    "Nhà văn hóa thôn xuống cấp, mái dột, cần sửa chữa để sinh hoạt cộng đồng",
    "Trạm y tế xã thiếu thuốc, người già phải đi xa để khám bệnh",
    "Giá phân bón tăng cao, đề nghị hỗ trợ nông dân mua vật tư",
    "Cần lắp thêm đèn chiếu sáng ở ngã ba chợ, tối đi lại nguy hiểm",
    "Cán bộ một cửa giải quyết hồ sơ chậm, đi lại nhiều lần",
    "Mương thoát nước bị tắc, mỗi lần mưa to nước tràn vào nhà dân",
    "Đề nghị kiểm tra việc khai thác cát trái phép trên sông gây sạt lở bờ",
)


@dataclass(frozen=True)
class Demo:
    commune: Commune
    villages: list[Village]
    session: DialogueSession


async def demo(db: Database) -> Demo:
    async with db.reader() as session:
        commune = await session.scalar(select(Commune).where(Commune.slug == DEMO_SLUG))
        assert commune is not None
        villages = list(
            (
                await session.scalars(
                    select(Village).where(Village.commune_id == commune.id).order_by(Village.id)
                )
            ).all()
        )
        dsession = await session.scalar(
            select(DialogueSession).where(DialogueSession.commune_id == commune.id)
        )
        assert dsession is not None
        return Demo(commune, villages, dsession)


async def person_id(db: Database, user_id: int) -> int:
    async with db.reader() as session:
        found = await session.scalar(
            select(ChannelIdentity.person_id).where(
                ChannelIdentity.channel == "telegram", ChannelIdentity.external_id == str(user_id)
            )
        )
    assert found is not None, f"user {user_id} has not onboarded"
    return found


async def grant(
    bot: BotUnderTest,
    user_id: int,
    role: Role,
    *,
    department: Department | None = None,
    village_id: int | None = None,
) -> int:
    db = bot.runtime.db
    pid = await person_id(db, user_id)
    place = await demo(db)
    async with db.transaction() as session:
        await grant_role(
            session,
            person_id=pid,
            commune_id=place.commune.id,
            role=role,
            now=bot.clock.now(),
            department=department,
            village_id=village_id,
        )
    return pid


async def add_concern(
    bot: BotUnderTest,
    text: str,
    *,
    submitter_id: int | None,
    village_id: int | None,
    topic: str = "ha_tang",
    session_id: int | None = None,
    legal: bool = False,
    urgent: bool = False,
    on_behalf_name: str | None = None,
    on_behalf_person_id: int | None = None,
    show_name: bool = False,
) -> str:
    """One concern made as the intake makes it, put on ``session_id``'s agenda if given."""
    place = await demo(bot.runtime.db)
    async with bot.runtime.db.transaction() as session:
        concern = await create_concern(
            session,
            ConcernDraft(
                commune_id=place.commune.id,
                village_id=village_id,
                submitter_id=submitter_id,
                channel="telegram",
                text=text,
                topics=[(topic, 0.9, "model")],
                legal_complaint=legal,
                urgent=urgent,
                show_name=show_name,
                on_behalf_name=on_behalf_name,
            ),
            code_prefix=place.commune.code_prefix,
            now=bot.clock.now(),
        )
        concern.on_behalf_person_id = on_behalf_person_id
        if session_id is not None:
            concern.session_id = session_id
            concern.status = ConcernStatus.ON_AGENDA
        return concern.code


def concern_rows(
    n: int,
    *,
    commune_id: int,
    village_ids: Sequence[int],
    session_id: int | None,
    start: datetime,
    first_number: int = 1,
    seed: int = 11,
    urgent_every: int = 50,
    legal_every: int = 75,
) -> list[dict[str, Any]]:
    """``n`` concerns as insert parameters: about half repeat the ``ISSUES``, the rest vary.

    Every ``legal_every``-th is a complaint (never on an agenda), every ``urgent_every``-th
    urgent. Codes run from DT-26-``first_number``; times spread one minute apart from ``start``.
    """
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        village = village_ids[i % len(village_ids)]
        number = first_number + i
        if i % 2 == 0:
            topic, phrasings = ISSUES[(i // 2) % len(ISSUES)]
            text = rng.choice(phrasings).format(v=f"thôn số {village}")
        else:
            topic = "khac"
            text = f"{rng.choice(FILLER)} (ý kiến số {number}, {rng.randrange(10**6)})"
        legal = (i + 1) % legal_every == 0
        rows.append(
            {
                "code": f"DT-26-{number:04d}",
                "commune_id": commune_id,
                "village_id": village,
                "submitter_id": None,
                "channel": "telegram",
                "text": text,
                "status": ConcernStatus.CLASSIFIED if legal else ConcernStatus.ON_AGENDA,
                "primary_topic": topic,
                "legal_complaint": legal,
                "urgent": (i + 1) % urgent_every == 0,
                "abusive": False,
                "show_name": False,
                "session_id": None if legal else session_id,
                "created_at": start + timedelta(minutes=i),
                "updated_at": start + timedelta(minutes=i),
            }
        )
    return rows


async def bulk_insert(db: Database, rows: list[dict[str, Any]]) -> None:
    """Insert concern rows in one statement batch and move the code counter past them."""
    async with db.transaction() as session:
        await session.execute(insert(Concern), rows)
        highest = await session.scalar(select(func.count()).select_from(Concern))
        counter = await session.get(CodeCounter, ("DT", 2026))
        if counter is None:
            session.add(CodeCounter(prefix="DT", year=2026, last=highest or 0))
        else:
            await session.execute(
                update(CodeCounter)
                .where(CodeCounter.prefix == "DT", CodeCounter.year == 2026)
                .values(last=highest or 0)
            )


async def register_speaker(
    bot: BotUnderTest, session_id: int, person: int, position: int, code: str | None = None
) -> None:
    async with bot.runtime.db.transaction() as session:
        concern_id = (
            await session.scalar(select(Concern.id).where(Concern.code == code)) if code else None
        )
        session.add(
            SpeakerRegistration(
                session_id=session_id,
                person_id=person,
                concern_id=concern_id,
                position=position,
                created_at=bot.clock.now(),
            )
        )


async def outbox(bot: BotUnderTest, kind: str | None = None) -> list[Notification]:
    async with bot.runtime.db.reader() as session:
        stmt = select(Notification).order_by(Notification.id)
        if kind is not None:
            stmt = stmt.where(Notification.kind == kind)
        return list((await session.scalars(stmt)).all())


class _Sleep:
    """Waits in simulated time: the dispatcher's rate limits move the test clock."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock

    async def __call__(self, seconds: float) -> None:
        await asyncio.sleep(0)
        self.clock.advance(timedelta(seconds=max(seconds, 0.0)))


async def deliver_outbox(bot: BotUnderTest) -> int:
    """Send every due notification through the real dispatcher and Telegram sender."""
    dispatcher = OutboxDispatcher(
        bot.runtime.db,
        {"telegram": TelegramNotificationSender(bot.channel.app.bot)},
        bot.clock,
        worker_id="test",
        sleep=_Sleep(bot.clock),
    )
    sent = 0
    for _ in range(50):
        sent += await dispatcher.run_once()
        if dispatcher.last_claimed == 0:
            return sent
    raise AssertionError("the outbox did not drain")
