"""The public results page through the web app, and /thongke in the chat."""

from __future__ import annotations

import io
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.config import Settings
from bot.web import init_app
from nlp.tagger import Tagger
from storage.clock import ManualClock
from storage.models import Department, Role
from storage.repo import assignments as repo
from storage.repo.concerns import get_by_code
from tests.e2e.harness import BotUnderTest, uploaded
from tests.officials.seed import add_concern, demo, grant, person_id


async def _answered(bot: BotUnderTest) -> dict[str, str]:
    place = await demo(bot.runtime.db)
    lan = bot.person(6001, "Nguyễn Thị Lan")
    await lan.onboard()
    lan_id = await person_id(bot.runtime.db, 6001)
    codes = {
        "named": await add_concern(
            bot,
            "Đèn đường ngã ba chợ hỏng, gọi 0912 345 678",
            submitter_id=lan_id,
            village_id=place.villages[0].id,
            show_name=True,
        ),
        "anonymous": await add_concern(
            bot,
            "Cống thoát nước bị tắc",
            submitter_id=lan_id,
            village_id=place.villages[1].id,
            topic="moi_truong",
        ),
        "abusive": await add_concern(
            bot,
            "Lời lẽ xúc phạm cán bộ",
            submitter_id=lan_id,
            village_id=place.villages[1].id,
        ),
        "open": await add_concern(
            bot, "Chưa trả lời", submitter_id=lan_id, village_id=place.villages[1].id
        ),
    }
    async with bot.runtime.db.transaction() as session:
        for key in ("named", "anonymous", "abusive"):
            concern = await get_by_code(session, codes[key])
            assert concern is not None
            concern.abusive = key == "abusive"
            await repo.record_answer(
                session,
                concern,
                kind=repo.WRITTEN,
                text=f"Trả lời cho {key}",
                author_id=None,
                now=bot.clock.now(),
            )
    return codes


async def test_the_public_page_lists_answers_without_personal_data(
    bot: BotUnderTest, tagger: Tagger, clock: ManualClock
) -> None:
    codes = await _answered(bot)
    settings = Settings(database_url=bot.runtime.settings.database_url)
    app = init_app(settings, tagger=tagger, clock=clock, migrate=False)
    async with TestClient(TestServer(app)) as client:
        page = await client.get("/congkhai/bao-tan")
        assert page.status == 200
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        html = await page.text()
        english = await (await client.get("/congkhai/bao-tan?lang=en")).text()
        missing = await client.get("/congkhai/khong-co")
        bad = await client.get("/congkhai/..%2Fetc")
    assert codes["named"] in html and codes["anonymous"] in html
    assert "Trả lời cho named" in html and "Trả lời cho anonymous" in html
    assert codes["abusive"] not in html and "xúc phạm" not in html
    assert codes["open"] not in html
    assert html.count("Nguyễn Thị Lan") == 1  # named once, where she agreed to it
    assert "0912 345 678" not in html
    assert 'lang="en"' in english
    assert missing.status == 404 and bad.status == 404


async def test_statistics_in_the_chat_with_a_workbook(bot: BotUnderTest) -> None:
    await _answered(bot)
    clerk = bot.person(6002, "Lan (VP)")
    await clerk.onboard()
    await grant(bot, 6002, Role.OFFICIAL, department=Department.OFFICE)
    replies = await clerk.command("thongke")
    text = "\n".join(clerk.texts(replies))
    assert "THỐNG KÊ" in text and "Tổng số: 4 ý kiến" in text
    assert "Thôn Đồng Tâm: 3" in text
    [document] = [m for m in replies if "document" in m]
    workbook = load_workbook(io.BytesIO(uploaded(bot.fake, document)))
    summary = workbook[workbook.sheetnames[0]]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    assert 4 in values.values()
    bot.clock.advance(timedelta(seconds=30))
    period = await clerk.command("thongke", "1/1/2026 31/1/2026")
    assert "Tổng số: 0 ý kiến" in clerk.texts(period)[0]
    wrong = await clerk.command("thongke", "tháng này")
    assert "/thongke" in clerk.texts(wrong)[-1]
