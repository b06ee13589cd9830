"""The Python examples of README.md run as printed (a stale API example fails here)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 2, "README.md should show the API (paper part and beyond the paper)"


def test_readme_examples_run_in_order(capsys):
    ns: dict = {}
    for i, block in enumerate(BLOCKS):
        try:
            exec(compile(block, f"README.md python block {i + 1}", "exec"), ns)
        except Exception as exc:                                  # name the block that went stale
            pytest.fail(f"README.md python block {i + 1} fails: {exc!r}")
    out = capsys.readouterr().out
    assert "nu_inf =" in out
