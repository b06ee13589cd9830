"""Wall time of the three things a maintainer or lecturer runs: unit tests, nbval, book build.

Each is run as a subprocess with the interpreter of this venv.  Target: < 5 min each on the
2-core reference machine.  The naive baseline for the book build is a forced re-execution of
every notebook (`execute_notebooks: force`), which is what the stored, nbval-checked outputs
save on every build.

Run:  .venv/bin/python benchmarks/bench_suite.py [--skip-force]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = dict(os.environ, PATH=f"{BIN}:{os.environ.get('PATH', '')}")


def run(label, cmd, cwd=ROOT):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    tail = (proc.stdout.strip().splitlines() or [""])[-1]
    status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    print(f"  {label:<34s} {dt:7.1f} s  {status}  {tail[:90]}")
    return dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-force", action="store_true", help="skip the forced re-execution baseline")
    args = ap.parse_args()
    py, jb = str(BIN / "python"), str(BIN / "jupyter-book")
    print("wall times (target < 300 s each)")
    t_unit = run("unit tests (pytest tests/)", [py, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                                 "-o", "addopts=", "-m", "not browser", "tests"])
    t_nbval = run("nbval (pytest --nbval book/)", [py, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                                    "-o", "addopts=", "--nbval", "--nbval-current-env",
                                                    "--nbval-sanitize-with", "nbval_sanitize.cfg", "book"])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        t_book = run("book build (stored outputs)", [jb, "build", ".", "-W", "-n", "--keep-going",
                                                      "--path-output", str(out)])
        if not args.skip_force:
            cfg = (ROOT / "_config.yml").read_text().replace("execute_notebooks: auto", "execute_notebooks: force")
            forced = Path(tmp) / "src"
            shutil.copytree(ROOT, forced, ignore=shutil.ignore_patterns(".venv", ".ci-venv", "_build", ".git",
                                                                         "node_modules"))
            (forced / "_config.yml").write_text(cfg)
            t_force = run("baseline: build re-executing all", [jb, "build", str(forced), "--path-output",
                                                                str(Path(tmp) / "forced")])
            print(f"  stored outputs save {t_force / t_book:.1f}x on a build")
    print(f"  totals: unit {t_unit:.0f} s, nbval {t_nbval:.0f} s, book {t_book:.0f} s")


if __name__ == "__main__":
    main()
