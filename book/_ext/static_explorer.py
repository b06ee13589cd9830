"""Sphinx extension: nadlib's explorers as client-side figures, and the landing page's gallery.

In the static HTML book a Jupyter widget is dead: its sliders need a kernel.  This extension gives every
explorer of ``nadlib.figures`` a second life that needs neither a kernel nor a network.  At build time it
evaluates ``<name>_data(**params)`` and ``<name>_figure(data)`` (and ``<name>_readout(data)`` where it
exists) on a small grid of slider values, writes one compressed image and one readout per grid point into
the HTML output, and renders plain ``<input type="range">`` sliders that a small vendored script
(``book/_static_explorer/static_explorer.js``) uses to swap the image and the readout.  The figures are
drawn by the one plotting layer of the package, so the static frames and the live widget are the same
code.

Directives
----------
``static-explorer``
    One explorer.  The argument is the explorer's name (any ``<name>_data``/``<name>_figure`` pair in
    ``nadlib.figures``).  The sliders come from the directive's content, one per line,
    ``<parameter>: <values> | <label>``, or, without content, from the config value
    ``static_explorer_grids[<name>]`` (a dict ``parameter -> {"values": ..., "label": ...}``), so that
    every page showing the same explorer shares one grid and one set of frames.  ``<values>`` is
    ``lin LO HI N``, ``log LO HI N`` or an explicit list of numbers.  Options: ``:fixed:`` (``key=value``
    pairs passed to ``<name>_data`` on every frame, e.g. ``n=61``), ``:caption:`` and ``:dpi:``.  The
    initial frame is the grid point nearest to ``<NAME>_DEFAULTS``.
``figure-gallery``
    A grid of thumbnails, one per content line ``<figure> | <document> | <caption>`` (lines starting
    with ``#`` are comments).  ``<figure>`` is a
    zero-argument function of ``nadlib.figures`` returning a Figure (``fig3_transmission``) or an
    explorer name (drawn at its defaults); ``<document>`` is the page the thumbnail links to.

Cost and caching
----------------
A grid is refused above ``MAX_FRAMES`` frames (before anything is computed).  Frames are cached in
``<build dir>/.static_explorer_cache/<key>/`` under a key that hashes nadlib's source, this file, the
explorer's name, the grid, the fixed parameters and the rendering settings, so a rebuild after an
unrelated edit reuses them, and any change to the package recomputes them.  Each explorer logs its frame
count, its size and the time it took.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import math
import os
import shutil
import time
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

#: Largest number of frames (product of the slider lengths) one explorer may ask for.
MAX_FRAMES = 200
#: Rendering settings (part of the cache key): resolution and palette size of the PNG frames.
DPI = 72
GALLERY_DPI = 60
PALETTE = 128
ASSETS = Path(__file__).resolve().parent.parent / "_static_explorer"
OUT_SUBDIR = "explorers"


# --------------------------------------------------------------------------------------- grid specification

def parse_values(text):
    """Slider values from ``lin LO HI N``, ``log LO HI N`` or a list of numbers. Returns (values, scale)."""
    import numpy as np
    words = str(text).replace(",", " ").split()
    if not words:
        raise ValueError("empty slider specification")
    if words[0] in ("lin", "log"):
        if len(words) != 4:
            raise ValueError(f"'{text}': expected '{words[0]} LO HI N'")
        lo, hi, n = float(words[1]), float(words[2]), int(words[3])
        if n < 2:
            raise ValueError(f"'{text}': a slider needs at least 2 values")
        if words[0] == "log":
            if lo <= 0 or hi <= 0:
                raise ValueError(f"'{text}': a logarithmic slider needs positive ends")
            return np.geomspace(lo, hi, n), "log"
        return np.linspace(lo, hi, n), "lin"
    values = np.array([float(w) for w in words])
    if values.size < 2:
        raise ValueError(f"'{text}': a slider needs at least 2 values")
    if np.any(np.diff(values) <= 0):
        raise ValueError(f"'{text}': slider values must increase")
    scale = "log" if np.all(values > 0) and values[-1] / values[0] > 50 else "lin"
    return values, scale


def parse_slider_line(line):
    """``name: values | label`` -> (name, values text, label)."""
    name, _, rest = line.partition(":")
    values, _, label = rest.partition("|")
    name = name.strip()
    if not name.isidentifier() or not values.strip():
        raise ValueError(f"slider line '{line}': expected 'parameter: values | label'")
    return name, values.strip(), label.strip() or name


def parse_fixed(text):
    """``key=value, key=value`` -> dict (values read as int, float or str)."""
    out = {}
    for item in filter(None, (s.strip() for s in (text or "").split(","))):
        key, eq, val = item.partition("=")
        if not eq or not key.strip().isidentifier():
            raise ValueError(f"fixed parameter '{item}': expected key=value")
        val = val.strip()
        for cast in (int, float):
            try:
                val = cast(val)
                break
            except ValueError:
                pass
        out[key.strip()] = val
    return out


def explorer_functions(name):
    """(data, figure, readout or None, defaults dict) of the explorer ``name`` in nadlib.figures."""
    from nadlib import figures
    data, figure = getattr(figures, f"{name}_data", None), getattr(figures, f"{name}_figure", None)
    if not (callable(data) and callable(figure)):
        raise ValueError(f"no explorer '{name}': nadlib.figures needs both {name}_data and {name}_figure")
    readout = getattr(figures, f"{name}_readout", None)
    defaults = getattr(figures, f"{name.upper()}_DEFAULTS", {})
    return data, figure, readout if callable(readout) else None, dict(defaults)


def make_spec(name, sliders, fixed, dpi=DPI):
    """A normalised, JSON-able description of one explorer grid (what the cache key hashes)."""
    import numpy as np
    _, _, _, defaults = explorer_functions(name)
    unknown = sorted((set(s[0] for s in sliders) | set(fixed)) - set(defaults)) if defaults else []
    if unknown:
        raise ValueError(f"explorer '{name}': unknown parameter(s) {unknown}; it has {sorted(defaults)}")
    out = []
    for pname, text, label in sliders:
        values, scale = parse_values(text)
        start = defaults.get(pname, values[0])
        dist = np.abs(np.log(values / start)) if scale == "log" and start > 0 else np.abs(values - start)
        out.append(dict(name=pname, label=label, scale=scale, values=[float(v) for v in values],
                        start=int(np.argmin(dist))))
    n_frames = math.prod(len(s["values"]) for s in out)
    if not out:
        raise ValueError(f"explorer '{name}': no slider")
    if n_frames > MAX_FRAMES:
        raise ValueError(f"explorer '{name}': {n_frames} frames requested, the limit is {MAX_FRAMES}; "
                         "use fewer slider values")
    return dict(name=name, sliders=out, fixed=dict(sorted(fixed.items())), dpi=int(dpi), palette=PALETTE)


# --------------------------------------------------------------------------------------- rendering and cache

def _fingerprint():
    """Hash of nadlib's source and of this file: any change to either invalidates every cached frame."""
    import matplotlib
    import nadlib
    h = hashlib.sha256()
    for path in sorted(Path(nadlib.__file__).resolve().parent.glob("*.py")) + [Path(__file__).resolve()]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(matplotlib.__version__.encode())
    return h.hexdigest()


