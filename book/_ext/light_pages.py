"""Sphinx extension: every page of the book without the 1.5 MB Font Awesome script.

pydata-sphinx-theme (under sphinx-book-theme) loads Font Awesome twice: as a web font with its CSS, and as
``_static/scripts/fontawesome.js``, a 1.5 MB script that replaces each ``<i class="fa-...">`` icon with an
inline SVG.  The web font alone draws the same icons (the browser tests compare the two: same glyphs, no
request added), so the script only weighs on every page; a page of this book must stay under 5 MB with all
its explorer frames.  The theme writes the ``<script>`` tag from a template macro, not through Sphinx's
script list, so this hook removes that one line from each HTML page once the build has finished.  If the
theme changes the tag, nothing is removed and the pages are only heavier (tests/test_browser_static.py
weighs them).
"""
import re
from pathlib import Path

FONTAWESOME_SCRIPT = re.compile(r'^\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n',
                                re.M)


def drop_fontawesome_script(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        lighter = FONTAWESOME_SCRIPT.sub("", text)
        if lighter != text:
            path.write_text(lighter, encoding="utf-8")


def setup(app):
    app.connect("build-finished", drop_fontawesome_script)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
