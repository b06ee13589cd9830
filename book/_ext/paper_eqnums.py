"""Sphinx extension: number the book's equations as the paper does.

A display equation labelled ``eq-NN`` (MyST: ``$$ ... $$ (eq-NN)``, or the ``{math}`` directive with
``:label: eq-NN``) is shown as (NN), and so are its references (``{eq}`eq-NN```), where NN is the paper's number:
``eq-24`` -> (24), ``eq-A3`` -> (A3), ``eq-24b`` -> (24b). A generalised form of a paper equation is labelled
with a trailing ``p`` and shown primed: ``eq-78p`` -> (78'), ``eq-D2p`` -> (D2'). Without this, Sphinx numbers
labelled equations 1, 2, 3, ... in order of appearance, which would not match the paper.

The chapters beyond the paper number their own equations with a prefix, in order of appearance within the
chapter, so that no new equation can be mistaken for one of the paper's: ``eq-me-<name>`` -> (ME1), (ME2), ...;
``eq-fcs-<name>`` -> (FCS1), ...; ``eq-bose-<name>`` -> (BE1), ... (see BEYOND_PREFIXES). Other labels keep
Sphinx's numbering, and unlabelled equations stay unnumbered, as the paper's unnumbered equations are.

Needs ``math_numfig = False`` (set in _config.yml): with it on, Sphinx would ignore these numbers.
"""
import re

from docutils import nodes

PAPER_LABEL = re.compile(r"^eq-([A-Fa-f]?)([0-9]+)([a-o]?|p)$")
BEYOND_LABEL = re.compile(r"^eq-(me|fcs|bose)-[A-Za-z0-9-]+$")
#: Shown prefix of the new equations of each "Beyond the paper" chapter.
BEYOND_PREFIXES = {"me": "ME", "fcs": "FCS", "bose": "BE"}


def paper_number(label):
    """The paper's equation number encoded in ``label``, or None if the label is not of the form eq-NN.

    A trailing ``p`` marks a generalisation by the book and is shown as a prime: eq-78p -> 78'.
    """
    match = PAPER_LABEL.match(label or "")
    if match is None:
        return None
    prefix, digits, suffix = match.groups()
    return f"{prefix.upper()}{int(digits)}" + ("\u2032" if suffix == "p" else suffix)


def _renumber(app, doctree):
    domain = app.env.get_domain("math")
    counters = {}
    for node in doctree.findall(nodes.math_block):
        label = node.get("label")
        number = paper_number(label)
        beyond = BEYOND_LABEL.match(label or "")
        if number is None and beyond is not None:
            key = beyond.group(1)
            counters[key] = counters.get(key, 0) + 1
            number = f"{BEYOND_PREFIXES[key]}{counters[key]}"
        if number is not None:
            node["number"] = number
            domain.equations[label] = (app.env.docname, number)


def setup(app):
    app.connect("doctree-read", _renumber)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
