"""A response's head and body leave the server in one write, in order, whatever is written."""

from __future__ import annotations

import asyncio

import pytest

from sever.serve.server import HeadWithBody

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class Recording:
    """Stands in for the event loop's socket transport: what reached the socket, write by write."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sent.append(bytes(data))

    def writelines(self, chunks: list[bytes]) -> None:
        self.sent.append(b"".join(chunks))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


@pytest.fixture
def loop() -> asyncio.AbstractEventLoop:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def test_head_and_body_are_one_write(loop: asyncio.AbstractEventLoop) -> None:
    socket = Recording()
    transport = HeadWithBody(socket, loop)  # type: ignore[arg-type]
    transport.write(HEAD)
    assert socket.sent == []
    transport.write(b"{}")
    assert socket.sent == [HEAD + b"{}"]


def test_a_head_without_body_goes_out_on_the_next_turn(loop: asyncio.AbstractEventLoop) -> None:
    socket = Recording()
    transport = HeadWithBody(socket, loop)  # type: ignore[arg-type]
    transport.write(HEAD)
    loop.run_until_complete(asyncio.sleep(0))
    assert socket.sent == [HEAD]


def test_continue_is_never_held(loop: asyncio.AbstractEventLoop) -> None:
    socket = Recording()
    transport = HeadWithBody(socket, loop)  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert socket.sent == [b"HTTP/1.1 100 Continue\r\n\r\n"]


def test_close_sends_a_held_head_first(loop: asyncio.AbstractEventLoop) -> None:
    socket = Recording()
    transport = HeadWithBody(socket, loop)  # type: ignore[arg-type]
    transport.write(HEAD)
    transport.close()
    assert socket.sent == [HEAD]
    assert socket.closed


def test_writes_keep_their_order(loop: asyncio.AbstractEventLoop) -> None:
    socket = Recording()
    transport = HeadWithBody(socket, loop)  # type: ignore[arg-type]
    transport.write(HEAD)
    transport.writelines([b"a", b"b"])
    transport.write(HEAD)
    transport.write(b"{}")
    loop.run_until_complete(asyncio.sleep(0))
    assert b"".join(socket.sent) == HEAD + b"ab" + HEAD + b"{}"


def test_everything_else_is_the_transport_s(loop: asyncio.AbstractEventLoop) -> None:
    transport = HeadWithBody(Recording(), loop)  # type: ignore[arg-type]
    assert transport.get_extra_info("peername") == "info:peername"
