"""FakeBotApi: an aiohttp server on 127.0.0.1 that speaks the Telegram Bot API.

Point PTB at it with ``.base_url(fake.base_url).base_file_url(fake.base_file_url)``. Every
call is logged (``all_requests``), answered the way Telegram answers it, and announced to
waiters (``wait_for``). Faults can be scripted per method or chat, and flood limits enforced.
"""

# Waits take an explicit timeout on purpose: it is the test's safety net and shows up in the
# failure message, which a caller-side asyncio.timeout would not give.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

import aiohttp
from aiohttp import web

from tests.fakebot import factories
from tests.fakebot import media as _media  # noqa: F401  (registers the media methods)
from tests.fakebot.api import METHODS, ApiError, Call, Method
from tests.fakebot.bot import FakeBot
from tests.fakebot.botstate import BotState
from tests.fakebot.factories import FakeUser
from tests.fakebot.faults import (
    BAD_GATEWAY_HTML,
    SENDING_METHODS,
    Faults,
    Hang,
    RateLimiter,
    make_failure,
)
from tests.fakebot.hub import ApiRequest, DeliveryStats, Hub, delivery_stats
from tests.fakebot.observe import ChatRef, chat_id_of
from tests.fakebot.parsing import BadBody, parse_request
from tests.fakebot.users import Injected

JSON = dict[str, Any]
T = TypeVar("T")

DEFAULT_TOKEN = "123456789:AAFakeTokenForYdanTests_0123456789abc"
DEFAULT_USERNAME = "ydan_test_bot"


