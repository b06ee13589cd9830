"""Sphinx extension: number the book's equations as the paper does.

A display equation labelled ``eq-NN`` (MyST: ``$$ ... $$ (eq-NN)``, or the ``{math}`` directive with
``:label: eq-NN``) is shown as (NN), and so are its references (``{eq}`eq-NN```), where NN is the paper's number:
``eq-24`` -> (24), ``eq-A3`` -> (A3), ``eq-24b`` -> (24b). Without this, Sphinx numbers labelled equations
1, 2, 3, ... in order of appearance, which would not match the paper. Other labels keep Sphinx's numbering, and
unlabelled equations stay unnumbered, as the paper's unnumbered equations are.

Needs ``math_numfig = False`` (set in _config.yml): with it on, Sphinx would ignore these numbers.
"""
import re

from docutils import nodes

PAPER_LABEL = re.compile(r"^eq-([A-Fa-f]?)([0-9]+)([a-z]?)$")


def paper_number(label):
    """The paper's equation number encoded in ``label``, or None if the label is not of the form eq-NN."""
    match = PAPER_LABEL.match(label or "")
    if match is None:
        return None
    prefix, digits, suffix = match.groups()
    return f"{prefix.upper()}{int(digits)}{suffix}"


def _renumber(app, doctree):
    domain = app.env.get_domain("math")
    for node in doctree.findall(nodes.math_block):
        number = paper_number(node.get("label"))
        if number is not None:
            node["number"] = number
            domain.equations[node["label"]] = (app.env.docname, number)


def setup(app):
    app.connect("doctree-read", _renumber)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
