"""Sphinx extension: load the Jupyter widget manager only on pages that show a widget.

A notebook executed with nbconvert stores the state of every widget it created in its metadata, and
myst-nb then embeds that state and loads RequireJS and the widget manager (about 3.7 MB) on the page,
whether or not a widget view is still displayed.  The book shows no live widget: every widget cell is
tagged ``remove-cell`` and its explorer appears as a client-side figure instead ({static-explorer}).  So on
a page whose doctree holds no widget view, this hook drops the widget state and the widget scripts that
myst-nb registered for it.

It relies on where myst-nb 1.x keeps a page's scripts (``env.nb_metadata[docname]["js_files"]``, keys
``ipywidgets_state`` and ``ipywidgets_<i>``), which is pinned with Jupyter Book 1.0.4.post1; if that
changes, the hook does nothing and the pages only grow heavier.
"""
from docutils import nodes

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _drop_unused_widget_scripts(app, doctree):
    meta = getattr(app.env, "nb_metadata", {}).get(app.env.docname, {})
    js_files = meta.get("js_files") if isinstance(meta, dict) else None
    if not js_files:
        return
    shows_widget = any(WIDGET_VIEW in node.astext() for node in doctree.findall(nodes.raw))
    if not shows_widget:
        for key in [k for k in js_files if k.startswith("ipywidgets_")]:
            del js_files[key]


def setup(app):
    app.connect("doctree-read", _drop_unused_widget_scripts)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
