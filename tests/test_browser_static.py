"""The static book as a course, in a real browser (marker `browser`; Debian's Chromium through Playwright).

* The client-side explorers of the built book (run `make book` first): moving a slider with the keyboard
  swaps the figure (a new image that loads) and the readout, on the explorer page and in the chapters,
  with no kernel and no request leaving the machine; every explorer page stays under 5 MB.
* The exercises: a folded solution opens on a click and shows its code and output.
* The landing page: the gallery's thumbnails load and link to the chapters.
* The Voila app shows each live explorer once, without the book's static companions.

Screenshots go to _build/screenshots/.  Run with `make test-browser`.
"""
import contextlib
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from browser_support import HTML, ROOT, SHOTS, chromium, html_server, voila

pytestmark = pytest.mark.browser


EXPLORER_PAGE = "book/explorer.html"
BEYOND_PAGE = "book/explorer_beyond.html"
PAGE_LIMIT = 5_000_000
_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{static-explorer\}\s+(\w+)", re.M)


def _static_explorers_by_page():
    """{page: [explorer names in page order]} from the book's sources: every ``{static-explorer}`` directive in
    a markdown cell that the book keeps (not tagged remove-cell), and in the markdown pages."""
    pages = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        names = [n for c in nb["cells"] if c["cell_type"] == "markdown"
                 and "remove-cell" not in c.get("metadata", {}).get("tags", [])
                 for n in _DIRECTIVE.findall("".join(c["source"]))]
        if names:
            pages[f"book/{path.stem}.html"] = names
    for path in sorted((ROOT / "book").glob("*.md")):
        names = _DIRECTIVE.findall(path.read_text(encoding="utf-8"))
        if names:
            pages[f"book/{path.stem}.html"] = names
    return pages


def _live_titles():
    """Titles of the live widgets the Voila app shows, each once: the nadlib.widgets explorers that
    book/explorer.ipynb calls, with the title each passes to ``_explorer``."""
    src = (ROOT / "nadlib" / "widgets.py").read_text(encoding="utf-8")
    titles = dict(re.findall(r'^def (\w+_explorer)\((?:(?!^def ).)*?^    return _explorer\("([^"]+)"', src, re.M | re.S))
    nb = json.loads((ROOT / "book" / "explorer.ipynb").read_text(encoding="utf-8"))
    calls = [f for c in nb["cells"] if c["cell_type"] == "code"
             for f in re.findall(r"^widgets\.(\w+_explorer)\(\)", "".join(c["source"]), re.M)]
    return [titles[f] for f in calls]


#: Pages that show static explorers, and which; the explorer page shows every explorer.
EXPLORER_PAGES = _static_explorers_by_page()
EXPLORER_NAMES = EXPLORER_PAGES[EXPLORER_PAGE]
#: Titles of the live widgets (nadlib.widgets), each shown once by the Voila app.
LIVE_TITLES = _live_titles()


def test_the_explorer_page_and_the_app_show_the_same_explorers():
    """The app shows every explorer of the explorer page, in the same order, with a title for each live one.
    (The explorers of the chapters beyond the paper have their static versions in those chapters only: the
    explorer page with all frames stays under PAGE_LIMIT.)"""
    nb = json.loads((ROOT / "book" / "explorer.ipynb").read_text(encoding="utf-8"))
    calls = [f[:-len("_explorer")] for c in nb["cells"] if c["cell_type"] == "code"
             for f in re.findall(r"^widgets\.(\w+_explorer)\(\)", "".join(c["source"]), re.M)]
    assert [c for c in calls if c in EXPLORER_NAMES] == EXPLORER_NAMES and len(EXPLORER_NAMES) >= 5
    assert len(LIVE_TITLES) == len(calls)


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture(scope="module")
def book_server():
    yield from html_server(EXPLORER_PAGE)


def _open(browser, book_server, page_rel):
    """A new page at ``page_rel`` of the served book, with every request recorded (see `_watch`)."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    seen = _watch(page)
    page.goto(f"{book_server}/{page_rel}", wait_until="networkidle")
    return page, seen


def _watch(page):
    """Record every request's URL and every failed request of `page`."""
    seen = dict(requests=[], failed=[])
    page.on("request", lambda r: seen["requests"].append(urllib.parse.urlparse(r.url)))
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    return seen


def _assert_offline(seen):
    foreign = [u.geturl() for u in seen["requests"] if u.scheme not in ("data", "blob", "about")
               and u.hostname not in ("127.0.0.1", "localhost")]
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not seen["failed"], f"failed requests: {seen['failed']}"


def _state(fig):
    return fig.evaluate("f => [f.querySelector('img.se-frame').getAttribute('src'), "
                        "f.querySelector('.se-readout').innerHTML, f.getAttribute('data-frame')]")


