"""``ydan demo``: a demo commune with villages, an official, a village head and a session.

Loading is idempotent: running it again finds what is there and adds only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ChannelIdentity,
    Commune,
    Department,
    DialogueSession,
    Person,
    Role,
    SessionForm,
    SessionKind,
    Village,
)
from storage.repo.communes import add_commune, add_village, get_commune_by_slug
from storage.repo.people import create_person, grant_role

DEMO_SLUG = "bao-tan"
DEMO_VILLAGES = (
    "Thôn Bảo Tân",
    "Thôn Đồng Tâm",
    "Thôn Hòa Bình",
    "Thôn Tân Lập",
    "Xóm Cầu",
    "Ấp Phú Hòa",
)


@dataclass(frozen=True)
class DemoResult:
    commune: Commune
    created: bool


async def _demo_person(
    session: AsyncSession,
    external_id: str,
    name: str,
    commune: Commune,
    village: Village,
    now: datetime,
) -> Person:
    identity = await session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == "console", ChannelIdentity.external_id == external_id
        )
    )
    if identity is not None:
        person = await session.get(Person, identity.person_id)
        assert person is not None
        return person
    person, _ = await create_person(
        session,
        channel="console",
        external_id=external_id,
        chat_id=external_id,
        now=now,
        display_name=name,
    )
    person.commune_id = commune.id
    person.village_id = village.id
    person.privacy_accepted_at = now
    await grant_role(
        session, person_id=person.id, commune_id=commune.id, role=Role.CITIZEN, now=now
    )
    return person


async def load_demo(session: AsyncSession, now: datetime) -> DemoResult:
    commune = await get_commune_by_slug(session, DEMO_SLUG)
    created = commune is None
    if commune is None:
        commune = await add_commune(
            session,
            slug=DEMO_SLUG,
            name="Xã Bảo Tân",
            district="Huyện Minh Sơn",
            province="Tỉnh Lạng Sơn",
            now=now,
        )
    existing = {
        v.name
        for v in (
            await session.scalars(select(Village).where(Village.commune_id == commune.id))
        ).all()
    }
    for name in DEMO_VILLAGES:
        if name not in existing:
            await add_village(session, commune, name)
    villages = list(
        (
            await session.scalars(
                select(Village).where(Village.commune_id == commune.id).order_by(Village.id)
            )
        ).all()
    )
    official = await _demo_person(
        session, "demo-official", "Nguyễn Thị Lan (Văn phòng)", commune, villages[0], now
    )
    await grant_role(
        session,
        person_id=official.id,
        commune_id=commune.id,
        role=Role.OFFICIAL,
        department=Department.OFFICE,
        now=now,
    )
    await grant_role(
        session, person_id=official.id, commune_id=commune.id, role=Role.ADMIN, now=now
    )
    head = await _demo_person(
        session, "demo-head", "Trần Văn Hùng (Trưởng thôn)", commune, villages[0], now
    )
    await grant_role(
        session,
        person_id=head.id,
        commune_id=commune.id,
        role=Role.VILLAGE_HEAD,
        village_id=villages[0].id,
        now=now,
    )
    has_session = await session.scalar(
        select(DialogueSession.id).where(DialogueSession.commune_id == commune.id).limit(1)
    )
    if has_session is None:
        start = (now + timedelta(days=21)).replace(hour=1, minute=0, second=0, microsecond=0)
        demo_session = DialogueSession(
            commune_id=commune.id,
            title="Hội nghị đối thoại định kỳ Quý IV",
            kind=SessionKind.PERIODIC,
            form=SessionForm.IN_PERSON,
            host="Chủ tịch UBND xã",
            venue="Hội trường UBND xã Bảo Tân",
            starts_at=start,
            topics=[],
            created_at=now,
            updated_at=now,
        )
        demo_session.villages = villages
        session.add(demo_session)
    await session.flush()
    return DemoResult(commune, created)