def cache_key(spec):
    return hashlib.sha256((_fingerprint() + json.dumps(spec, sort_keys=True)).encode()).hexdigest()[:16]


def _png(fig, dpi):
    """The figure as a palette PNG (PALETTE colours, optimised): about a third of matplotlib's own PNG."""
    from PIL import Image
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    out = io.BytesIO()
    img.quantize(colors=PALETTE, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True)
    return out.getvalue(), img.size


def _value_text(v):
    return f"{v:.3g}"


def render_explorer(spec, cache_root):
    """Frames and readouts of one explorer grid, computed once per cache key. Returns the manifest dict.

    The manifest lists the sliders, one entry per frame in row-major order of the sliders (file name or
    None where the parameters are invalid), the readouts (HTML), the image size and the build cost.
    """
    import itertools

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    key = cache_key(spec)
    folder = Path(cache_root) / key
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        manifest["cached"] = True
        return manifest
    data_fn, figure_fn, readout_fn, _ = explorer_functions(spec["name"])
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    t0 = time.perf_counter()
    frames, readouts, size, nbytes = [], [], None, 0
    grids = [s["values"] for s in spec["sliders"]]
    for k, combo in enumerate(itertools.product(*grids)):
        params = dict(spec["fixed"])
        params.update({s["name"]: v for s, v in zip(spec["sliders"], combo)})
        try:
            data = data_fn(**params)
        except ValueError as exc:          # e.g. a violated Eq. (34): the frame says so instead of a figure
            frames.append(None)
            readouts.append(f"<b>invalid parameters</b>: {html.escape(str(exc))}")
            continue
        fig = figure_fn(data)
        png, size = _png(fig, spec["dpi"])
        plt.close(fig)
        name = f"f{k:03d}.png"
        (tmp / name).write_bytes(png)
        nbytes += len(png)
        frames.append(name)
        readouts.append(readout_fn(data) if readout_fn else "")
    manifest = dict(key=key, spec=spec, frames=frames, readouts=readouts, size=size, bytes=nbytes,
                    seconds=round(time.perf_counter() - t0, 2))
    (tmp / "manifest.json").write_text(json.dumps(manifest))
    try:
        tmp.rename(folder)                 # atomic: a concurrent build never sees half a folder
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    manifest["cached"] = False
    return manifest


