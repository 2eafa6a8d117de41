"""Starting the engine process, and the engine process itself (``python -m bot.engine_process``).

The serving process creates a socket pair, starts this module with one end and sends the
settings as the first frame, so both processes run on the same validated settings. The engine
process opens the runtime (database, migrations, tagger), loads the demo commune on a first run,
starts the scheduler, says it is ready and answers events until the serving process closes the
link; then it finishes the requests in hand and stops. It ignores SIGINT and SIGTERM, which a
terminal or a service manager sends to both processes at once: the serving process decides when
the engine stops. On Linux it is killed with its parent, so a hard kill of ``ydan serve`` leaves
nothing behind.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import ConfigError, Settings, configure_logging
from bot.core import load_demo_on_first_run, running_scheduler
from bot.engine_link import EngineProcessLost, RemoteEngine, read_frame, serve_engine, write_frame
from bot.runtime import open_runtime

READY_TIMEOUT = 300.0  # migrations on a large PostgreSQL database can take minutes
STOP_TIMEOUT = 60.0
_PR_SET_PDEATHSIG = 1


class EngineProcessFailed(RuntimeError):
    """The engine process stopped before it was ready; it reported why on stderr."""

    def __init__(self, exit_code: int | None) -> None:
        super().__init__(f"the engine process stopped before it was ready (exit {exit_code})")
        self.exit_code = exit_code


@asynccontextmanager
async def engine_process(settings: Settings) -> AsyncIterator[RemoteEngine]:
    """Start the engine process; yield the link once it is ready; stop it on exit."""
    ours, theirs = socket.socketpair()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.engine_process",
            str(theirs.fileno()),
            str(os.getpid()),
            pass_fds=(theirs.fileno(),),
            stdin=asyncio.subprocess.DEVNULL,
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    reader, writer = await asyncio.open_connection(sock=ours)
    remote = RemoteEngine(reader, writer)
    try:
        write_frame(writer, settings)
        await writer.drain()
        await asyncio.wait_for(remote.wait_ready(), READY_TIMEOUT)
    except (EngineProcessLost, ConnectionError, TimeoutError):
        await _stop(remote, process, grace=5.0)
        raise EngineProcessFailed(process.returncode) from None
    except BaseException:
        await _stop(remote, process, grace=5.0)
        raise
    try:
        yield remote
    finally:
        await _stop(remote, process, grace=STOP_TIMEOUT)


async def _stop(remote: RemoteEngine, process: asyncio.subprocess.Process, grace: float) -> None:
    await remote.close()
    try:
        await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        process.kill()
        await process.wait()


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        raise SystemExit(1)


async def _run(fd: int) -> int:
    reader, writer = await asyncio.open_connection(sock=socket.socket(fileno=fd))
    settings: Settings = await read_frame(reader)
    configure_logging(settings)
    try:
        async with open_runtime(settings) as runtime:
            await load_demo_on_first_run(runtime)
            async with running_scheduler(settings, runtime):
                await serve_engine(runtime.engine, reader, writer)
    except ConfigError as exc:
        print(f"ydan: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str]) -> int:
    fd, parent_pid = (int(value) for value in argv)
    _die_with_parent(parent_pid)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    # python-telegram-bot 22 warns on every 429 unless opted in to timedelta retry_after values.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    return asyncio.run(_run(fd))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
