"""The book's notebooks are stored executed and error-free (the book renders the stored outputs).

nbval (`make test`) re-executes each notebook and compares its outputs; this test guards the
stored state itself: every code cell with source was executed, no output is an error, and every
notebook listed in _toc.yml exists.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOC = (ROOT / "_toc.yml").read_text()
NOTEBOOKS = sorted(p for p in (ROOT / "book").glob("*.ipynb"))


def test_toc_entries_exist():
    entries = re.findall(r"(?:file|root):\s*([\w./-]+)", TOC)
    missing = [e for e in entries if not any((ROOT / (e + ext)).exists() for ext in (".ipynb", ".md"))]
    assert entries and not missing, missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_stored_executed_without_errors(path):
    nb = json.loads(path.read_text())
    assert path.stem in TOC, f"{path.name} is not in _toc.yml"
    unexecuted = [i for i, c in enumerate(nb["cells"])
                  if c["cell_type"] == "code" and "".join(c["source"]).strip() and c.get("execution_count") is None]
    errors = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not unexecuted, f"unexecuted code cells {unexecuted}"
    assert not errors, f"stored error outputs in cells {errors}"