def render_thumbnail(figname, cache_root):
    """A small PNG of a nadlib figure (zero-argument figure function or explorer at its defaults)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nadlib import figures

    key = hashlib.sha256(f"{_fingerprint()}|{figname}|{GALLERY_DPI}|{PALETTE}".encode()).hexdigest()[:16]
    path = Path(cache_root) / "gallery" / f"{figname}-{key}.png"
    if path.exists():
        return path
    fn = getattr(figures, figname, None)
    if callable(getattr(figures, f"{figname}_data", None)) and callable(getattr(figures, f"{figname}_figure", None)):
        fig = getattr(figures, f"{figname}_figure")(getattr(figures, f"{figname}_data")())
    elif callable(fn):
        fig = fn()
    else:
        raise ValueError(f"figure-gallery: nadlib.figures has no figure function or explorer '{figname}'")
    png, _ = _png(fig, GALLERY_DPI)
    plt.close(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(png)
    tmp.replace(path)
    return path


# --------------------------------------------------------------------------------------- nodes and directives

class static_explorer_node(nodes.General, nodes.Element):
    """Placeholder for one explorer; the HTML writer turns it into sliders, image and readout."""


class figure_gallery_node(nodes.General, nodes.Element):
    """Placeholder for the gallery; the HTML writer turns it into linked thumbnails."""


def _cache_root(app):
    return Path(app.doctreedir).parent / ".static_explorer_cache"


class StaticExplorerDirective(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"fixed": directives.unchanged, "caption": directives.unchanged,
                   "dpi": directives.positive_int}

    def run(self):
        name = self.arguments[0]
        try:
            if self.content:
                sliders = [parse_slider_line(line) for line in self.content if line.strip()]
                fixed = parse_fixed(self.options.get("fixed"))
            else:
                grid = (self.config.static_explorer_grids or {}).get(name)
                if not grid:
                    raise ValueError(f"explorer '{name}': no sliders in the directive and no entry in "
                                     "static_explorer_grids")
                grid = dict(grid)
                fixed = dict(grid.pop("fixed", {}) or {})
                fixed.update(parse_fixed(self.options.get("fixed")))
                sliders = [(p, str(s["values"]), s.get("label", p)) for p, s in grid.items()]
            spec = make_spec(name, sliders, fixed, self.options.get("dpi", DPI))
            manifest = render_explorer(spec, _cache_root(self.env.app))
        except ValueError as exc:
            raise self.error(f"static-explorer: {exc}") from exc
        n = len(manifest["frames"])
        how = "cached" if manifest["cached"] else f"computed in {manifest['seconds']} s"
        logger.info(f"static-explorer {name}: {n} frames, {manifest['bytes'] / 1e3:.0f} kB, {how}")
        self.env.static_explorer_keys = getattr(self.env, "static_explorer_keys", {})
        self.env.static_explorer_keys.setdefault(self.env.docname, {})[manifest["key"]] = spec
        node = static_explorer_node()
        node["manifest"] = manifest
        node["caption"] = self.options.get("caption", "")
        return [node]


class FigureGalleryDirective(SphinxDirective):
    has_content = True

    def run(self):
        items = []
        for line in self.content:
            if not line.strip() or line.lstrip().startswith("#"):      # blank lines and comments
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not all(parts):
                raise self.error(f"figure-gallery line '{line}': expected 'figure | document | caption'")
            figname, doc, caption = parts
            target = os.path.normpath(os.path.join(os.path.dirname(self.env.docname), doc)).replace(os.sep, "/")
            if target not in self.env.found_docs:
                raise self.error(f"figure-gallery: no document '{doc}' (resolved to '{target}')")
            try:
                path = render_thumbnail(figname, _cache_root(self.env.app))
            except ValueError as exc:
                raise self.error(str(exc)) from exc
            items.append(dict(thumb=str(path), doc=target, caption=caption, figure=figname))
        self.env.static_explorer_thumbs = getattr(self.env, "static_explorer_thumbs", {})
        self.env.static_explorer_thumbs.setdefault(self.env.docname, {}).update(
            (i["thumb"], i["figure"]) for i in items)
        node = figure_gallery_node()
        node["items"] = items
        return [node]


# --------------------------------------------------------------------------------------- HTML output

def _static_uri(translator, rel):
    return relative_uri(translator.builder.get_target_uri(translator.builder.current_docname), f"_static/{rel}")


def visit_explorer_html(self, node):
    m = node["manifest"]
    spec = m["spec"]
    folder = f"{OUT_SUBDIR}/{spec['name']}-{m['key']}/"
    base = _static_uri(self, folder)
    start = 0
    stride = 1
    for s in reversed(spec["sliders"]):          # row-major: the last slider varies fastest
        start += s["start"] * stride
        stride *= len(s["values"])
    first = m["frames"][start]
    payload = dict(base=base, frames=m["frames"], readouts=m["readouts"],
                   sliders=[dict(name=s["name"], label=s["label"], text=[_value_text(v) for v in s["values"]])
                            for s in spec["sliders"]])
    data = json.dumps(payload).replace("</", "<\\/")
    alt = f"{spec['name']} explorer"
    w, h = (m["size"] or (0, 0))
    out = [f'<figure class="static-explorer" data-explorer="{html.escape(spec["name"])}">',
           '<div class="se-controls">']
    for s in spec["sliders"]:
        text = _value_text(s["values"][s["start"]])
        out.append(f'<label class="se-slider"><span class="se-label">{html.escape(s["label"])}</span>'
                   f'<input type="range" min="0" max="{len(s["values"]) - 1}" step="1" value="{s["start"]}" '
                   f'data-param="{html.escape(s["name"])}" aria-label="{html.escape(s["label"])}" '
                   f'aria-valuetext="{text}"><output>{text}</output></label>')
    out.append("</div>")
    src = f' src="{base}{first}"' if first else ""
    out.append(f'<img class="se-frame"{src} width="{w}" height="{h}" alt="{html.escape(alt)}">')
    out.append(f'<div class="se-readout">{m["readouts"][start]}</div>')
    out.append('<noscript><p class="se-noscript">The sliders need JavaScript; the figure shows the '
               'default parameters.</p></noscript>')
    if node["caption"]:
        out.append(f'<figcaption>{html.escape(node["caption"])}</figcaption>')
    out.append(f'<script type="application/json" class="se-data">{data}</script></figure>')
    self.body.append("\n".join(out))
    raise nodes.SkipNode


def visit_gallery_html(self, node):
    out = ['<div class="nadlib-gallery">']
    for item in node["items"]:
        href = self.builder.get_relative_uri(self.builder.current_docname, item["doc"])
        src = _static_uri(self, f"gallery/{Path(item['thumb']).name}")
        cap = html.escape(item["caption"])
        out.append(f'<a class="nadlib-gallery-card reference internal" href="{href}">'
                   f'<img src="{src}" alt="{cap}" loading="lazy"><span>{cap}</span></a>')
    out.append("</div>")
    self.body.append("\n".join(out))
    raise nodes.SkipNode


def visit_skip(self, node):
    raise nodes.SkipNode


# --------------------------------------------------------------------------------------- events

def _config_inited(app, config):
    config.html_static_path = list(config.html_static_path) + [str(ASSETS)]


# docname -> {cache key: spec} and docname -> {thumbnail path: figure name}
_ENV_ATTRS = ("static_explorer_keys", "static_explorer_thumbs")


def _purge(app, env, docname):
    for attr in _ENV_ATTRS:
        getattr(env, attr, {}).pop(docname, None)


def _merge(app, env, docnames, other):
    for attr in _ENV_ATTRS:
        mine = getattr(env, attr, {})
        setattr(env, attr, mine)
        theirs = getattr(other, attr, {})
        mine.update({d: theirs[d] for d in docnames if d in theirs})


def _page_context(app, pagename, templatename, context, doctree):
    if doctree is None:
        return
    if any(doctree.findall(static_explorer_node)) or any(doctree.findall(figure_gallery_node)):
        app.add_css_file("static_explorer.css")
    if any(doctree.findall(static_explorer_node)):
        app.add_js_file("static_explorer.js", loading_method="defer")


def _build_finished(app, exception):
    """Copy the frames and thumbnails the pages use into _static/ (html builders only)."""
    if exception is not None or app.builder.format != "html":
        return
    cache = _cache_root(app)
    out = Path(app.outdir) / "_static"
    specs = {}
    for per_doc in getattr(app.env, "static_explorer_keys", {}).values():
        specs.update(per_doc)
    for key, spec in sorted(specs.items()):
        if not (cache / key / "manifest.json").exists():      # the cache was cleared, the doctrees were not
            render_explorer(spec, cache)
        dst = out / OUT_SUBDIR / f"{spec['name']}-{key}"
        if not dst.exists():
            shutil.copytree(cache / key, dst, ignore=shutil.ignore_patterns("manifest.json"))
    thumbs = {}
    for per_doc in getattr(app.env, "static_explorer_thumbs", {}).values():
        thumbs.update(per_doc)
    for thumb, figname in sorted(thumbs.items()):
        if not Path(thumb).exists():
            render_thumbnail(figname, cache)
        (out / "gallery").mkdir(parents=True, exist_ok=True)
        shutil.copy2(thumb, out / "gallery" / Path(thumb).name)


def setup(app):
    app.add_config_value("static_explorer_grids", {}, "env")
    app.add_node(static_explorer_node, html=(visit_explorer_html, None), latex=(visit_skip, None),
                 text=(visit_skip, None), man=(visit_skip, None), texinfo=(visit_skip, None))
    app.add_node(figure_gallery_node, html=(visit_gallery_html, None), latex=(visit_skip, None),
                 text=(visit_skip, None), man=(visit_skip, None), texinfo=(visit_skip, None))
    app.add_directive("static-explorer", StaticExplorerDirective)
    app.add_directive("figure-gallery", FigureGalleryDirective)
    app.connect("config-inited", _config_inited)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    if not ASSETS.is_dir():
        raise ExtensionError(f"static_explorer: assets folder {ASSETS} missing")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