def _move_slider(page, fig, k=0, presses=2):
    """Move the k-th slider of explorer `fig` by `presses` steps with the keyboard (away from its end)."""
    slider = fig.locator("input[type=range]").nth(k)
    value, top = int(slider.input_value()), int(slider.get_attribute("max"))
    key = "ArrowRight" if value + presses <= top else "ArrowLeft"
    slider.focus()
    for _ in range(presses):
        page.keyboard.press(key)
    return value


@pytest.mark.parametrize("page_rel", [EXPLORER_PAGE, BEYOND_PAGE])
def test_static_explorers_move_offline(browser, book_server, page_rel):
    """On the two explorer pages every explorer's first slider swaps figure and readout (so every explorer
    of the book is moved at least once); nothing leaves the machine."""
    names = EXPLORER_PAGES[page_rel]
    page, seen = _open(browser, book_server, page_rel)
    figs = page.locator("figure.static-explorer")
    assert figs.count() == len(names)
    assert [figs.nth(i).get_attribute("data-explorer") for i in range(figs.count())] == names
    SHOTS.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        fig = figs.nth(i)
        fig.scroll_into_view_if_needed()
        page.wait_for_function("f => f.classList.contains('se-ready')", arg=fig.element_handle())
        before = _state(fig)
        if name == "anm_map":
            fig.screenshot(path=str(SHOTS / "static_explorer_before.png"))
        _move_slider(page, fig)
        page.wait_for_function("([f, src]) => f.querySelector('img.se-frame').getAttribute('src') !== src",
                               arg=[fig.element_handle(), before[0]], timeout=10000)
        page.wait_for_function("f => { const i = f.querySelector('img.se-frame'); "
                               "return i.complete && i.naturalWidth > 0; }", arg=fig.element_handle())
        after = _state(fig)
        assert after[0] != before[0] and after[2] != before[2], f"{name}: the figure did not change"
        assert after[1] != before[1], f"{name}: the readout did not change"
        output = fig.locator("output").first.inner_text()
        assert output and output == fig.locator("input[type=range]").first.get_attribute("aria-valuetext")
        if name == "anm_map":
            fig.screenshot(path=str(SHOTS / "static_explorer_after.png"))
    page.screenshot(path=str(SHOTS / f"static_explorer_page_{Path(page_rel).stem}.png"), full_page=False)
    _assert_offline(seen)
    page.close()


def test_all_explorers_have_a_static_version():
    """Every explorer of nadlib.figures.EXPLORERS has a static version on one of the two explorer pages."""
    from nadlib import figures
    assert sorted(EXPLORER_PAGES[EXPLORER_PAGE] + EXPLORER_PAGES[BEYOND_PAGE]) == sorted(figures.EXPLORERS)


