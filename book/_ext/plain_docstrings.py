"""Treat '*' and '|' in nadlib's docstrings as plain characters when autodoc renders them.

The docstrings are written for a terminal reader (NumPy style, shapes such as ``(*t.shape, 2, 2)``,
norms such as ``|w|``).  reStructuredText would read those characters as emphasis and substitution
markers and warn; this hook escapes them before napoleon turns the sections into reST.  Text inside
double backticks is left alone.
"""
import re

_LITERAL = re.compile(r"(``.*?``)")


def _escape(line):
    parts = _LITERAL.split(line)
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("\\", "\\\\").replace("*", r"\*").replace("|", r"\|").replace("_ ", r"\_ ")
    return "".join(parts)


def _process(app, what, name, obj, options, lines):
    if not name.startswith("nadlib"):
        return
    lines[:] = [_escape(line) for line in lines]


def setup(app):
    # before sphinx.ext.napoleon (priority 500), which emits reST markup of its own
    app.connect("autodoc-process-docstring", _process, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
