"""book/_voila/kernel_send.py: a send on the shell socket must not swallow the wake-up of a reply already queued.

The race that stalled the Voila explorer, replayed on a DEALER/ROUTER pair: nbclient awaits an execute_reply
(``AsyncZMQSocketChannel.get_msg``), the reply reaches the DEALER, and before the event loop runs again the
Output-widget stand-in sends a comm_msg on the same socket.
"""
import asyncio
import importlib.util
import time
from pathlib import Path

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

VOILA_DIR = Path(__file__).resolve().parents[1] / "book" / "_voila"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_test_{name}", VOILA_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kernel_send = _load("kernel_send")


def _shell_pair(ctx):
    """A kernel-side ROUTER and a client-side shell channel (DEALER) connected on a loopback port."""
    router = ctx.socket(zmq.ROUTER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    dealer = ctx.socket(zmq.DEALER)
    dealer.connect(f"tcp://127.0.0.1:{port}")
    session = Session(key=b"test")
    return router, session, AsyncZMQSocketChannel(dealer, session)


async def _reply_arrives_during_send(send, wait=1.0):
    """True if the awaited reply is delivered when ``send(channel, msg)`` runs just after it reached the socket."""
    ctx = zmq.asyncio.Context()
    try:
        router, session, channel = _shell_pair(ctx)
        channel.send(session.msg("execute_request", {}))
        ident, *_ = await router.recv_multipart()
        waiting = asyncio.ensure_future(channel.get_msg(timeout=None))   # nbclient awaiting the execute_reply
        await asyncio.sleep(0.1)                   # the poll is registered; the loop sleeps on the DEALER's FD
        reply = session.serialize(session.msg("execute_reply", {}))
        zmq.Socket.shadow(router.underlying).send_multipart([ident, *reply])
        time.sleep(0.3)                            # blocking: libzmq's I/O thread queues the reply on the DEALER
        send(channel, session.msg("comm_msg", {}))  # before the loop runs again
        try:
            msg = await asyncio.wait_for(waiting, wait)
        except asyncio.TimeoutError:
            return False
        return msg["msg_type"] == "execute_reply"
    finally:
        ctx.destroy(linger=0)


def test_send_through_asyncio_socket_wakes_the_pending_reply():
    assert asyncio.run(_reply_arrives_during_send(kernel_send.send))


@pytest.mark.xfail(strict=False, reason="jupyter_client's Session.send writes on a shadow of the asyncio socket and "
                   "can swallow the reply's wake-up (voila#1428, jupyter_client#1059). XPASS: fixed upstream, "
                   "book/_voila/kernel_send.py may go")
def test_upstream_send_wakes_the_pending_reply():
    assert asyncio.run(_reply_arrives_during_send(kernel_send._raw_send))


def test_send_delivers_the_message_intact():
    async def run():
        ctx = zmq.asyncio.Context()
        try:
            router, session, channel = _shell_pair(ctx)
            msg = session.msg("comm_msg", {"comm_id": "abc", "data": {"method": "update"}})
            kernel_send.send(channel, msg)
            ident, *frames = await asyncio.wait_for(router.recv_multipart(), 5)
            _, parts = session.feed_identities(frames)
            return session.deserialize(parts)     # checks the HMAC signature too
        finally:
            ctx.destroy(linger=0)
    got = asyncio.run(run())
    assert got["msg_type"] == "comm_msg"
    assert got["content"] == {"comm_id": "abc", "data": {"method": "update"}}


def test_voila_config_applies_it(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader
    monkeypatch.setattr(AsyncZMQSocketChannel, "send", AsyncZMQSocketChannel.send)   # restored afterwards
    PyFileConfigLoader("voila.py", path=str(VOILA_DIR)).load_config()
    assert AsyncZMQSocketChannel.send.__module__ == "nadlib_voila_kernel_send"
    assert AsyncZMQSocketChannel.send.__qualname__ == "send"
