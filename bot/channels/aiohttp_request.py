"""python-telegram-bot's networking on aiohttp instead of httpx.

PTB's default ``HTTPXRequest`` cost 3.2 ms of CPU per Bot API call against the fake, this class
0.7 ms (``bench/bench_request.py``, the fake's share included): for a bot making hundreds of
calls a second that is most of a core. The project already depends on aiohttp for its web
server. One ``ClientSession`` (one connection pool) per instance, opened
in ``initialize`` and closed in ``shutdown``, as PTB's lifecycle expects.

The request is sent exactly as PTB's own class sends it: form fields with JSON-encoded values,
or multipart when files are attached.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_USER_AGENT = "ydan (python-telegram-bot, aiohttp)"


def _given(value: Any, default: float | None) -> float | None:
    # PTB passes DEFAULT_NONE when the caller did not choose a timeout.
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value


def _form(request_data: RequestData) -> aiohttp.FormData | dict[str, str]:
    files = request_data.multipart_data
    if not files:
        return request_data.json_parameters
    form = aiohttp.FormData(request_data.json_parameters, quote_fields=False)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


class AiohttpRequest(BaseRequest):
    """A ``telegram.request.BaseRequest`` over one ``aiohttp.ClientSession``."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 64,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 30.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        # aiohttp has no write timeout; sock_read covers a server that stops answering, and
        # ``connect`` includes the wait for a free connection of the pool.
        self._default_timeout = aiohttp.ClientTimeout(
            total=None, connect=pool_timeout, sock_connect=connect_timeout, sock_read=read_timeout
        )

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": _USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_given(pool_timeout, self._pool_timeout),
            sock_connect=_given(connect_timeout, self._connect_timeout),
            sock_read=_given(read_timeout, self._read_timeout),
        )
        data = _form(request_data) if request_data is not None else None
        return await self._exchange(method, url, data, timeout)

    async def post_form(self, url: str, body: bytes) -> tuple[int, bytes]:
        """POST an encoded form on this instance's pool, with its default timeouts."""
        payload = aiohttp.BytesPayload(body, content_type="application/x-www-form-urlencoded")
        return await self._exchange("POST", url, payload, self._default_timeout)

    async def post_file(
        self, url: str, fields: dict[str, str], name: str, filename: str, content: bytes
    ) -> tuple[int, bytes]:
        """POST form ``fields`` and one file as multipart, as the Bot API takes uploads."""
        form = aiohttp.FormData(fields, quote_fields=False)
        form.add_field(name, content, filename=filename, content_type="application/octet-stream")
        return await self._exchange("POST", url, form, self._default_timeout)

    async def _exchange(
        self, method: str, url: str, data: Any, limits: aiohttp.ClientTimeout
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest used before initialize() or after shutdown()")
        try:
            async with self._session.request(method, url, data=data, timeout=limits) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
