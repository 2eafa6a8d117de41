"""The link to the engine process: concurrent requests, readiness, and every way it can break."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot import engine_link
from bot.engine_link import EngineProcessLost, RemoteEngine, serve_engine
from handlers.events import ChatRef, InboundEvent, Outcome, OutText, Sender, Text


def _event(chat: str, text: str) -> InboundEvent:
    return InboundEvent(
        chat=ChatRef("telegram", chat, private=True),
        sender=Sender(chat, "Lan", "vi"),
        payload=Text(text),
        update_id=f"{chat}-{text}",
    )


class GatedEngine:
    """Answers each event with its own text, once the test opens that event's gate."""

    def __init__(self) -> None:
        self.gates: dict[str, asyncio.Event] = {}
        self.arrived: asyncio.Queue[str] = asyncio.Queue()

    def gate(self, text: str) -> asyncio.Event:
        return self.gates.setdefault(text, asyncio.Event())

    async def handle(self, event: InboundEvent) -> Outcome:
        assert isinstance(event.payload, Text)
        text = event.payload.text
        await self.arrived.put(text)
        await self.gate(text).wait()
        return Outcome([OutText(f"đã nhận: {text}")])


async def _streams(sock: socket.socket) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(sock=sock)


@asynccontextmanager
async def linked(engine: GatedEngine) -> AsyncIterator[tuple[RemoteEngine, asyncio.Task[None]]]:
    ours, theirs = socket.socketpair()
    server = asyncio.create_task(serve_engine(engine, *await _streams(theirs)))
    remote = RemoteEngine(*await _streams(ours))
    await asyncio.wait_for(remote.wait_ready(), 5)
    try:
        yield remote, server
    finally:
        await remote.close()
        await asyncio.wait_for(server, 5)


async def test_requests_run_together_and_each_gets_its_own_answer() -> None:
    engine = GatedEngine()
    async with linked(engine) as (remote, _server):
        first = asyncio.create_task(remote.handle(_event("1", "đường hỏng")))
        second = asyncio.create_task(remote.handle(_event("2", "đèn tắt")))
        # Both reached the engine before either was answered.
        assert {await engine.arrived.get(), await engine.arrived.get()} == {"đường hỏng", "đèn tắt"}
        engine.gate("đèn tắt").set()
        answered = await asyncio.wait_for(second, 5)
        assert not first.done()
        engine.gate("đường hỏng").set()
        assert (await asyncio.wait_for(first, 5)).replies == [OutText("đã nhận: đường hỏng")]
        assert answered.replies == [OutText("đã nhận: đèn tắt")]


async def test_closing_the_link_lets_the_engine_finish_what_it_has() -> None:
    engine = GatedEngine()
    ours, theirs = socket.socketpair()
    server = asyncio.create_task(serve_engine(engine, *await _streams(theirs)))
    remote = RemoteEngine(*await _streams(ours))
    await remote.wait_ready()
    pending = asyncio.create_task(remote.handle(_event("1", "cống tắc")))
    assert await engine.arrived.get() == "cống tắc"
    await remote.close()
    # The request reached the engine: it completes there although nobody reads the answer.
    engine.gate("cống tắc").set()
    await asyncio.wait_for(server, 5)
    with pytest.raises(EngineProcessLost):
        await pending


async def test_a_vanished_engine_fails_every_waiting_request_and_says_so() -> None:
    ours, theirs = socket.socketpair()
    remote = RemoteEngine(*await _streams(ours))
    reader, writer = await _streams(theirs)
    engine_link.write_frame(writer, engine_link.READY)
    await writer.drain()
    await remote.wait_ready()
    waiting = asyncio.create_task(remote.handle(_event("1", "xin hỏi")))
    await reader.readexactly(4)  # the request arrived; the engine dies before answering
    writer.close()
    with pytest.raises(EngineProcessLost):
        await asyncio.wait_for(waiting, 5)
    assert remote.lost.is_set()
    with pytest.raises(EngineProcessLost, match="gone"):
        await remote.handle(_event("2", "còn ai không"))
    await remote.close()


async def test_an_engine_that_dies_before_ready_is_reported_as_lost() -> None:
    ours, theirs = socket.socketpair()
    remote = RemoteEngine(*await _streams(ours))
    theirs.close()
    with pytest.raises(EngineProcessLost):
        await asyncio.wait_for(remote.wait_ready(), 5)
    await remote.close()


async def test_an_unreadable_frame_ends_the_link(caplog: pytest.LogCaptureFixture) -> None:
    ours, theirs = socket.socketpair()
    remote = RemoteEngine(*await _streams(ours))
    _reader, writer = await _streams(theirs)
    writer.write(b"\x00\x00\x00\x05junk!")
    await writer.drain()
    with pytest.raises(EngineProcessLost, match="unreadable"):
        await asyncio.wait_for(remote.wait_ready(), 5)
    assert "unreadable frame" in caplog.text
    writer.close()
    await remote.close()


async def test_frames_over_the_limit_are_refused_on_both_sides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine_link, "MAX_FRAME", 64)
    ours, theirs = socket.socketpair()
    reader, writer = await _streams(ours)
    with pytest.raises(ValueError, match="over the 64-byte limit"):
        engine_link.write_frame(writer, "x" * 100)
    _peer_reader, peer = await _streams(theirs)
    peer.write((1000).to_bytes(4, "big"))
    await peer.drain()
    with pytest.raises(ValueError, match="over the 64-byte limit"):
        await engine_link.read_frame(reader)
    writer.close()
    peer.close()
