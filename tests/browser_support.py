"""What the two browser test files share: the Chromium they drive, a static server for the built book and a
Voila server for the explorer app.  Each helper is a generator for a module-scoped pytest fixture
(``yield from``), so that the fixtures themselves stay one line."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
VOILA_CONFIG = ROOT / "book" / "_voila"       # voila.py there applies kernel_send.py in the Voila process
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium():
    """Debian's Chromium driven by Playwright (no browser download); fails clearly if it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see README)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def html_server(required_page):
    """Serve _build/html on a free loopback port; fails clearly if the book (``required_page``) is not built."""
    if not (HTML / required_page).exists():
        pytest.fail(f"{HTML / required_page} missing: build the book with `make book` first")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()),
                                          functools.partial(Quiet, directory=str(HTML)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def voila(log_path, start_timeout, env=None, debug=False, describe=lambda: ""):
    """Voila serving book/explorer.ipynb with the book's configuration, as `make explorer` does, on a free
    loopback port; yields its URL once the port listens (every GET of the notebook starts a kernel and runs
    it, so the fixture does not fetch the page).  On a failure to start, ``describe()`` (e.g. the log's tail)
    is part of the message."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    exe = Path(sys.executable).with_name("voila")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(exe), str(ROOT / "book" / "explorer.ipynb"), "--no-browser",
                                 "--Voila.ip=127.0.0.1", f"--port={port}", "--strip_sources=True",
                                 f"--Voila.config_file_paths={VOILA_CONFIG}"] + (["--debug"] if debug else []),
                                cwd=str(ROOT / "book"), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if proc.poll() is not None:
                pytest.fail(f"Voila exited with code {proc.returncode} before listening\n{describe()}")
            if time.monotonic() > deadline:
                pytest.fail(f"Voila did not listen on port {port} within {start_timeout} s\n{describe()}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
