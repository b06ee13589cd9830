"""The one vectorised integrator that every frequency integral in nadlib uses.

Integrals run over the band [-Omega, Omega].  The integrands share a small set of
features, and the rule puts its nodes where those are:

* **band edges**: the Newns density (19) vanishes like a square root at +-Omega.
  The substitution w = -Omega cos(u), u in [0, pi], turns J_N(w) dw into
  (Gamma Omega / 2 pi) sin^2(u) du, which is smooth, so composite Gauss-Legendre
  in u converges exponentially up to the edges;
* **Lorentzian peaks** at E_j of width Gamma_j: breakpoints graded geometrically
  away from the centre (c +- gamma 2^k);
* **Fermi steps** at mu of width T: a breakpoint at mu (exact for T = 0) and
  geometrically graded ones at mu +- T 2^k;
* **oscillations** exp(-i w t) up to t_max: panels short enough in w that the
  phase advances by at most ~10 radians across a 16-node panel.

`band_rule` returns one node set; `fermi_average` integrates a kernel against
Fermi functions for a whole array of (mu, T) pairs at once, sharing work between
repeated pairs, which is what makes parameter maps cheap.  `arc_rule` is the
companion rule on the lower semicircle |w| = Omega used by the exact propagator
(App. E contour, Fig. 8).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .model import fermi

__all__ = ["gauss_legendre", "band_rule", "fermi_average", "arc_rule", "DEFAULT_ORDER"]

DEFAULT_ORDER = 16
_PHASE_PER_PANEL = 10.0     # max phase w*t advanced over one panel (GL-16 error ~1e-13)
_DU_MAX = np.pi / 32        # background panel length in u
_LEVELS = np.concatenate([[0.0], 2.0 ** np.arange(-2, 40)])


@lru_cache(maxsize=None)
def gauss_legendre(n):
    """Gauss-Legendre nodes and weights on [-1, 1] (cached). Shapes (n,), (n,)."""
    x, w = np.polynomial.legendre.leggauss(n)
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w


def _to_u(w, Omega):
    return np.arccos(np.clip(-np.asarray(w, float) / Omega, -1.0, 1.0))


def _graded(center, width, Omega):
    """Breakpoints center +- width * {0, 1/4, 1/2, 1, 2, 4, ...} inside the band, in u."""
    if width <= 0:
        pts = np.array([center])
    else:
        lev = _LEVELS[_LEVELS * width <= 2.5 * Omega]
        pts = np.concatenate([center - width * lev[1:], [center], center + width * lev[1:]])
    pts = pts[np.abs(pts) < Omega]
    return _to_u(pts, Omega)


def _fixed_breakpoints(Omega, peaks, t_max):
    parts = [np.linspace(0.0, np.pi, int(np.ceil(np.pi / _DU_MAX)) + 1)]
    if t_max is not None and t_max > 0:
        # exp(-i w t) advances by Omega t sin(u) du across a panel: grade the panels so
        # that each advances by _PHASE_PER_PANEL at most.  Equal steps in the variable
        # v = 1 - cos(u) (the map w = -Omega cos u itself) do exactly that.
        n_osc = int(np.ceil(2 * Omega * t_max / _PHASE_PER_PANEL))
        parts.append(np.arccos(np.clip(np.linspace(-1.0, 1.0, n_osc + 1), -1.0, 1.0))[::-1])
    for c, wdt in peaks:
        parts.append(_graded(float(c), float(wdt), Omega))
    return np.unique(np.concatenate(parts))


def _rule_from_breakpoints(ub, Omega, n):
    """Composite Gauss-Legendre on panels between sorted u-breakpoints (..., K).

    Returns nodes w and weights (including the Jacobian dw/du = Omega sin u),
    both of shape (..., (K-1)*n).  Zero-length panels get zero weight.
    """
    x, wgl = gauss_legendre(n)
    a, b = ub[..., :-1, None], ub[..., 1:, None]
    half = 0.5 * (b - a)
    u = (a + b) / 2 + half * x
    wu = half * wgl
    shape = ub.shape[:-1] + (-1,)
    u = u.reshape(shape)
    wts = (wu.reshape(shape)) * Omega * np.sin(u)
    return -Omega * np.cos(u), wts


def band_rule(Omega, peaks=(), steps=(), t_max=None, n=DEFAULT_ORDER):
    """Quadrature nodes and weights on the band [-Omega, Omega].

    Parameters
    ----------
    Omega : float
        Half-bandwidth.
    peaks : sequence of (center, width)
        Lorentzian-like features to resolve.
    steps : sequence of (mu, T)
        Fermi steps to resolve (T = 0 allowed: a breakpoint exactly at mu).
    t_max : float, optional
        Largest time in an oscillatory factor exp(-i w t).
    n : int
        Gauss-Legendre order per panel.

    Returns
    -------
    w, wts : ndarray, shape (N,)
        Nodes and weights; sum(wts * f(w)) approximates the band integral of f.
    """
    ub = _fixed_breakpoints(Omega, peaks, t_max)
    extra = [_graded(mu, T, Omega) for mu, T in steps]
    ub = np.unique(np.concatenate([ub] + extra))
    return _rule_from_breakpoints(ub, Omega, n)


def fermi_average(kernel, Omega, mu, T, peaks=(), n=DEFAULT_ORDER):
    """Integrals of kernel(w) * f(w; mu, T) over the band for arrays of (mu, T).

    Parameters
    ----------
    kernel : callable
        kernel(w) for w of any shape returns an array of shape (*K, *w.shape):
        several integrands (channels K) may be evaluated at once.
    Omega : float
        Half-bandwidth.
    mu, T : array_like
        Chemical potentials and temperatures, broadcast to a common shape S.
    peaks : sequence of (center, width)
        Fixed features of the kernel.

    Returns
    -------
    ndarray, shape (*K, *S)

    Notes
    -----
    Each distinct (mu, T) pair is integrated once; on a mu_L x mu_R map of
    size N x N this reduces N^2 integrals per bath to N.  All distinct pairs are
    integrated in one vectorised pass: they share the fixed breakpoints and each
    adds the same number of step breakpoints, so the node arrays stack.
    """
    mu, T = np.broadcast_arrays(np.asarray(mu, float), np.asarray(T, float))
    S = mu.shape
    pairs, inverse = np.unique(np.stack([mu.ravel(), T.ravel()], axis=1), axis=0,
                               return_inverse=True)
    inverse = inverse.ravel()
    ub0 = _fixed_breakpoints(Omega, peaks, None)
    mus, Ts = pairs[:, 0], pairs[:, 1]
    # identical count of step breakpoints per pair; out-of-band ones are clipped to
    # the edges and so only create empty panels
    # enough graded levels that the widest step (largest T) reaches across the band
    T_pos = Ts[Ts > 0]
    n_lev = 2 if T_pos.size == 0 else int(np.clip(np.ceil(np.log2(2 * Omega / T_pos.min())) + 4, 2, 44))
    lev = _LEVELS[:n_lev]
    offs = np.concatenate([-lev[:0:-1], lev])
    wstep = mus[:, None] + Ts[:, None] * offs[None, :]
    ustep = _to_u(np.clip(wstep, -Omega, Omega), Omega)
    ub = np.sort(np.concatenate([np.broadcast_to(ub0, (len(pairs), ub0.size)), ustep], axis=1),
                 axis=1)
    w, wts = _rule_from_breakpoints(ub, Omega, n)            # (P, N)
    f = fermi(w, mus[:, None], Ts[:, None])
    vals = kernel(w)                                         # (*K, P, N)
    out = np.sum(vals * (f * wts), axis=-1)                  # (*K, P)
    return out[..., inverse].reshape(out.shape[:-1] + S)


@lru_cache(maxsize=None)
def arc_rule(levels=12, n=8):
    """Quadrature on theta in (0, pi) for integrands on the arc w = Omega exp(-i theta).

    The arc integrands of the exact propagator behave like sqrt(theta) near
    theta = 0 (and sqrt(pi - theta) near pi) and, at late times, are confined
    to a boundary layer exp(-Omega t sin(theta)).  Substituting theta = s^2 and
    grading the s-panels geometrically towards s = 0 resolves both.

    Returns
    -------
    theta, weights : ndarray, shape (2 * (levels + 1) * n,)
    """
    x, wgl = gauss_legendre(n)
    s_top = np.sqrt(np.pi / 2)
    edges = np.concatenate([[0.0], s_top * 2.0 ** -np.arange(levels, -1, -1.0)])
    a, b = edges[:-1, None], edges[1:, None]
    s = ((a + b) / 2 + (b - a) / 2 * x).ravel()
    ws = ((b - a) / 2 * wgl).ravel() * 2 * s               # dtheta = 2 s ds
    th = s ** 2
    theta = np.concatenate([th, np.pi - th[::-1]])
    weights = np.concatenate([ws, ws[::-1]])
    theta.setflags(write=False)
    weights.setflags(write=False)
    return theta, weights