class FakeBotApi(FakeBot):
    """The fake server; also the FakeBot handle of its first (default) token."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = DEFAULT_USERNAME,
        first_name: str = "Ý Dân",
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
    ) -> None:
        hub = Hub(clock=clock, now=now)
        state = BotState(token, username=username, first_name=first_name)
        super().__init__(hub, state)
        self._states: dict[str, BotState] = {token: state}
        self.faults = Faults()
        self._limiter: RateLimiter | None = None
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Cancel a handler when its client goes away (PTB cancelling a long poll on stop).
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._hub.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self

    async def stop(self) -> None:
        # Wake long polls and hangs first so that shutdown does not wait for them.
        self._hub.stopping.set()
        await self._hub.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._hub.session is not None:
            await self._hub.session.close()
            self._hub.session = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        if not self._port:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url``; PTB appends the token and the method."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # -- several bots ------------------------------------------------------------------------

    def add_bot(self, token: str, *, username: str, first_name: str = "Ý Dân") -> FakeBot:
        state = BotState(token, username=username, first_name=first_name)
        self._states[token] = state
        return FakeBot(self._hub, state)

    def bot(self, token: str) -> FakeBot:
        return FakeBot(self._hub, self._states[token])

    # -- request log and waiting -------------------------------------------------------------

    @property
    def all_requests(self) -> list[ApiRequest]:
        return list(self._hub.requests)

    def requests(self, method: str | None = None, *, token: str | None = None) -> list[ApiRequest]:
        """Logged calls, optionally of one method (case-insensitive) and/or one token."""
        wanted = method.lower() if method else None
        return [
            r
            for r in self._hub.requests
            if (wanted is None or r.method.lower() == wanted)
            and (token is None or r.token == token)
        ]

    def calls(self, method: str) -> list[JSON]:
        """Parameters of every call of ``method`` that succeeded."""
        return [r.params for r in self.requests(method) if r.ok]

    @property
    def unknown_methods(self) -> list[str]:
        """Names of methods the fake does not know (answered 404); should stay empty."""
        return [r.method for r in self._hub.unknown_methods]

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 10.0) -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every bot call); return it."""
        return await self._hub.wait_for(predicate, timeout)

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiRequest], bool] = lambda r: True,
        timeout: float = 10.0,
    ) -> ApiRequest:
        """The first answered call of ``method`` matching ``predicate``."""
        return await self._hub.wait_for(
            lambda: next(
                (r for r in self.requests(method) if r.status is not None and predicate(r)), None
            ),
            timeout,
            f"a {method} call",
        )

    # -- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        count: int = 1,
        chat_id: ChatRef | str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` ("*" = any) with an error, before
        they take effect. 429 carries retry_after (default 1); 502 is nginx's HTML page."""
        target = chat_id if isinstance(chat_id, str | None) else chat_id_of(chat_id)
        self.faults.failures.append(
            make_failure(
                method,
                status=status,
                retry_after=retry_after,
                description=description,
                count=count,
                chat_id=target,
            )
        )

    def hang_next(self, method: str, *, count: int = 1, after_delivery: bool = False) -> None:
        """Never answer the next ``count`` calls of ``method`` (until ``release_hangs`` or stop),
        so the client times out. ``after_delivery=True``: the call takes effect first (the
        message is delivered; only the answer is lost, the usual cause of duplicate sends)."""
        self.faults.hangs.append(Hang(method.lower(), count, after_delivery))

    def release_hangs(self) -> None:
        """Let the hung calls proceed (those still connected get their normal answer)."""
        self._release.set()
        self._release = asyncio.Event()

    def block_chat(
        self, chat: ChatRef, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Every call addressed to this chat answers 403 until ``unblock_chat``."""
        self.faults.blocked[chat_id_of(chat)] = description

    def unblock_chat(self, chat: ChatRef) -> None:
        self.faults.blocked.pop(chat_id_of(chat), None)

    async def user_blocks_bot(self, user: FakeUser) -> Injected:
        """The user blocks the bot: later sends to them answer 403, and the bot gets the
        ``my_chat_member`` update (member -> kicked) Telegram sends in that case."""
        self.block_chat(user)
        return await self._membership_update(user, "member", "kicked")

    async def user_unblocks_bot(self, user: FakeUser) -> Injected:
        """The user unblocks (restarts) the bot: ``my_chat_member`` kicked -> member."""
        self.unblock_chat(user)
        return await self._membership_update(user, "kicked", "member")

    async def _membership_update(self, user: FakeUser, old: str, new: str) -> Injected:
        self.add_chat(user)
        payload = factories.chat_member_updated_dict(
            chat=factories.private_chat_dict(user),
            sender=user.to_dict(),
            bot_user=self._state.sender(),
            old_status=old,
            new_status=new,
            date=self._hub.date(),
        )
        return await self._deliver("my_chat_member", payload)

    def enforce_rate_limit(
        self,
        global_per_sec: int | None = 30,
        per_chat_per_sec: int | None = 1,
        per_group_per_min: int | None = 20,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Answer 429 (retry_after = seconds until a slot frees) above Telegram's flood limits,
        counted over rolling windows of ``clock`` (default: the fake's clock)."""
        self._limiter = RateLimiter(
            global_per_sec=global_per_sec,
            per_chat_per_sec=per_chat_per_sec,
            per_group_per_min=per_group_per_min,
            clock=clock or self._hub.clock,
        )

    def disable_rate_limit(self) -> None:
        self._limiter = None

    @property
    def count_429(self) -> int:
        return self._hub.count_429

    def delivery_stats(self) -> DeliveryStats:
        """Messages delivered per second (all bots) and the number of 429 answers."""
        return delivery_stats(self._hub.delivery_times, self._hub.count_429)

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        token, name = request.match_info["token"], request.match_info["method"]
        try:
            params, files = await parse_request(request)
        except BadBody as exc:
            return _error(400, f"Bad Request: can't parse request body: {exc}")
        entry = METHODS.get(name.lower())
        record = ApiRequest(token, entry[0] if entry else name, params, files, self._hub.clock())
        self._hub.requests.append(record)
        try:
            response = await self._process(record, entry)
        except asyncio.CancelledError:
            record.cancelled = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._hub.notify()
            raise
        await self._hub.notify()
        chat_id = self._chat_of(record)
        if chat_id is not None:
            self._hub.chat_changed(chat_id)
        return response

    def _chat_of(self, record: ApiRequest) -> int | None:
        chat_id = record.params.get("chat_id")
        if record.method == "answerCallbackQuery":
            state = self._states.get(record.token)  # None for a token the fake does not know
            queries = state.callback_queries if state is not None else {}
            query = queries.get(str(record.params.get("callback_query_id")))
            chat_id = ((query or {}).get("message") or {}).get("chat", {}).get("id")
        return chat_id if isinstance(chat_id, int) else None

    async def _process(
        self, record: ApiRequest, entry: tuple[str, Method] | None
    ) -> web.StreamResponse:
        state = self._states.get(record.token)
        if state is None:
            return self._fail(record, ApiError(401, "Unauthorized"))
        if entry is None:
            self._hub.unknown_methods.append(record)
            return self._fail(record, ApiError(404, "Not Found"))
        method = entry[0].lower()
        chat_id = record.params.get("chat_id")
        if self.faults.take_hang(method, after_delivery=False) and await self._hang():
            return self._fail(record, ApiError(504, "Gateway Timeout"))
        failure = self.faults.take_failure(method, chat_id)
        if failure is not None:
            if failure.status == 502:
                record.status, record.description = 502, failure.description
                return web.Response(status=502, body=BAD_GATEWAY_HTML, content_type="text/html")
            params = {"retry_after": failure.retry_after} if failure.retry_after else None
            return self._fail(record, ApiError(failure.status, failure.description, params))
        if isinstance(chat_id, int | str) and chat_id in self.faults.blocked:
            return self._fail(record, ApiError(403, self.faults.blocked[chat_id]))
        if self._limiter is not None and method in SENDING_METHODS:
            retry_after = self._limiter.check(chat_id)
            if retry_after is not None:
                error = ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
                return self._fail(record, error)
        try:
            result = await entry[1](Call(state, self._hub, record.params, record.files))
        except ApiError as exc:
            return self._fail(record, exc)
        if self.faults.take_hang(method, after_delivery=True) and await self._hang():
            return self._fail(record, ApiError(504, "Gateway Timeout"))
        record.status, record.result = 200, result
        return web.json_response({"ok": True, "result": result})

    def _fail(self, record: ApiRequest, error: ApiError) -> web.Response:
        record.status, record.description = error.status, error.description
        if error.status == 429:
            self._hub.count_429 += 1
        return _error(error.status, error.description, error.parameters)

    async def _hang(self) -> bool:
        """Wait for release_hangs() or stop(); True if the server is stopping."""
        release = self._release
        stop = asyncio.ensure_future(self._hub.stopping.wait())
        go = asyncio.ensure_future(release.wait())
        try:
            await asyncio.wait((stop, go), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            go.cancel()
        return self._hub.stopping.is_set()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] not in self._states:
            return _error(401, "Unauthorized")
        stored = self._hub.files.by_path(request.match_info["path"])
        if stored is None:
            return _error(404, "Not Found")
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )


def _error(status: int, description: str, parameters: JSON | None = None) -> web.Response:
    body: JSON = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
