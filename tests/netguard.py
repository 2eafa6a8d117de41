"""Network guard: tests may talk to loopback and Unix sockets only.

Load it from conftest with ``pytest_plugins = ["tests.netguard"]``: from session start on,
any connect (or DNS lookup, or UDP send) towards a non-loopback address raises
``NetworkBlockedError`` *before* anything leaves the machine. 127.0.0.0/8, ::1, "localhost" and
Unix sockets stay open, so the fake Telegram server and PostgreSQL on 127.0.0.1:5432 work.

Libraries often swallow connection errors (PTB turns them into NetworkError and retries), so
every blocked attempt is also recorded, and the autouse fixture fails the test that made it.
A test that provokes a block on purpose wraps it in ``expect_blocked()``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class NetworkBlockedError(ConnectionRefusedError):
    """A test tried to reach the network. (An OSError, so client libraries fail as offline.)"""


violations: list[str] = []
_originals: dict[str, Any] = {}


def _host_of(address: object) -> str | None:
    """The host part of an INET address tuple, None for other families (Unix, netlink...)."""
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return address[0]
    return None


def is_local_host(host: str | bytes | None) -> bool:
    """True for loopback IPs, localhost names, and None/"" (bind-any / unspecified lookups)."""
    if host is None or host in ("", b""):
        return True
    name = (host.decode() if isinstance(host, bytes) else host).strip("[]").lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _is_ip_literal(host: str | bytes) -> bool:
    name = (host.decode() if isinstance(host, bytes) else host).strip("[]").split("%", 1)[0]
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _block(what: str) -> NetworkBlockedError:
    message = (
        f"netguard: {what} blocked - tests may only use loopback (127.0.0.0/8, ::1, localhost) "
        "and Unix sockets; use the fake Telegram server (tests.fakebot) instead"
    )
    violations.append(message)
    return NetworkBlockedError(message)


def _check_address(sock: socket.socket, address: object, action: str) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host = _host_of(address)
    if host is not None and not is_local_host(host):
        raise _block(f"{action} to {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(self, address, "connect")
    _originals["connect"](self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(self, address, "connect_ex")
    result: int = _originals["connect_ex"](self, address)
    return result


def _guarded_sendto(self: socket.socket, data: Any, *args: Any) -> int:
    # sendto(data, address) or sendto(data, flags, address): the address is last.
    _check_address(self, args[-1] if args else None, "sendto")
    result: int = _originals["sendto"](self, data, *args)
    return result


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    # IP literals resolve without DNS; connect() then judges them. Other names need DNS,
    # which is itself a network access unless the name is local.
    if host is not None and not is_local_host(host) and not _is_ip_literal(host):
        raise _block(f"DNS lookup of {host!r}")
    return _originals["getaddrinfo"](host, *args, **kwargs)


def install() -> None:
    """Patch the socket module (idempotent)."""
    if _originals:
        return
    _originals.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        sendto=socket.socket.sendto,
        getaddrinfo=socket.getaddrinfo,
    )
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
    socket.socket.sendto = _guarded_sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _guarded_getaddrinfo


def uninstall() -> None:
    if not _originals:
        return
    socket.socket.connect = _originals["connect"]  # type: ignore[method-assign]
    socket.socket.connect_ex = _originals["connect_ex"]  # type: ignore[method-assign]
    socket.socket.sendto = _originals["sendto"]  # type: ignore[method-assign]
    socket.getaddrinfo = _originals["getaddrinfo"]
    _originals.clear()


def is_installed() -> bool:
    return bool(_originals)


@contextmanager
def guarded() -> Iterator[None]:
    """The guard active inside the block (for use without the plugin)."""
    was_installed = is_installed()
    install()
    try:
        yield
    finally:
        if not was_installed:
            uninstall()


@contextmanager
def expect_blocked() -> Iterator[list[str]]:
    """For tests of the guard itself: blocks inside are expected, not reported as failures.

    Yields the list of block messages that happened inside the block.
    """
    start = len(violations)
    caught: list[str] = []
    try:
        yield caught
    finally:
        caught.extend(violations[start:])
        del violations[start:]


# -- pytest plugin ---------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    install()


def pytest_unconfigure(config: pytest.Config) -> None:
    uninstall()


@pytest.fixture(autouse=True)
def _netguard_violations() -> Iterator[None]:
    """Fail a test that tried to reach the network, even if the error was swallowed."""
    start = len(violations)
    yield
    new = violations[start:]
    del violations[start:]
    if new:
        pytest.fail("\n".join(new), pytrace=False)
