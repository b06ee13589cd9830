"""Benchmark: a 201 x 201 map of nu_inf over (mu_L, mu_R) at Fig. 5's parameters.

nadlib's vectorised path is timed against a naive baseline that loops over grid
points and calls scipy.integrate.quad for every rate integral of Eq. (55), timed
on a random subsample of grid points and extrapolated.  Accuracy is checked
against mpmath quadrature at 30 digits on random grid points.

Run:  .venv/bin/python benchmarks/bench_anm_map.py [--n 201] [--baseline-points 200] [--mp-points 20]
"""
import argparse
import math
import time

import mpmath as mp
import numpy as np
from scipy.integrate import quad

import nadlib as nad
from nadlib.anm import negative_weight

P = dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)
T = 0.01


def rates_quad(m, muL, muR, T):
    """Lambda^+ of Eq. (55) at one grid point with scipy quad (the naive baseline).

    Plain scalar Python integrands (math module), the features passed as `points`,
    tolerances set for ~1e-10 accuracy: what a careful first implementation does.
    """
    E, G, R, Om, Gam = m.E.tolist(), m.Gamma_golden.tolist(), m.R, m.Omega, m.Gamma
    L = np.zeros((2, 2), complex)
    for a, mu in enumerate((muL, muR)):
        def f(w, mu=mu):
            x = (w - mu) / T
            return 0.0 if x > 700 else 1.0 / (math.exp(x) + 1.0)

        def J(w):
            return Gam / (2 * math.pi) * math.sqrt(max(0.0, 1 - (w / Om) ** 2))
        pts = sorted({E[0], E[1], mu})
        for j in range(2):
            for k in range(j, 2):
                def integrand(w, part):
                    v = 1j * J(w) * f(w) * (1 / (E[j] - w + 0.5j * G[j]) - 1 / (E[k] - w - 0.5j * G[k]))
                    return v.real if part == 0 else v.imag
                val = quad(integrand, -Om, Om, args=(0,), points=pts, limit=400, epsabs=1e-13, epsrel=1e-10)[0]
                if j != k:
                    val = val + 1j * quad(integrand, -Om, Om, args=(1,), points=pts, limit=400,
                                          epsabs=1e-13, epsrel=1e-10)[0]
                L[j, k] += R[j, a] * R[k, a] * val
    L[1, 0] = np.conj(L[0, 1])
    return L


def rates_mpmath(m, muL, muR, T, dps=30):
    """Lambda^+ of Eq. (55) with mpmath tanh-sinh quadrature, split at every feature."""
    mp.mp.dps = dps
    E = [mp.mpf(x) for x in m.E]
    Om, Gam = mp.mpf(m.Omega), mp.mpf(m.Gamma)
    G = [2 * mp.pi * Gam / (2 * mp.pi) * mp.sqrt(1 - (e / Om) ** 2) for e in E]
    R = m.R
    L = np.zeros((2, 2), complex)
    for a, mu in enumerate((muL, muR)):
        mu = mp.mpf(mu)
        f = lambda w: 1 / (mp.exp((w - mu) / T) + 1)
        J = lambda w: Gam / (2 * mp.pi) * mp.sqrt(1 - (w / Om) ** 2)
        pts = sorted({-Om, Om, E[0], E[1], mu} | {mu + s * k * T for s in (-1, 1) for k in (5, 20)})
        pts = [p for p in pts if -Om <= p <= Om]
        for j in range(2):
            for k in range(j, 2):
                g = lambda w: 1j * J(w) * f(w) * (1 / (E[j] - w + 0.5j * G[j]) - 1 / (E[k] - w - 0.5j * G[k]))
                val = complex(mp.quad(g, pts))
                L[j, k] += R[j, a] * R[k, a] * val
    L[1, 0] = np.conj(L[0, 1])
    return L


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=201)
    ap.add_argument("--baseline-points", type=int, default=200)
    ap.add_argument("--mp-points", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    m = nad.Model(**P)
    mu = np.linspace(0.0, 2.0, args.n)
    nad.nu_map_mu(m, mu[:5], mu[:5], T)                      # warm caches (Gauss nodes)
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        nu = nad.nu_map_mu(m, mu, mu, T)
        times.append(time.perf_counter() - t0)
    t_fast = min(times)
    Lp_map = nad.asymptotic_rates(m, nad.Baths(T, T, mu[:, None], mu[None, :]))

    rng = np.random.default_rng(2018)
    idx = rng.integers(0, args.n, size=(args.baseline_points, 2))
    t0 = time.perf_counter()
    base = [rates_quad(m, mu[i], mu[k], T) for i, k in idx]
    t_base_sub = time.perf_counter() - t0
    t_base = t_base_sub / args.baseline_points * args.n ** 2
    err_quad = max(np.abs(L - Lp_map[i, k]).max() / np.abs(Lp_map[i, k]).max() for L, (i, k) in zip(base, idx))

    idx_mp = rng.integers(0, args.n, size=(args.mp_points, 2))
    rel, nu_rel = [], []
    for i, k in idx_mp:
        L = rates_mpmath(m, mu[i], mu[k], T)
        rel.append(np.abs(L - Lp_map[i, k]).max() / np.abs(L).max())
        Lm = np.diag(m.Gamma_golden) - L
        nu_ref = negative_weight(L, Lm)
        if nu_ref > 1e-6 * m.Gamma:
            nu_rel.append(abs(nu[i, k] - nu_ref) / nu_ref)
    print(f"nu_inf map {args.n}x{args.n} at Fig. 5 parameters, T = {T}")
    print(f"  nadlib (vectorised)     : {t_fast:8.3f} s  (best of {args.repeats})")
    print(f"  naive scipy quad loop   : {t_base:8.1f} s  (extrapolated from {args.baseline_points} points, "
          f"{t_base_sub:.1f} s measured)")
    print(f"  speed-up                : {t_base / t_fast:8.0f} x")
    print(f"  max rel. error vs mpmath (rates, {args.mp_points} points): {max(rel):.1e}")
    print(f"  max rel. error vs mpmath (nu_inf > 0, {len(nu_rel)} points): "
          f"{max(nu_rel) if nu_rel else float('nan'):.1e}")
    print(f"  max rel. difference vs the quad baseline: {err_quad:.1e}")
    print(f"  targets: < 0.5 s, >= 1000x, <= 1e-9 relative error")


if __name__ == "__main__":
    main()
