"""Roles through the chat: invites (/moi, /start CODE), removal (/thuhoi), and refusals."""

from __future__ import annotations

import re

from sqlalchemy import delete, select

from storage.models import AuditEvent, Department, Membership, Role
from storage.repo.communes import add_commune, add_village
from storage.repo.invites import create_invite
from storage.repo.people import grant_role
from tests.e2e.harness import BotUnderTest
from tests.officials.seed import add_concern, demo, grant, outbox, person_id

LINK = re.compile(r"https://t\.me/(\w+)\?start=([A-Z0-9]+)")


async def _audit_actions(bot: BotUnderTest) -> list[str]:
    async with bot.runtime.db.reader() as session:
        return list(
            (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
        )


async def test_invites_make_an_admin_then_an_official_who_can_be_removed(bot: BotUnderTest) -> None:
    place = await demo(bot.runtime.db)
    async with bot.runtime.db.transaction() as session:
        first = await create_invite(
            session, commune_id=place.commune.id, role=Role.ADMIN, now=bot.clock.now()
        )
    ha = bot.person(2001, "Hà")
    await ha.command("start", first.code)
    await ha.send("Bảo Tân")
    joined = await ha.press("đồng ý")
    assert any("quản trị viên" in text for text in ha.texts(joined))

    await ha.command("moi")
    await ha.press("Cán bộ")
    made = await ha.press("Địa chính")
    reply = ha.texts(made)[-1]
    found = LINK.search(reply)
    assert found is not None, reply
    assert found[1] == bot.fake.username
    code = found[2]
    assert "Địa chính – Xây dựng" in reply and f"/start {code}" in reply

    nam = bot.person(2002, "Nam")
    await nam.command("start", code)
    await nam.send("Đồng Tâm")
    welcomed = await nam.press("đồng ý")
    assert any("cán bộ (Địa chính – Xây dựng)" in t for t in nam.texts(welcomed))
    nam_id = await person_id(bot.runtime.db, 2002)
    async with bot.runtime.db.reader() as session:
        membership = await session.scalar(
            select(Membership).where(
                Membership.person_id == nam_id, Membership.role == Role.OFFICIAL
            )
        )
        assert membership is not None and membership.department is Department.LAND
    # The same code cannot be used twice.
    again = bot.person(2003, "Ánh")
    await again.command("start", code)
    await again.send("Bảo Tân")
    refused = await again.press("đồng ý")
    assert any("đã được dùng" in t for t in again.texts(refused))

    await ha.command("thuhoi")
    await ha.press("Nam — Cán bộ")
    done = await ha.press("Thu hồi")
    assert "Đã thu hồi" in ha.texts(done)[-1]
    async with bot.runtime.db.reader() as session:
        revoked = await session.get(Membership, membership.id)
        assert revoked is not None and revoked.revoked_at == bot.clock.now()
    assert [n.kind for n in await outbox(bot, "role_revoked")] == ["role_revoked"]
    after = await nam.command("tonghop")
    assert "chỉ dành cho cán bộ" in nam.texts(after)[-1]
    actions = await _audit_actions(bot)
    assert actions.count("invite.redeemed") == 2
    assert "invite.created" in actions and "member.revoked" in actions


async def test_a_village_head_invite_names_the_village(bot: BotUnderTest) -> None:
    admin = bot.person(2011, "Hà")
    await admin.onboard()
    await grant(bot, 2011, Role.ADMIN)
    await admin.command("moi")
    await admin.press("Trưởng thôn")
    made = await admin.press("Thôn Hòa Bình")
    code = LINK.search(admin.texts(made)[-1])
    assert code is not None
    head = bot.person(2012, "Bình")
    await head.command("start", code[2])
    await head.send("Hòa Bình")
    welcomed = await head.press("đồng ý")
    assert any("trưởng thôn Thôn Hòa Bình" in t for t in head.texts(welcomed))


async def test_only_admins_invite_and_remove(bot: BotUnderTest) -> None:
    clerk = bot.person(2021, "Lan")
    await clerk.onboard()
    await grant(bot, 2021, Role.OFFICIAL, department=Department.OFFICE)
    for command in ("moi", "thuhoi"):
        refused = await clerk.command(command)
        assert "chỉ dành cho quản trị viên" in clerk.texts(refused)[-1]


async def test_a_citizen_is_refused_every_official_command(bot: BotUnderTest) -> None:
    citizen = bot.person(2031, "Minh")
    await citizen.onboard()
    before = await _audit_actions(bot)
    for command, args in (
        ("tonghop", ""),
        ("triage", ""),
        ("thongke", ""),
        ("ketqua", "DT-26-0001"),
        ("traloi", "DT-26-0001"),
        ("ketluan", "1"),
        ("moi", ""),
        ("thuhoi", ""),
    ):
        refused = await citizen.command(command, args)
        text = citizen.texts(refused)[-1]
        assert "chỉ dành cho" in text, (command, text)
    assert await _audit_actions(bot) == before


async def test_officials_see_only_their_commune_and_citizens_only_their_own(
    bot: BotUnderTest,
) -> None:
    place = await demo(bot.runtime.db)
    lan = bot.person(2041, "Lan")
    await lan.onboard("Bảo Tân")
    code = await add_concern(
        bot,
        "Đường vào xóm bị sụt lún",
        submitter_id=await person_id(bot.runtime.db, 2041),
        village_id=place.villages[0].id,
        session_id=place.session.id,
    )
    neighbour = bot.person(2043, "Tú")
    await neighbour.onboard("Đồng Tâm")
    outsider = bot.person(2042, "Khánh")
    await outsider.onboard("Bảo Tân")
    async with bot.runtime.db.transaction() as session:
        other = await add_commune(session, slug="tan-lap", name="Xã Tân Lập", now=bot.clock.now())
        await add_village(session, other, "Thôn Một")
        other_id = other.id
    outsider_id = await person_id(bot.runtime.db, 2042)
    async with bot.runtime.db.transaction() as session:
        await session.execute(delete(Membership).where(Membership.person_id == outsider_id))
        await grant_role(
            session,
            person_id=outsider_id,
            commune_id=other_id,
            role=Role.OFFICIAL,
            department=Department.OFFICE,
            now=bot.clock.now(),
        )
    hidden = await outsider.command("ketqua", code)
    assert "Không tìm thấy" in outsider.texts(hidden)[-1]
    session_of_other = await outsider.command("tonghop", str(place.session.id))
    assert "Không tìm thấy hội nghị" in outsider.texts(session_of_other)[-1]
    answer = await outsider.command("traloi", code)
    assert "Không tìm thấy" in outsider.texts(answer)[-1]
    # A citizen of another village cannot look at Lan's concern either.
    looked = await neighbour.command("tracuu", code)
    assert "Không tìm thấy" in neighbour.texts(looked)[-1]
