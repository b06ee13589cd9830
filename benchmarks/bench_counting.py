"""Benchmarks: maps of the zero-frequency noise k_2 over (mu_L, mu_R) at Fig. 5's parameters.

1. Exact (Levitov-Lesovik), 201 x 201:

nadlib's vectorised path (`nad.noise`, the two-bath rule of quadrature.bath_pair_average) is timed
against a naive baseline that loops over the grid points and calls scipy.integrate.quad on the
noise integrand T(f_L(1-f_R) + f_R(1-f_L)) - T^2 (f_L - f_R)^2 at every point, timed on a random
subsample of grid points and extrapolated.  Accuracy is checked against mpmath quadrature at
30 digits on random grid points.

2. Master equations, 101 x 101, each kind: `nad.lindblad_cumulants` (Rayleigh-Schroedinger recursion on
the 6-dim sector, batched bordered inverses) against a naive loop that builds the 16 x 16 tilted
generator of one point at a time and takes k_2 from a central second difference of its eigenvalue
nearest 0 (timed on a random subsample and extrapolated).  Accuracy: the largest deviation from the
loop (limited by its finite difference, ~h^2) and from the Cauchy integral of the eigenvalue on a
circle of counting fields at a few points (round-off).

Run:  .venv/bin/python benchmarks/bench_counting.py [--n 201] [--baseline-points 200] [--mp-points 10]
      [--me-n 101] [--me-baseline-points 100]
"""
import argparse
import math
import time

import mpmath as mp
import numpy as np
from scipy.integrate import quad

import nadlib as nad
from nadlib import counting, fock
from nadlib import markov as mk

P = dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)


def _transmission_scalar(m):
    """T(w) = 2 pi calT(w) of Eq. (45) as a plain scalar function (math module)."""
    Om, Gam, g = m.Omega, m.Gamma, m.g
    r = Gam / Om
    Ep = [(1 - r / 2) / (1 - r) * E for E in m.E]
    Gj = [math.sqrt(1 - r - (E / Om) ** 2) / (1 - r) * Gam for E in m.E]

    def T(w):
        J = Gam / (2 * math.pi) * math.sqrt(max(0.0, 1 - (w / Om) ** 2))
        phi = [J / (1 - r) / ((w - Ep[j]) ** 2 + Gj[j] ** 2 / 4) for j in range(2)]
        return math.pi ** 2 * g ** 2 * phi[0] * phi[1]
    return T


def noise_quad(m, muL, muR, T, Tw):
    """k_2 at one grid point with scipy quad (the naive baseline): a careful first implementation
    with the features passed as `points` and tolerances for ~1e-10."""
    def f(w, mu):
        if T == 0:
            return float(w < mu)
        x = (w - mu) / T
        return 0.0 if x > 700 else (1.0 if x < -700 else 1.0 / (math.exp(x) + 1.0))

    def integrand(w):
        fL, fR = f(w, muL), f(w, muR)
        t = Tw(w)
        return (t * (fL * (1 - fR) + fR * (1 - fL)) - t * t * (fL - fR) ** 2) / (2 * math.pi)
    pts = sorted({*m.E.tolist(), muL, muR})
    return quad(integrand, -m.Omega, m.Omega, points=pts, limit=400, epsabs=1e-14, epsrel=1e-10)[0]


def noise_mpmath(m, muL, muR, T, dps=30):
    """k_2 with mpmath tanh-sinh quadrature at `dps` digits, split at every feature."""
    mp.mp.dps = dps
    Om, Gam, g = mp.mpf(m.Omega), mp.mpf(m.Gamma), mp.mpf(m.g)
    r = Gam / Om
    E = [mp.mpf(x) for x in m.E]
    Ep = [(1 - r / 2) / (1 - r) * e for e in E]
    Gj = [mp.sqrt(1 - r - (e / Om) ** 2) / (1 - r) * Gam for e in E]
    muL, muR, T = mp.mpf(muL), mp.mpf(muR), mp.mpf(T)

    def integrand(w):
        J = Gam / (2 * mp.pi) * mp.sqrt(1 - (w / Om) ** 2)
        phi = [J / (1 - r) / ((w - Ep[j]) ** 2 + Gj[j] ** 2 / 4) for j in range(2)]
        t = mp.pi ** 2 * g ** 2 * phi[0] * phi[1]
        if T == 0:
            fL, fR = mp.mpf(w < muL), mp.mpf(w < muR)
        else:
            fL, fR = 1 / (mp.exp((w - muL) / T) + 1), 1 / (mp.exp((w - muR) / T) + 1)
        return (t * (fL * (1 - fR) + fR * (1 - fL)) - t * t * (fL - fR) ** 2) / (2 * mp.pi)
    pts = {-Om, Om, *E}
    for mu in (muL, muR):
        pts |= {mu + s * k * T for s in (-1, 1) for k in (0, 2, 8, 30)}
    pts = sorted(p for p in pts if -Om <= p <= Om)
    return float(mp.quad(integrand, pts))


def _tilted_16(m, b, kind, chi):
    """The 16 x 16 tilted generator of one point, assembled with nadlib.fock (naive: one point per call)."""
    me = nad.master_equation(m, b, kind)
    d = fock.annihilators()
    L = nad.lindblad_generator(m, b, kind)
    for j in range(2):
        for k in range(2):
            L = L + me.Lambda_plus[0, j, k] * np.expm1(chi) * fock.sprepost(d[k].T, d[j])
            L = L + me.Lambda_minus[0, j, k] * np.expm1(-chi) * fock.sprepost(d[j], d[k].T)
    return L


