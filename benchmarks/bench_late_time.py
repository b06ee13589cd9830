"""Benchmark: the cost of C(t) is flat in t, from t = 1e2 to 1e9 (issue 9, item 5).

For each t (one time per call) the table gives the wall time of the public `correlation_matrix`
(exact propagator and EPA), the deviation |C(t) - C(inf)| from the steady state of Eq. (32), and,
where it is still feasible, the wall time of the closed-form route on the resolved band rule
(`nadlib.exact._direct`: the only route before the late-time route existed, now with its memory
held in blocks; its node count grows like Omega t, so it is skipped beyond --direct-max) with the
ratio of the two, both measured in this run.  Before this change the closed-form route also held
all its nodes at once, which at Fig. 5's parameters asked for ~12 GiB at t = 1e5 and 116 GiB at
t = 1e6.

Run:  .venv/bin/python benchmarks/bench_late_time.py [--case fig5|fig4a] [--repeats 3] [--direct-max 1e4]
"""
import argparse

import numpy as np

import nadlib as nad
from nadlib import exact
from nadlib.quadrature import RESOLVED_MAX_OMEGA_T

from _timing import best_of

CASES = {
    "fig5": (dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0),
             dict(T_L=0.01, T_R=0.01, mu_L=1.0, mu_R=0.0)),
    "fig4a": (dict(h=1.0, delta=0.1, g=0.5, Gamma=0.2, Omega=100.0),
              dict(T_L=0.1, T_R=0.1, mu_L=1.0, mu_R=0.0)),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", default="fig5", choices=sorted(CASES))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--direct-max", type=float, default=1e4,
                    help="largest t at which the closed-form route on the resolved rule is timed")
    args = ap.parse_args()
    mp, bp = CASES[args.case]
    m, b = nad.Model(**mp), nad.Baths(**bp)
    Cinf = nad.steady_state(m, b)
    nad.correlation_matrix(m, b, [1.0])                     # warm caches
    print(f"C(t) at one time per call, {args.case} parameters {mp}, baths {bp}")
    print(f"late-time route for Omega t > {RESOLVED_MAX_OMEGA_T:g}, i.e. t > {RESOLVED_MAX_OMEGA_T / m.Omega:g}")
    print(f"{'t':>8} {'exact [s]':>10} {'EPA [s]':>9} {'|C - C(inf)|':>13} {'|Z - C(inf)|':>13} "
          f"{'direct [s]':>11} {'direct/new':>10} {'|C - C_direct|':>15}")
    for t in 10.0 ** np.arange(2, 10):
        C, t_new = best_of(lambda: nad.correlation_matrix(m, b, [t])[0], args.repeats)
        _, t_epa = best_of(lambda: nad.correlation_matrix(m, b, [t], method="epa"), args.repeats)
        dev = np.abs(C - Cinf).max()
        # the late route's tail Z(t) - C(inf), computed without reference to C(inf)
        tail = np.abs(exact._tail(m, b, np.array([t]), "exact", "shifted", False)[0]).max()
        if t <= args.direct_max:
            Cd, t_dir = best_of(lambda: exact._direct(m, b, np.array([t]), "exact", "shifted", False)[0][0],
                                1 if t > 1e3 else args.repeats)          # vacuum C0: C = Z
            direct = f"{t_dir:11.3f} {t_dir / t_new:10.1f} {np.abs(C - Cd).max():15.1e}"
        else:
            direct = f"{'-':>11} {'-':>10} {'-':>15}"
        print(f"{t:8.0e} {t_new:10.4f} {t_epa:9.4f} {dev:13.1e} {tail:13.1e} {direct}")
    print("|C - C(inf)| is the physical approach to the steady state, not an error: the pole terms decay "
          "like exp(-Gamma_j t), the band-edge tails like t^-2, or like ~t^-3 when F(+-Omega) is diagonal "
          "(both cases here; ~1e-33 is the late route's round-off floor); below "
          "~1e-16 it is not resolved against C(inf) ~ 1, and the column |Z - C(inf)| gives it as the "
          "late-time route computes it, directly.")


if __name__ == "__main__":
    main()
