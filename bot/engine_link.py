"""The engine in a process of its own, reached over a private socket pair.

One Python process uses one core. In one process, python-telegram-bot's update parsing and
the HTTP calls shared that core with the engine's database work while a second core stayed
mostly idle. With ``YDAN_ENGINE_PROCESS`` on, ``ydan serve`` keeps Telegram and the web server and
starts ``python -m bot.engine_process``, which owns the database's writes, the tagger and the
scheduler. The channel sends each ``InboundEvent`` over the pair and awaits its ``Outcome``;
requests of different chats are in flight together, and the channel still waits for one
update's outcome before it hands over the next update of the same chat.

Frames are a 4-byte length and a pickle. Both ends are the same installed program, and the pair
is created by the parent and inherited by its child only: there is no address anyone else could
connect to. The first frame from the engine process says it is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import pickle
import struct
from typing import Any

from handlers.events import EventHandler, InboundEvent, Outcome

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!I")
# An outcome may carry a document (a report for officials): a few MB at most.
MAX_FRAME = 64 * 1024 * 1024
READY = "ready"


class EngineProcessLost(RuntimeError):
    """The engine process closed its end: it stopped or crashed."""


def write_frame(writer: asyncio.StreamWriter, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) > MAX_FRAME:
        raise ValueError(f"frame of {len(data)} bytes is over the {MAX_FRAME}-byte limit")
    writer.write(_HEADER.pack(len(data)) + data)


async def read_frame(reader: asyncio.StreamReader) -> Any:
    """The next message, or raise ``asyncio.IncompleteReadError`` at the end of the stream."""
    (size,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
    if size > MAX_FRAME:
        raise ValueError(f"frame of {size} bytes is over the {MAX_FRAME}-byte limit")
    return pickle.loads(await reader.readexactly(size))


class RemoteEngine:
    """The channel's side: ``handle`` as on ``Engine``, answered by the engine process."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Outcome]] = {}
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._listener = asyncio.create_task(self._listen(), name="engine-link")
        self.lost = asyncio.Event()

    async def wait_ready(self) -> None:
        await asyncio.shield(self._ready)

    async def handle(self, event: InboundEvent) -> Outcome:
        if self.lost.is_set():
            raise EngineProcessLost("the engine process is gone")
        request_id = next(self._ids)
        answer = self._pending[request_id] = asyncio.get_running_loop().create_future()
        try:
            write_frame(self._writer, (request_id, event))
            await self._writer.drain()
            outcome: Outcome = await answer
            return outcome
        finally:
            self._pending.pop(request_id, None)

    async def _listen(self) -> None:
        reason = "closed its end"
        try:
            while True:
                message = await read_frame(self._reader)
                if message == READY:
                    self._ready.set_result(None)
                    continue
                request_id, outcome = message
                waiting = self._pending.get(request_id)
                if waiting is not None and not waiting.done():
                    waiting.set_result(outcome)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            reason = type(exc).__name__
        except (ValueError, pickle.UnpicklingError) as exc:
            reason = f"sent an unreadable frame ({exc})"
            log.error("engine process %s", reason)
        finally:
            self._fail_all(EngineProcessLost(f"the engine process {reason}"))

    def _fail_all(self, error: EngineProcessLost) -> None:
        self.lost.set()
        if not self._ready.done():
            self._ready.set_exception(error)
            self._ready.exception()  # retrieved here: nobody may be waiting for it
        for waiting in self._pending.values():
            if not waiting.done():
                waiting.set_exception(error)

    async def close(self) -> None:
        """Close our end; the engine process finishes what it has and stops."""
        self._writer.close()
        # The other side may already be gone: then there is nothing left to flush.
        with contextlib.suppress(ConnectionError):
            await self._writer.wait_closed()
        await self._listener


async def serve_engine(
    engine: EventHandler, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """The engine process's side: answer every request until the channel closes its end."""
    in_flight: set[asyncio.Task[None]] = set()

    async def answer(request_id: int, event: InboundEvent) -> None:
        outcome = await engine.handle(event)  # never raises: failures become a polite reply
        if writer.is_closing():
            return
        try:
            write_frame(writer, (request_id, outcome))
            await writer.drain()
        except ConnectionError:
            # The serving process is gone; the update is committed and its replies unsent,
            # exactly as when one process stops between the commit and the send.
            log.warning("the serving process left before update %s was answered", event.update_id)

    write_frame(writer, READY)
    await writer.drain()
    try:
        while True:
            request_id, event = await read_frame(reader)
            task = asyncio.create_task(answer(request_id, event))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
    except (asyncio.IncompleteReadError, ConnectionError):
        log.info("the serving process closed the link; finishing %d requests", len(in_flight))
    if in_flight:
        await asyncio.gather(*in_flight, return_exceptions=True)
    writer.close()