def _kappa_16(m, b, kind, chi):
    ev = np.linalg.eigvals(_tilted_16(m, b, kind, chi))
    return ev[np.argmin(np.abs(ev))]


def lindblad_noise_loop(m, b, kind, h=1e-3):
    """k_2 = d^2 kappa / dchi^2 by a central second difference (the naive baseline)."""
    return ((_kappa_16(m, b, kind, h) - 2 * _kappa_16(m, b, kind, 0.0) + _kappa_16(m, b, kind, -h)) / h ** 2).real


def lindblad_noise_cauchy(m, b, kind, r=0.2, J=32):
    """k_2 from the Cauchy integral of the 16 x 16 eigenvalue on |chi| = r (a referee at a few points)."""
    chis = r * np.exp(2j * np.pi * np.arange(J) / J)
    c = np.fft.fft([_kappa_16(m, b, kind, x) for x in chis]) / J
    return (2 * c[2] / r ** 2).real


def master_equation_maps(args, rng):
    m = nad.Model(**P)
    mu = np.linspace(0.0, 2.0, args.me_n)
    T = 0.01
    b = nad.Baths(T, T, mu[:, None], mu[None, :])
    print(f"master-equation k_1, k_2 from the tilted generators, {args.me_n}x{args.me_n} map over (mu_L, mu_R), "
          f"T = {T}, Fig. 5 model")
    for kind in mk.KINDS:
        counting.lindblad_cumulants(m, b[:2, :2], kind)                   # warm up
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            k = counting.lindblad_cumulants(m, b, kind, order=2)
            times.append(time.perf_counter() - t0)
        t_fast = min(times)
        idx = rng.integers(0, args.me_n, size=(args.me_baseline_points, 2))
        t0 = time.perf_counter()
        base = [lindblad_noise_loop(m, b[i, j], kind) for i, j in idx]
        t_sub = time.perf_counter() - t0
        t_base = t_sub / args.me_baseline_points * args.me_n ** 2
        scale = np.abs(k[..., 1]).max()
        err_loop = max(abs(v - k[i, j, 1]) for v, (i, j) in zip(base, idx)) / scale
        err_cauchy = max(abs(lindblad_noise_cauchy(m, b[i, j], kind) - k[i, j, 1]) for i, j in idx[:5]) / scale
        J = nad.lindblad_currents(m, b, kind).particle
        err_k1 = np.abs(k[..., 0] - J).max() / np.abs(J).max()
        print(f"  {kind:10s}: nadlib {t_fast:6.2f} s (best of {args.repeats});  16x16 eigenvalue loop "
              f"{t_base:6.0f} s (extrapolated from {args.me_baseline_points} points, {t_sub:.1f} s measured);  "
              f"speed-up {t_base / t_fast:5.0f} x;  max |dk_2| / max k_2 vs the loop {err_loop:.0e}, "
              f"vs the Cauchy integral (5 points) {err_cauchy:.0e};  |k_1 - J^P_L| / max J {err_k1:.0e}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=201)
    ap.add_argument("--baseline-points", type=int, default=200)
    ap.add_argument("--mp-points", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--me-n", type=int, default=101)
    ap.add_argument("--me-baseline-points", type=int, default=100)
    ap.add_argument("--skip-exact", action="store_true")
    args = ap.parse_args()
    m = nad.Model(**P)
    mu = np.linspace(0.0, 2.0, args.n)
    rng = np.random.default_rng(2018)
    if not args.skip_exact:
        exact_maps(args, m, mu, rng)
    master_equation_maps(args, rng)


def exact_maps(args, m, mu, rng):
    print(f"zero-frequency noise k_2, {args.n}x{args.n} map over (mu_L, mu_R) in [0, 2]^2, Fig. 5 model")
    for T in (0.01, 0.1, 0.0):
        b = nad.Baths(T, T, mu[:, None], mu[None, :])
        nad.noise(m, b[:3, :3])                                   # warm caches (Gauss nodes)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            k2 = nad.noise(m, b)
            times.append(time.perf_counter() - t0)
        t_fast = min(times)
        line = f"  T = {T:<5}: nadlib {t_fast:7.2f} s (best of {args.repeats})"
        Tw = _transmission_scalar(m)
        idx = rng.integers(0, args.n, size=(args.baseline_points, 2))
        t0 = time.perf_counter()
        base = [noise_quad(m, mu[i], mu[k], T, Tw) for i, k in idx]
        t_sub = time.perf_counter() - t0
        t_base = t_sub / args.baseline_points * args.n ** 2
        scale = np.abs(k2).max()                                   # errors relative to the map maximum
        err_q = max(abs(v - k2[i, k]) for v, (i, k) in zip(base, idx)) / scale
        idx_mp = rng.integers(0, args.n, size=(args.mp_points, 2))
        err_mp = max(abs(noise_mpmath(m, mu[i], mu[k], T) - k2[i, k]) for i, k in idx_mp) / scale
        line += (f";  scipy quad loop {t_base:7.0f} s (extrapolated from {args.baseline_points} points, "
                 f"{t_sub:.1f} s measured);  speed-up {t_base / t_fast:6.0f} x;  max error / max k_2 vs "
                 f"mpmath ({args.mp_points} points) {err_mp:.1e}, vs the quad loop {err_q:.1e}")
        print(line)


if __name__ == "__main__":
    main()
