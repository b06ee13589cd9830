"""Send the kernel messages of a Voila server through pyzmq's asyncio socket, so that no reply is missed.

Voila runs the notebook on the server (nbclient) before the page can connect to the kernel: the page's
JavaScript comes with the last streamed chunk. nbclient waits for each cell's ``execute_reply`` by polling the
shell socket, a ``zmq.asyncio`` socket whose pending receives are woken through the socket's edge-triggered
``ZMQ_FD``. While it waits, nbclient's stand-in for the ipywidgets ``Output`` widget answers each display made
inside an ``Output`` (``with out: display(fig)``, as every explorer does) with a ``comm_msg`` on the same shell
socket. ``jupyter_client.session.Session.send`` writes that message on a blocking *shadow* of the socket. A raw
send makes libzmq process the socket's pending commands, among them the notice that the ``execute_reply`` has
just arrived, which clears the FD without the asyncio poller seeing it. The reply then stays in the socket and
nbclient waits for ever (its cell timeout is off by default); the page never gets the end of the notebook and
never connects to the kernel. pyzmq's own asyncio send re-checks the socket's events after sending and wakes
the pending receives: sending through it closes the window.

Measured on the 2-core machine with one core busy, fresh Jupyter directories each time: without this module the
server-side run stalled in 8 of 20 runs of the browser test and in 12 of 30 plain HTTP loads of the page, each
time on the reply to an explorer cell, with the comm_msg sent 0-7 ms after the reply reached the socket
(packet captures); with it, 0 of 20 and 0 of 30. ``tests/test_voila_kernel_send.py`` replays the race
deterministically on a socket pair. Upstream: voila-dashboards/voila#1428, jupyter/nbclient#312,
jupyter/jupyter_client#1010 and #1059 (open when this was written); remove this module once jupyter_client
no longer sends on a shadow socket (the xfail test there then passes).

``book/_voila/voila.py`` applies it in the Voila process: ``make explorer`` and the browser test start Voila
with ``--Voila.config_file_paths=book/_voila``.
"""
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel

_raw_send = AsyncZMQSocketChannel.send


class _AsyncSocketWriter:
    """The one method Session.send needs of its stream, backed by the asyncio socket's own send."""

    def __init__(self, socket):
        self.socket = socket
        self.sent = None

    def send_multipart(self, frames, copy=True, **kwargs):
        self.sent = self.socket.send_multipart(frames, copy=copy, **kwargs)
        return self.sent


def send(channel, msg):
    """``AsyncZMQSocketChannel.send`` through the asyncio socket, which wakes a pending poll on it.

    Session.send still builds, signs and serialises the message; only the final write changes. pyzmq sends at
    once when it can and otherwise queues the frames on its event loop; an immediate failure is raised here,
    as the raw send would have raised it.
    """
    if not isinstance(channel.socket, zmq.asyncio.Socket):
        return _raw_send(channel, msg)
    writer = _AsyncSocketWriter(channel.socket)
    channel.session.send(writer, msg)
    done = writer.sent
    if done is not None and done.done() and not done.cancelled() and done.exception() is not None:
        raise done.exception()
    return None


def apply():
    """Route every AsyncZMQSocketChannel.send of this process through ``send`` (idempotent)."""
    AsyncZMQSocketChannel.send = send
