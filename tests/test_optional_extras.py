"""matplotlib and ipywidgets are optional extras of nadlib ([plot], [widgets]).

`import nadlib` and the numerics must work in an environment where neither can be imported, and the two
modules that need them must say which extra to install.  Each case runs in a fresh interpreter whose
import system refuses the blocked packages (a meta-path finder installed before anything else).
"""
import subprocess
import sys
import textwrap

import pytest

BLOCKER = textwrap.dedent("""
    import importlib.abc, sys

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, Blocker())
""")


def _run(blocked, body):
    code = f"BLOCKED = {tuple(blocked)!r}\n" + BLOCKER + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_numerics_import_and_run_without_plotting_packages():
    res = _run(("matplotlib", "ipywidgets", "IPython"), """
        import numpy as np
        import nadlib as nad
        m = nad.Model(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)
        b = nad.Baths(T_L=0.01, T_R=0.01, mu_L=1.0, mu_R=0.0)
        C = nad.steady_state(m, b)
        nu = float(nad.nu_infinity(m, b)) / m.Gamma
        Ct = nad.correlation_matrix(m, b, np.array([1.0, 10.0]))
        chain = nad.FiniteChain(m, b, M=50)
        dec = nad.decompose(m, b)
        assert C.shape == (2, 2) and Ct.shape == (2, 2, 2) and dec.L_int.shape == (16, 16)
        assert 0.05 < nu < 0.2
        assert not [k for k in sys.modules if k.split(".")[0] in ("matplotlib", "ipywidgets", "IPython")]
        print("ok", round(nu, 3))
    """)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["ok", "0.102"]


@pytest.mark.parametrize("module, blocked, extra", [
    ("nadlib.figures", ("matplotlib",), "nadlib[plot]"),
    ("nadlib.widgets", ("ipywidgets",), "nadlib[widgets]"),
    ("nadlib.widgets", ("matplotlib", "ipywidgets"), "nadlib[widgets]"),
])
def test_plotting_modules_name_their_extra(module, blocked, extra):
    res = _run(blocked, f"""
        import nadlib
        try:
            import {module}
        except ImportError as exc:
            print("ImportError:", exc)
        else:
            print("imported")
    """)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("ImportError:") and extra in res.stdout, res.stdout
