"""Repositories on SQLite and PostgreSQL: codes, identities, invites, erasure, village matching."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.models import (
    ChannelIdentity,
    Concern,
    ConcernStatus,
    DialogueSession,
    Role,
    SessionForm,
    SessionKind,
)
from storage.repo.communes import add_commune, add_village, match_names, villages_of
from storage.repo.concerns import (
    ConcernDraft,
    create_concern,
    get_by_code,
    list_by_submitter,
    parse_code,
)
from storage.repo.invites import InviteProblem, Redeemed, create_invite, redeem
from storage.repo.people import active_memberships, create_person, erase_person, find_identity
from storage.repo.sessions import upcoming_for_village

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


async def _commune(db: Database) -> tuple[int, list[int]]:
    async with db.transaction() as session:
        commune = await add_commune(session, slug="bao-tan", name="Xã Bảo Tân", now=NOW)
        ids = [
            (await add_village(session, commune, n)).id for n in ("Thôn Bảo Tân", "Thôn Hòa Bình")
        ]
        return commune.id, ids


def _draft(
    commune_id: int, village_id: int, person_id: int | None, text: str = "Đường hỏng"
) -> ConcernDraft:
    return ConcernDraft(
        commune_id=commune_id,
        village_id=village_id,
        submitter_id=person_id,
        channel="telegram",
        text=text,
        topics=[("ha_tang", 0.9, "model"), ("moi_truong", 0.4, "model")],
    )


def test_village_names_match_without_diacritics_and_with_typos() -> None:
    names = ["Thôn Bảo Tân", "Thôn Hòa Bình", "Xóm Cầu", "Ấp Phú Hòa"]
    assert match_names("bao tan", names) == [0]
    assert match_names("hoa binh", names) == [1]
    assert match_names("thon hoà bình", names) == [1]
    assert match_names("bao taan", names) == [0]
    assert match_names("xom cau", names) == [2]
    assert match_names("hà nội", names) == []


def test_typed_codes_are_read_in_any_spacing() -> None:
    assert parse_code("dt 26 42") == "DT-26-0042"
    assert parse_code("DT-26-0042") == "DT-26-0042"
    assert parse_code("dt260042") == "DT-26-0042"


async def test_tracking_codes_are_unique_under_concurrency(database: Database) -> None:
    commune_id, villages = await _commune(database)

    async def submit(i: int) -> str:
        async with database.transaction() as session:
            concern = await create_concern(
                session,
                _draft(commune_id, villages[0], None, f"ý kiến {i}"),
                code_prefix="DT",
                now=NOW,
            )
            return concern.code

    codes = await asyncio.gather(*(submit(i) for i in range(20)))
    assert sorted(codes) == [f"DT-26-{n:04d}" for n in range(1, 21)]
    async with database.reader() as session:
        concern = await get_by_code(session, "dt 26 3")
        assert concern is not None and concern.status is ConcernStatus.CLASSIFIED
        assert [e.status for e in concern.events] == [
            ConcernStatus.RECEIVED,
            ConcernStatus.CLASSIFIED,
        ]
        assert [t.topic for t in concern.topics] == ["ha_tang", "moi_truong"]


async def test_one_identity_per_channel_account(database: Database) -> None:
    async with database.transaction() as session:
        await create_person(session, channel="telegram", external_id="42", chat_id="42", now=NOW)
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await create_person(
                session, channel="telegram", external_id="42", chat_id="42", now=NOW
            )
    async with database.reader() as session:
        assert await find_identity(session, "telegram", "42") is not None
        assert await find_identity(session, "zalo", "42") is None


async def test_invites_are_used_once_and_expire(database: Database) -> None:
    commune_id, villages = await _commune(database)
    async with database.transaction() as session:
        person, _ = await create_person(
            session, channel="telegram", external_id="7", chat_id="7", now=NOW
        )
        head_invite = await create_invite(
            session, commune_id=commune_id, role=Role.VILLAGE_HEAD, village_id=villages[1], now=NOW
        )
        old_invite = await create_invite(
            session,
            commune_id=commune_id,
            role=Role.VILLAGE_HEAD,
            village_id=villages[1],
            now=NOW - timedelta(days=30),
        )
        code, old_code, person_id = head_invite.code, old_invite.code, person.id
    async with database.transaction() as session:
        result = await redeem(session, code.lower(), person_id, NOW)
        assert isinstance(result, Redeemed) and result.membership.village_id == villages[1]
    async with database.transaction() as session:
        assert await redeem(session, code, person_id, NOW) is InviteProblem.USED
        assert await redeem(session, old_code, person_id, NOW) is InviteProblem.EXPIRED
        assert await redeem(session, "NOPE", person_id, NOW) is InviteProblem.UNKNOWN
        roles = [m.role for m in await active_memberships(session, person_id)]
        assert roles == [Role.VILLAGE_HEAD]


async def test_erasure_keeps_concerns_without_the_person(database: Database) -> None:
    commune_id, villages = await _commune(database)
    async with database.transaction() as session:
        person, _ = await create_person(
            session, channel="telegram", external_id="9", chat_id="9", now=NOW, display_name="Lan"
        )
        person.phone = "0912345678"
        await create_concern(
            session, _draft(commune_id, villages[0], person.id), code_prefix="DT", now=NOW
        )
        person_id = person.id
    async with database.transaction() as session:
        from storage.models import Person

        person = await session.get(Person, person_id)
        assert person is not None
        await erase_person(session, person, NOW)
    async with database.reader() as session:
        assert await session.scalar(select(func.count()).select_from(ChannelIdentity)) == 0
        concern = await session.scalar(select(Concern))
        assert concern is not None and concern.submitter_id is None and concern.text == "Đường hỏng"
        assert await list_by_submitter(session, person_id) == []
        erased = await session.get(Person, person_id)
        assert erased is not None and erased.phone is None and erased.display_name is None


async def test_upcoming_sessions_cover_only_their_villages(database: Database) -> None:
    commune_id, villages = await _commune(database)
    async with database.transaction() as session:
        from storage.models import Village

        only_second = DialogueSession(
            commune_id=commune_id,
            title="Chuyên đề",
            kind=SessionKind.THEMATIC,
            form=SessionForm.IN_PERSON,
            host="Chủ tịch",
            starts_at=NOW + timedelta(days=20),
            topics=[],
            created_at=NOW,
            updated_at=NOW,
        )
        only_second.villages = [await session.get_one(Village, villages[1])]
        past = DialogueSession(
            commune_id=commune_id,
            title="Đã qua",
            kind=SessionKind.PERIODIC,
            form=SessionForm.IN_PERSON,
            host="Chủ tịch",
            starts_at=NOW - timedelta(days=1),
            topics=[],
            created_at=NOW,
            updated_at=NOW,
        )
        session.add_all([only_second, past])
    async with database.reader() as session:
        assert await upcoming_for_village(session, villages[0], commune_id, NOW) == []
        found = await upcoming_for_village(session, villages[1], commune_id, NOW)
        assert [s.title for s in found] == ["Chuyên đề"]
        assert len(await villages_of(session, commune_id)) == 2
