"""Tests in a real browser: Debian's Chromium driven by Playwright (marker `browser`).

* The built book (run `make book` first): a chapter renders its mathematics with the
  vendored MathJax (no raw `$$` left), its figures load, its cross-references
  resolve, and the page requests nothing from another host.
* The Voila explorer: it starts, a slider moves, and the readout or figure changes.

Run with `make test-browser` (after `make book`).  Screenshots go to _build/screenshots/.
"""
import contextlib
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
CHAPTER = "book/ch3_model.html"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see README)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def book_server():
    if not (HTML / CHAPTER).exists():
        pytest.fail(f"{HTML / CHAPTER} missing: build the book with `make book` first")
    port = _free_port()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(HTML)))
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{port}"
    srv.shutdown()


def _record_requests(page):
    hosts = []
    page.on("request", lambda r: hosts.append(urllib.parse.urlparse(r.url)))
    return hosts


def test_book_chapter_renders_offline(browser, book_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests = _record_requests(page)
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(f"{book_server}/{CHAPTER}", wait_until="networkidle")
    # MathJax 3 typesets asynchronously; wait until its startup promise resolves.
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30000)
    page.evaluate("MathJax.startup.promise")
    n_math = page.locator("mjx-container").count()
    assert n_math > 20, f"only {n_math} MathJax containers rendered"
    body_text = page.inner_text("article")
    assert "$$" not in body_text, "raw $$ left in the page: MathJax did not typeset it"
    assert "\\begin{" not in body_text
    # figures: every image in the article loaded with a non-zero size
    sizes = page.eval_on_selector_all("article img", "els => els.map(e => [e.src, e.complete, e.naturalWidth])")
    assert sizes, "the chapter shows no figure"
    broken = [s for s, ok, w in sizes if not ok or w == 0]
    assert not broken, f"images failed to load: {broken}"
    # no request left the loopback server
    foreign = [u.geturl() for u in requests if u.scheme not in ("data", "blob", "about")
               and u.hostname not in ("127.0.0.1", "localhost")]
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not failed, f"failed requests: {failed}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "book_chapter.png"), full_page=False)
    page.close()


def test_book_cross_references_resolve(browser, book_server):
    page = browser.new_page()
    page.goto(f"{book_server}/{CHAPTER}", wait_until="networkidle")
    hrefs = page.eval_on_selector_all("article a.reference.internal", "els => els.map(e => e.href)")
    eq_refs = [h for h in hrefs if "#equation-eq-" in h]
    assert eq_refs, "no equation cross-references on the chapter"
    checked = {}
    for h in sorted(set(hrefs)):
        url, _, frag = h.partition("#")
        if url not in checked:
            with urllib.request.urlopen(url) as r:
                assert r.status == 200, url
                checked[url] = r.read().decode()
        if frag:
            assert f'id="{frag}"' in checked[url], f"dangling anchor {h}"
    page.close()


@pytest.fixture(scope="module")
def voila_server():
    port = _free_port()
    voila = Path(sys.executable).with_name("voila")
    log = open(ROOT / "_build" / "voila.log", "w") if (ROOT / "_build").exists() else subprocess.DEVNULL
    proc = subprocess.Popen([str(voila), str(ROOT / "book" / "explorer.ipynb"), "--no-browser",
                             "--Voila.ip=127.0.0.1", f"--port={port}", "--strip_sources=True"],
                            cwd=str(ROOT / "book"), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    # Wait for the port, not for a page: every GET of the notebook starts a kernel and runs it.
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            break
        time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("Voila did not start within 60 s")
    yield url
    proc.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def test_voila_explorer_slider_changes_output(browser, voila_server):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    # Voila streams the page while the kernel runs the notebook: do not wait for "load"
    page.goto(voila_server, wait_until="commit", timeout=180000)
    handle = page.locator(".noUi-handle").first
    handle.wait_for(timeout=240000)
    page.wait_for_selector(".jupyter-widgets img, .widget-output img", timeout=240000)
    page.wait_for_timeout(1000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "explorer_before.png"))

    def state():
        return page.evaluate(
            "() => Array.from(document.querySelectorAll('.widget-html-content, .widget-label, img'))"
            ".map(e => e.tagName === 'IMG' ? e.src.length + ':' + e.src.slice(-64) : e.textContent).join('|')")
    before = state()
    assert "import nadlib" not in page.content(), "Voila must not show code"
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("b => { const s = Array.from(document.querySelectorAll("
                           "'.widget-html-content, .widget-label, img')).map(e => e.tagName === 'IMG' ? "
                           "e.src.length + ':' + e.src.slice(-64) : e.textContent).join('|'); return s !== b; }",
                           arg=before, timeout=60000)
    page.wait_for_timeout(1500)
    after = state()
    assert after != before
    page.screenshot(path=str(SHOTS / "explorer_after.png"))
    page.close()
