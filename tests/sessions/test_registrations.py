"""The speaking order: registration, cancellation, the list officials and reports read."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import ManualClock
from storage.models import Person
from storage.repo.concerns import get_by_code
from storage.repo.people import erase_person
from storage.repo.registrations import (
    active_registration,
    cancel,
    place_of,
    register,
    speaker_ids,
    speakers,
    upcoming_of_person,
)
from tests.sessions.support import World, local


async def test_order_cancellation_and_the_officials_list(world: World, clock: ManualClock) -> None:
    now = clock.now()
    lan = await world.person("Lan", village=0, now=now)
    hoa = await world.person("Hoa", village=1, now=now)
    minh = await world.person("Minh", village=2, now=now)
    code = await world.concern(hoa, 1, now=now)
    session_id = await world.session(local(2026, 3, 20), now=now)
    async with world.db.transaction() as session:
        first = await register(
            session, session_id=session_id, person_id=lan, concern_id=None, now=now
        )
        concern_id = await concern_id_of(session, code)
        second = await register(
            session, session_id=session_id, person_id=hoa, concern_id=concern_id, now=now
        )
        third = await register(
            session, session_id=session_id, person_id=minh, concern_id=None, now=now
        )
        again = await register(
            session, session_id=session_id, person_id=lan, concern_id=None, now=now
        )
        assert again.id == first.id
        assert [await place_of(session, r) for r in (first, second, third)] == [1, 2, 3]
        assert await speakers(session, session_id) == [
            (1, "Lan", None),
            (2, "Hoa", code),
            (3, "Minh", None),
        ]
        cancel(first, now + timedelta(hours=1))
        await session.flush()
        assert await place_of(session, third) == 2
        assert await speakers(session, session_id) == [(1, "Hoa", code), (2, "Minh", None)]
        assert await speaker_ids(session, session_id) == {hoa: 1, minh: 2}
        assert await active_registration(session, session_id, lan) is None
        again = await register(
            session, session_id=session_id, person_id=lan, concern_id=None, now=now
        )
        assert again.position == 4 and await place_of(session, again) == 3
        person = await session.get(Person, minh)
        assert person is not None
        await erase_person(session, person, now)
        assert [name for _, name, _ in await speakers(session, session_id)] == ["Hoa", "Lan"]
        mine = await upcoming_of_person(session, hoa, now)
        assert [(r.id, d.id) for r, d in mine] == [(second.id, session_id)]
        assert await upcoming_of_person(session, hoa, local(2026, 3, 21)) == []


async def concern_id_of(session: AsyncSession, code: str) -> int:
    concern = await get_by_code(session, code)
    assert concern is not None
    return concern.id
