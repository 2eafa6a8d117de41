"""Building a commune with people, officials and concerns for the session tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.session_ops import SessionDraft, create_session
from storage.database import Database
from storage.models import (
    Commune,
    Concern,
    Department,
    DialogueSession,
    Notification,
    Person,
    Role,
    SessionForm,
    SessionKind,
)
from storage.repo.communes import add_commune, add_village
from storage.repo.concerns import ConcernDraft, create_concern
from storage.repo.people import create_person, grant_role

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
VILLAGES = ("Thôn Bảo Tân", "Thôn Hòa Bình", "Xóm Cầu")


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A Vietnam wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


@dataclass
class World:
    db: Database
    commune_id: int
    villages: list[int]
    people: dict[str, int] = field(default_factory=dict)

    async def commune(self) -> Commune:
        async with self.db.reader() as session:
            commune = await session.get(Commune, self.commune_id)
            assert commune is not None
            return commune

    async def person(
        self,
        name: str,
        *,
        village: int = 0,
        chat: str | None = None,
        locale: str = "vi",
        muted: bool = False,
        now: datetime,
    ) -> int:
        """A citizen who onboarded into ``villages[village]`` (chat id = a fresh number)."""
        chat_id = chat or str(9000 + len(self.people))
        async with self.db.transaction() as session:
            person, _ = await create_person(
                session,
                channel="telegram",
                external_id=chat_id,
                chat_id=chat_id,
                now=now,
                locale=locale,
                display_name=name,
            )
            person.commune_id = self.commune_id
            person.village_id = self.villages[village]
            person.privacy_accepted_at = now
            person.muted = muted
            await grant_role(
                session,
                person_id=person.id,
                commune_id=self.commune_id,
                role=Role.CITIZEN,
                now=now,
            )
            self.people[name] = person.id
            return person.id

    async def official(self, name: str, department: Department, *, now: datetime) -> int:
        person_id = await self.person(name, now=now)
        async with self.db.transaction() as session:
            await grant_role(
                session,
                person_id=person_id,
                commune_id=self.commune_id,
                role=Role.OFFICIAL,
                department=department,
                now=now,
            )
        return person_id

    async def head(self, name: str, village: int, *, now: datetime) -> int:
        person_id = await self.person(name, village=village, now=now)
        async with self.db.transaction() as session:
            await grant_role(
                session,
                person_id=person_id,
                commune_id=self.commune_id,
                role=Role.VILLAGE_HEAD,
                village_id=self.villages[village],
                now=now,
            )
        return person_id

    async def concern(
        self, person_id: int, village: int, *, now: datetime, legal: bool = False
    ) -> str:
        async with self.db.transaction() as session:
            concern = await create_concern(
                session,
                ConcernDraft(
                    commune_id=self.commune_id,
                    village_id=self.villages[village],
                    submitter_id=person_id,
                    channel="telegram",
                    text=f"Đường thôn hỏng nặng ({person_id})",
                    topics=[("ha_tang", 0.9, "model")],
                    legal_complaint=legal,
                ),
                code_prefix="DT",
                now=now,
            )
            return concern.code

    async def session(
        self,
        starts_at: datetime,
        *,
        now: datetime,
        villages: list[int] | None = None,
        kind: SessionKind = SessionKind.PERIODIC,
        title: str = "Hội nghị đối thoại Quý II",
    ) -> int:
        commune = await self.commune()
        async with self.db.transaction() as session:
            created = await create_session(
                session,
                commune,
                SessionDraft(
                    title=title,
                    kind=kind,
                    form=SessionForm.IN_PERSON,
                    host="Chủ tịch UBND xã",
                    starts_at=starts_at,
                    village_ids=[self.villages[i] for i in (villages or [0, 1, 2])],
                    venue="Hội trường UBND xã",
                ),
                now=now,
                tz=TZ,
                actor_id=None,
            )
            assert isinstance(created, DialogueSession), created
            return created.id


async def make_world(
    db: Database, now: datetime, settings: dict[str, object] | None = None
) -> World:
    async with db.transaction() as session:
        commune = await add_commune(session, slug="bao-tan", name="Xã Bảo Tân", now=now)
        commune.settings = dict(settings or {})
        ids = [(await add_village(session, commune, name)).id for name in VILLAGES]
        return World(db, commune.id, ids)


async def outbox(db: Database, prefix: str = "") -> list[Notification]:
    async with db.reader() as session:
        rows = await session.scalars(
            select(Notification)
            .where(Notification.idempotency_key.startswith(prefix))
            .order_by(Notification.id)
        )
        return list(rows.all())


async def recipients(db: Database, prefix: str) -> set[int]:
    return {n.person_id for n in await outbox(db, prefix) if n.person_id is not None}


async def concern_row(db: Database, code: str) -> Concern:
    async with db.reader() as session:
        concern = await session.scalar(select(Concern).where(Concern.code == code))
        assert concern is not None
        return concern


async def person_row(db: Database, person_id: int) -> Person:
    async with db.reader() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        return person
