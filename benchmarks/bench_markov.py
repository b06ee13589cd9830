"""Benchmark: the master equations of nadlib.markov over parameter grids, against loops of scalar calls.

Two workloads, the performance targets of issue 10:

1. `lindblad_steady_state` on a 201 x 201 mu_L x mu_R Baths grid for "local", "global", "redfield"
   and "unified", plus the exact `steady_state` (Eq. (32)), at Fig. 5's model (target < 5 s in all);
2. a 101 x 101 (g, Gamma) `error_map` of all five kinds against the exact C(inf) and Landauer currents,
   which needs the exact solution over a grid of *models* (target < 10 s).

Each is timed against the obvious loop of scalar calls (one Model, one scalar Baths per call), timed
on a random sample of grid points in the same run and extrapolated; the sampled points also check
that the vectorised results agree with the scalar ones.

Run:  .venv/bin/python benchmarks/bench_markov.py [--n-mu 201] [--n-model 101] [--sample 60]
"""
import argparse
import time

import numpy as np

import nadlib as nad
from nadlib import markov as mk

from _timing import best_of

FIG5 = dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)
KINDS4 = ("local", "global", "redfield", "unified")


def baths_grid(n, sample, repeats, rng):
    m = nad.Model(**FIG5)
    mu = np.linspace(0.0, 2.0, n)
    b = nad.Baths(0.05, 0.05, mu[:, None], mu[None, :])

    def fast():
        out = {k: nad.lindblad_steady_state(m, b, k) for k in KINDS4}
        out["exact"] = nad.steady_state(m, b)
        return out
    fast()                                                            # warm caches
    C, t_fast = best_of(fast, repeats)
    idx = rng.integers(0, n, size=(sample, 2))
    t0 = time.perf_counter()
    loop = [({k: nad.lindblad_steady_state(m, b[i, j], k) for k in KINDS4} | {"exact": nad.steady_state(m, b[i, j])})
            for i, j in idx]
    t_loop = (time.perf_counter() - t0) / sample * n * n
    err = max(np.abs(v[k] - C[k][i, j]).max() for v, (i, j) in zip(loop, idx) for k in v)
    return t_fast, t_loop, err


def model_grid(n, sample, repeats, rng):
    m, b = nad.Model(**FIG5), nad.Baths(0.05, 0.05, 1.0, 0.2)
    gs, Gs = np.linspace(0.01, 1.0, n), np.geomspace(1e-3, 0.3, n)
    em, t_fast = best_of(lambda: mk.error_map(m, b, g=gs, Gamma=Gs), repeats)
    idx = rng.integers(0, n, size=(sample, 2))
    t0 = time.perf_counter()
    loop = []
    for i, j in idx:
        mi = nad.Model(**dict(FIG5, g=gs[i], Gamma=Gs[j]))
        C0 = nad.steady_state(mi, b)
        J0 = nad.currents(mi, b)
        row = {}
        for k in mk.KINDS:
            C = nad.lindblad_steady_state(mi, b, k)
            J = nad.lindblad_currents(mi, b, k)
            row[k] = (mk.gaussian_trace_distance(C, C0), abs(J.particle / J0.particle - 1))
        loop.append(row)
    t_loop = (time.perf_counter() - t0) / sample * n * n
    err = max(max(abs(v[k][0] - em.trace_distance[k][i, j]), abs(v[k][1] - em.particle[k][i, j]))
              for v, (i, j) in zip(loop, idx) for k in mk.KINDS)
    return t_fast, t_loop, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-mu", type=int, default=201)
    ap.add_argument("--n-model", type=int, default=101)
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(10)
    t1, l1, e1 = baths_grid(args.n_mu, args.sample, args.repeats, rng)
    print(f"1. steady states of local, global, redfield, unified + exact C(inf), {args.n_mu}x{args.n_mu} "
          "mu_L x mu_R grid (Fig. 5 model, T = 0.05)")
    print(f"   nadlib (vectorised)       : {t1:8.3f} s  (best of {args.repeats}; target < 5 s)")
    print(f"   loop of scalar calls      : {l1:8.1f} s  (extrapolated from {args.sample} points)")
    print(f"   speed-up                  : {l1 / t1:8.0f} x")
    print(f"   max |difference| on the sampled points: {e1:.1e}")
    t2, l2, e2 = model_grid(args.n_model, args.sample, args.repeats, rng)
    print(f"2. error map of all five kinds over a {args.n_model}x{args.n_model} (g, Gamma) grid "
          "(exact C(inf) and Landauer currents per model)")
    print(f"   nadlib (vectorised)       : {t2:8.3f} s  (best of {args.repeats}; target < 10 s)")
    print(f"   loop of scalar calls      : {l2:8.1f} s  (extrapolated from {args.sample} points)")
    print(f"   speed-up                  : {l2 / t2:8.0f} x")
    print(f"   max |difference| of trace distances and relative current errors: {e2:.1e}")


if __name__ == "__main__":
    main()
