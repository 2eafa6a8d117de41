"""The Telegram channel: python-telegram-bot in polling or webhook mode around the engine.

Updates of one chat are handled and answered in order (``ChatOrderedProcessor`` holds a per-chat
lock over handling *and* sending); different chats run concurrently. Replies are sent after the
engine's transaction commits. One ``Application`` (one HTTP connection pool) per channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Sequence
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes, TypeHandler

from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.telegram_events import to_event
from bot.channels.telegram_replies import BotApiError, ReplySender
from bot.config import ConfigError, Settings
from handlers.events import CallbackAnswer, EventHandler, OutDocument, OutText, Reply
from handlers.keyedlock import KeyedLock
from locales import Catalogs
from scheduler.ratelimit import Limits, RateLimiter
from storage.clock import SystemClock

log = logging.getLogger(__name__)

PROCESSED_KEPT = 10_000

MENU_COMMANDS = (
    "gopy",
    "cuatoi",
    "tracuu",
    "lich",
    "dangky",
    "thaydan",
    "ngonngu",
    "trogiup",
    "huy",
)
MENU_COMMANDS_EN = (
    "submit",
    "mine",
    "status",
    "sessions",
    "register",
    "proxy",
    "language",
    "help",
    "cancel",
)


def _chat_key(update: object) -> str:
    chat = update.effective_chat if isinstance(update, Update) else None
    return str(chat.id) if chat is not None else "-"


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, strictly in arrival order within one chat."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = KeyedLock()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self._locks.hold(_chat_key(update)):
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def startup_error(error: InvalidToken | NetworkError, settings: Settings) -> ConfigError:
    """The setting to blame when the Bot API refuses or cannot be reached at start."""
    if isinstance(error, InvalidToken):
        return ConfigError("YDAN_TELEGRAM_TOKEN", "the Bot API rejected the token")
    where = settings.telegram_base_url
    return ConfigError("YDAN_TELEGRAM_BASE_URL", f"cannot reach {where} ({error})")


class TelegramChannel:
    """The Telegram ``ChannelAdapter``."""

    name = "telegram"

    def __init__(
        self,
        settings: Settings,
        engine: EventHandler,
        catalogs: Catalogs,
        *,
        max_rate: int = 30,
        concurrency: int = 256,
    ) -> None:
        if settings.telegram_token is None:
            raise ValueError("the Telegram channel needs YDAN_TELEGRAM_TOKEN")
        self.settings = settings
        self.engine = engine
        self.catalogs = catalogs
        # Kept to close them when start() fails: PTB only shuts down what it initialised.
        self._requests = (AiohttpRequest(connection_pool_size=64), AiohttpRequest())
        # The builder's generic parameters change with each call; mypy cannot follow them.
        builder: Any = (
            Application.builder()
            .token(settings.telegram_token)
            .base_url(settings.telegram_base_url)
            .base_file_url(settings.file_base_url)
            .concurrent_updates(ChatOrderedProcessor(concurrency))
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
        )
        if settings.telegram_mode == "webhook":
            builder = builder.updater(None)
        self.app = builder.build()
        # Telegram's limits count wall-clock seconds, whatever clock the domain runs on.
        limiter = (
            RateLimiter(SystemClock(), Limits(global_per_window=max_rate, chat_interval=0.0))
            if max_rate > 0
            else None
        )
        api_url = f"{settings.telegram_base_url}{settings.telegram_token}"
        self.replies = ReplySender(self._requests[0], api_url, limiter)
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)
        # Ids of updates fully handled (replies sent): tests and benchmarks wait on them instead
        # of sleeping. Bounded, and O(1) per update whatever the number of waiters.
        self._processed: set[int] = set()
        self._processed_order: deque[int] = deque()
        self._waiters: dict[int, asyncio.Future[None]] = {}

    async def wait_processed(self, update_id: int) -> None:
        """Return once ``update_id`` has been handled and answered (callers bound the wait)."""
        if update_id in self._processed:
            return
        waiter = self._waiters.get(update_id)
        if waiter is None:
            waiter = self._waiters[update_id] = asyncio.get_running_loop().create_future()
        await asyncio.shield(waiter)

    def _mark_processed(self, update_id: int) -> None:
        self._processed.add(update_id)
        self._processed_order.append(update_id)
        if len(self._processed_order) > PROCESSED_KEPT:
            self._processed.discard(self._processed_order.popleft())
        waiter = self._waiters.pop(update_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def username(self) -> str | None:
        try:
            return str(self.app.bot.username)
        except RuntimeError:  # before initialize(): getMe has not run yet
            return None

    async def start(self) -> None:
        try:
            await self.app.initialize()
        except (InvalidToken, NetworkError) as exc:
            await self._close_requests()
            raise startup_error(exc, self.settings) from None
        await self._set_commands()
        await self.app.start()
        if self.settings.telegram_mode == "webhook":
            await self.app.bot.set_webhook(
                url=self.settings.webhook_url or "",
                secret_token=self.settings.webhook_secret,
                allowed_updates=["message", "callback_query"],
            )
        else:
            # start_polling removes any webhook itself before the first getUpdates.
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                poll_interval=0.0, timeout=10, allowed_updates=["message", "callback_query"]
            )
        log.info("telegram channel started in %s mode", self.settings.telegram_mode)

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self._close_requests()

    async def _close_requests(self) -> None:
        for request in self._requests:
            await request.shutdown()

    async def feed_webhook(self, data: dict[str, Any]) -> None:
        """Queue one update the web server received; the application processes it in order."""
        update = Update.de_json(data, self.app.bot)
        await self.app.update_queue.put(update)

    async def _set_commands(self) -> None:
        """The command menu in Vietnamese (the default) and English; a failure is not fatal."""
        for language, names in (("vi", MENU_COMMANDS), ("en", MENU_COMMANDS_EN)):
            t = self.catalogs.get(language)
            commands = [BotCommand(name, t(f"command.{name}")) for name in names]
            try:
                await self.app.bot.set_my_commands(
                    commands,
                    scope=BotCommandScopeDefault(),
                    language_code=None if language == "vi" else language,
                )
            except TelegramError as exc:
                log.warning("command menu (%s) not set: %s", language, exc)

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self._handle(update)
        finally:
            self._mark_processed(update.update_id)

    async def _handle(self, update: Update) -> None:
        event = to_event(update)
        query = update.callback_query
        if event is None:
            if query is not None:
                await self._answer(query.id, None)
            return
        outcome = await self.engine.handle(event)
        if query is not None:
            toast = next((r for r in outcome.replies if isinstance(r, CallbackAnswer)), None)
            await self._answer(query.id, toast.text if toast else None)
        if not outcome.duplicate:
            await self.send(event.chat.chat_id, outcome.replies)

    async def _answer(self, query_id: str, text: str | None) -> None:
        # A query answered too late ("query is too old") must not cost the person the reply.
        try:
            await self.replies.answer_callback(query_id, text)
        except BotApiError as exc:
            log.info("callback query not answered: %s", exc)

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Send one update's replies in order; a blocked chat or a lost connection stops them."""
        for reply in replies:
            try:
                if isinstance(reply, OutText):
                    await self.replies.text(chat_id, reply)
                elif isinstance(reply, OutDocument):
                    await self.replies.document(chat_id, reply)
            except BotApiError as exc:
                if exc.status == 403:
                    log.info("a chat blocked the bot; reply dropped")
                    return
                if exc.status == 400:
                    log.warning("reply rejected by Telegram: %s", exc.description)
                    continue
                log.warning("reply not sent: %s", exc)
                return

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if isinstance(error, TelegramError):
            log.warning("telegram error: %s", error)
        else:
            log.error("update handling failed", exc_info=error)