def test_icons_drawn_by_the_web_font_without_the_fontawesome_script(browser, book_server):
    """light_pages drops the theme's 1.5 MB fontawesome.js: no page asks for it, and the theme's icons are
    still drawn, by the Font Awesome web font (a glyph of non-zero width in that font)."""
    page, seen = _open(browser, book_server, BEYOND_PAGE)
    assert not [u for u in seen["requests"] if u.path.endswith("fontawesome.js")]
    families = page.evaluate("() => [...document.querySelectorAll('i.fa-solid, span.fa-solid')]"
                             ".filter(e => e.getBoundingClientRect().width > 0)"
                             ".map(e => getComputedStyle(e, '::before').fontFamily)")
    assert families and all("Font Awesome" in f for f in families), families
    assert page.evaluate("() => document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    _assert_offline(seen)
    page.close()


def test_two_slider_explorer_indexes_frames_row_major(browser, book_server):
    """Moving the second slider of a two-slider explorer shows the frame of both values (rates)."""
    page, seen = _open(browser, book_server, EXPLORER_PAGE)
    fig = page.locator("figure.static-explorer[data-explorer=rates]")
    fig.scroll_into_view_if_needed()
    page.wait_for_function("f => f.classList.contains('se-ready')", arg=fig.element_handle())
    sliders = fig.locator("input[type=range]")
    assert sliders.count() == 2
    n_second = int(sliders.nth(1).get_attribute("max")) + 1
    v1 = _move_slider(page, fig, k=1, presses=1)
    v0 = int(sliders.nth(0).input_value())
    v1_new = int(sliders.nth(1).input_value())
    assert v1_new != v1
    assert int(fig.get_attribute("data-frame")) == v0 * n_second + v1_new
    src = fig.locator("img.se-frame").get_attribute("src")
    assert re.search(rf"f{v0 * n_second + v1_new:03d}\.png$", src)
    readout = fig.locator(".se-readout").inner_text()
    assert "Λ" in readout or "&Lambda;" in fig.locator(".se-readout").inner_html()
    fig.screenshot(path=str(SHOTS / "static_explorer_rates.png"))
    _assert_offline(seen)
    page.close()


@pytest.mark.parametrize("page_rel", sorted(EXPLORER_PAGES))
def test_explorer_pages_stay_under_5_MB(browser, book_server, page_rel):
    """Everything a first visit downloads (HTML, theme, MathJax, images), plus every frame of the page's
    explorers, as if the reader moved every slider through every value: under 5 MB."""
    ctx = browser.new_context()
    page = ctx.new_page()
    sizes = {}

    def record(response):
        with contextlib.suppress(Exception):
            sizes[response.url] = len(response.body())
    page.on("response", record)
    page.goto(f"{book_server}/{page_rel}", wait_until="networkidle")
    assert page.eval_on_selector_all("figure.static-explorer", "els => els.map(e => e.dataset.explorer)") \
        == EXPLORER_PAGES[page_rel]
    on_load = sum(sizes.values())
    sliders = page.locator("figure.static-explorer input[type=range]")
    for i in range(sliders.count()):
        sliders.nth(i).focus()                        # the script preloads all frames of that explorer
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    frames = [u for u in sizes if "/_static/explorers/" in u]
    n_frames = len(set(re.findall(r'"f\\d{3}\\.png"', (HTML / page_rel).read_text())))
    total = sum(sizes.values())
    print(f"[measured] {page_rel}: {on_load / 1e6:.2f} MB on load, {total / 1e6:.2f} MB with all "
          f"{len(frames)} frames")
    assert len(frames) >= n_frames
    assert total < PAGE_LIMIT, f"{page_rel}: {total / 1e6:.2f} MB"
    ctx.close()


def test_folded_solution_opens(browser, book_server):
    """An exercise's solution is folded; a click on its title shows the reasoning, the code and its output."""
    page, seen = _open(browser, book_server, "book/ch3_model.html")
    sol = page.locator("div.solution.dropdown").first
    sol.scroll_into_view_if_needed()
    code = sol.locator("div.cell_input").first
    assert code.count() == 1 and not code.is_visible(), "the solution is not folded"
    sol.locator(".admonition-title").first.click()
    code.wait_for(state="visible")
    assert "# Check:" in code.inner_text()
    assert sol.locator("div.cell_output").first.is_visible()
    sol.screenshot(path=str(SHOTS / "exercise_solution_open.png"))
    _assert_offline(seen)
    page.close()


def test_landing_gallery(browser, book_server):
    page, seen = _open(browser, book_server, "book/intro.html")
    cards = page.locator(".nadlib-gallery a.nadlib-gallery-card")
    assert cards.count() >= 3
    hrefs = [cards.nth(i).get_attribute("href") for i in range(cards.count())]
    assert hrefs[:3] == ["ch3_model.html", "ch4_master_equation.html", "ch5_non_additivity.html"]
    sizes = page.eval_on_selector_all(".nadlib-gallery img", "els => els.map(e => e.naturalWidth)")
    assert all(w > 0 for w in sizes)
    page.locator(".nadlib-gallery").screenshot(path=str(SHOTS / "landing_gallery.png"))
    _assert_offline(seen)
    page.close()


@pytest.fixture(scope="module")
def voila_server():
    yield from voila(ROOT / "_build" / "voila_static.log", 60)


def test_voila_shows_each_explorer_once(browser, voila_server):
    """The app: the five live widgets, each once, with their captions; no static companion, no book text."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(voila_server, wait_until="commit", timeout=180000)
    page.wait_for_function("n => document.querySelectorAll('.noUi-handle, .widget-slider').length >= n",
                           arg=len(LIVE_TITLES), timeout=240000)
    page.wait_for_function("n => document.querySelectorAll('.jupyter-widgets img, .widget-output img').length >= n",
                           arg=len(LIVE_TITLES), timeout=240000)
    page.wait_for_timeout(1000)
    text = page.inner_text("body")
    titles = page.eval_on_selector_all(".widget-html-content b", "els => els.map(e => e.textContent)")
    for title in LIVE_TITLES:
        n = sum(t.startswith(title) for t in titles)
        assert n == 1, f"live explorer {title!r} shown {n} times"
    assert "static-explorer" not in text, "a static companion (the book's directive) is visible"
    assert "two kinds of slider" not in text.lower(), "the book's introduction is visible"
    hidden = page.eval_on_selector_all(".celltag_book-only", "els => els.filter(e => e.offsetParent !== null).length")
    assert hidden == 0, "cells tagged book-only are visible in the app"
    captions = page.eval_on_selector_all("h2", "els => els.filter(e => e.offsetParent !== null).map(e => e.textContent)")
    assert len(captions) == len(LIVE_TITLES), f"captions shown: {captions}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "voila_app.png"), full_page=True)
    page.close()
