"""Benchmark: exact C(t) at 200 times (Fig. 4(a) parameters) against the brute-force chain.

The chain is the naive baseline: exact diagonalisation of the 2 + 2M site
problem, the leads starting in the semi-infinite thermal state restricted to M sites,
with M just large enough that the far ends are not felt before Gamma t = 5.
Both are run in the same process; the printed deviation shows they agree.

Run:  .venv/bin/python benchmarks/bench_dynamics.py [--times 200] [--repeats 5]
"""
import argparse

import numpy as np

import nadlib as nad
from nadlib.figures import FIG4_PARAMS

from _timing import best_of


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--times", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--panel", default="a")
    args = ap.parse_args()
    p = FIG4_PARAMS[args.panel]
    m, b = nad.Model(**p["model"]), nad.Baths(**p["baths"])
    t = np.linspace(0, 5 / m.Gamma, args.times)
    nad.correlation_matrix(m, b, t[:3])                      # warm caches
    C, t_fast = best_of(lambda: nad.correlation_matrix(m, b, t), args.repeats)
    C_epa, t_epa = best_of(lambda: nad.correlation_matrix(m, b, t, method="epa"), args.repeats)

    def chain_run():
        ch = nad.FiniteChain(m, b, t_max=float(t[-1]), leads="semi-infinite")
        return ch, ch.correlation_matrix(t)
    (ch, C_chain), t_chain = best_of(chain_run, max(1, args.repeats // 2))
    dev = np.abs(C - C_chain).max()
    print(f"exact C(t) at {args.times} times, Fig. 4({args.panel}) parameters, Gamma t in [0, 5]")
    print(f"  nadlib exact (contour propagator) : {t_fast:7.3f} s")
    print(f"  nadlib EPA                        : {t_epa:7.3f} s")
    print(f"  FiniteChain, M = {ch.M:5d} per lead    : {t_chain:7.3f} s")
    print(f"  speed-up over the chain           : {t_chain / t_fast:7.1f} x")
    print(f"  max |C_exact - C_chain|           : {dev:.1e}")
    print(f"  max |C_exact - C_EPA|             : {np.abs(C - C_epa).max():.1e}")
    print("  targets: < 0.5 s, >= 50x faster than the chain")


if __name__ == "__main__":
    main()
