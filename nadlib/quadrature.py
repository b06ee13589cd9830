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

`band_rule` returns one node set; `rule_for` is that set for a model and scalar
reservoirs; `stacked_band_rule` builds one node set per row of a batch whose features differ
from row to row (a grid of models), all of one size so that they stack.  `occupation_average` integrates a kernel against occupation functions
(Fermi or Bose) for a whole array of (mu, T) pairs at once, sharing work between
repeated pairs, which is what makes parameter maps cheap.  `bath_average` does that for
both reservoirs of a `Baths`, and `bath_matrix_average` forms the eigenbasis sums
sum_alpha R_j,alpha R_k,alpha int K_jk n_alpha that every steady-state integral needs
(F = R n R^T).  `sqrt_graded_rule` is the rule for integrands with square-root ends
(substitution x = s^2, panels graded towards the end); `arc_rule` applies it on the lower
semicircle |w| = Omega used by the exact propagator (App. E contour, Fig. 8).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .model import STATISTICS, check_baths, occupation

__all__ = ["gauss_legendre", "band_rule", "rule_for", "occupation_average", "bath_average",
           "bath_matrix_average", "sqrt_graded_rule", "arc_rule", "stacked_band_rule", "DEFAULT_ORDER"]

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


def rule_for(m, b, t_max=None, convention="shifted", n=DEFAULT_ORDER):
    """`band_rule` for a model and scalar reservoirs: the two Lorentzian peaks of `m` (in the
    given pole convention), the two occupation steps of `b`, and oscillations up to `t_max`.

    Returns
    -------
    w, wts : ndarray, shape (N,)
    """
    b = check_baths(m, b, scalar=True, bose=True, caller="rule_for")
    steps = [(float(mu), _step_width(float(mu), float(T), b.statistics, m.Omega))
             for mu, T in ((b.mu_L, b.T_L), (b.mu_R, b.T_R))]
    return band_rule(m.Omega, peaks=m.peaks(convention), steps=steps, t_max=t_max, n=n)


def _step_width(mu, T, statistics, Omega):
    """Scale on which the occupation varies: T for a Fermi step at mu; for a Bose function with
    mu < -Omega, the smaller of T and the gap -Omega - mu (n ~ T/(w - mu) near the band bottom)."""
    if statistics == "bose":
        return min(T, -Omega - mu)
    return T


def occupation_average(kernel, Omega, mu, T, statistics="fermi", peaks=(), n=DEFAULT_ORDER):
    """Integrals of kernel(w) * n(w; mu, T) over the band for arrays of (mu, T).

    Parameters
    ----------
    kernel : callable
        kernel(w) for w of any shape returns an array of shape (*K, *w.shape):
        several integrands (channels K) may be evaluated at once.
    Omega : float
        Half-bandwidth.
    mu, T : array_like
        Chemical potentials and temperatures, broadcast to a common shape S.
    statistics : {"fermi", "bose"}
        Occupation function n: Fermi, or Bose (then mu < -Omega, T > 0).
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
    if statistics not in STATISTICS:
        raise ValueError(f"statistics must be one of {STATISTICS}, got {statistics!r}")
    mu, T = np.broadcast_arrays(np.asarray(mu, float), np.asarray(T, float))
    S = mu.shape
    pairs, inverse = np.unique(np.stack([mu.ravel(), T.ravel()], axis=1), axis=0,
                               return_inverse=True)
    inverse = inverse.ravel()
    ub0 = _fixed_breakpoints(Omega, peaks, None)
    mus, Ts = pairs[:, 0], pairs[:, 1]
    widths = (np.minimum(Ts, -Omega - mus) if statistics == "bose" else Ts)
    # identical count of step breakpoints per pair; out-of-band ones are clipped to
    # the edges and so only create empty panels.  Enough graded levels that the
    # widest step reaches across the band from the narrowest.
    W_pos = widths[widths > 0]
    n_lev = 2 if W_pos.size == 0 else int(np.clip(np.ceil(np.log2(2 * Omega / W_pos.min())) + 4, 2, 44))
    lev = _LEVELS[:n_lev]
    offs = np.concatenate([-lev[:0:-1], lev])
    wstep = mus[:, None] + widths[:, None] * offs[None, :]
    ustep = _to_u(np.clip(wstep, -Omega, Omega), Omega)
    ub = np.sort(np.concatenate([np.broadcast_to(ub0, (len(pairs), ub0.size)), ustep], axis=1),
                 axis=1)
    w, wts = _rule_from_breakpoints(ub, Omega, n)            # (P, N)
    occ = occupation(w, mus[:, None], Ts[:, None], statistics)
    vals = kernel(w)                                         # (*K, P, N)
    out = np.sum(vals * (occ * wts), axis=-1)                # (*K, P)
    return out[..., inverse].reshape(out.shape[:-1] + S)


def bath_average(kernel, m, b, convention="shifted", n=DEFAULT_ORDER):
    """int dw kernel(w) n_alpha(w) for both reservoirs alpha and every point of the Baths.

    The occupation integrals of every steady-state quantity go through here.  The (mu, T) pairs
    of both reservoirs are pooled, so that a mu_L x mu_R grid on one axis costs one integral
    per distinct value.

    Parameters
    ----------
    kernel : callable
        kernel(w) -> array of shape (*K, *w.shape).
    m : Model
        Supplies the band and the Lorentzian peaks (in the pole `convention`) to resolve.
    b : Baths
        Any shape S; fermionic or bosonic (validated by `check_baths`).

    Returns
    -------
    ndarray, shape (2, *K, *S): index 0 the reservoir alpha (L, R).
    """
    b = check_baths(m, b, bose=True, caller="bath_average")
    mu = np.stack([b.mu_L, b.mu_R])
    T = np.stack([b.T_L, b.T_R])
    I = occupation_average(kernel, m.Omega, mu, T, b.statistics, peaks=m.peaks(convention), n=n)
    return np.moveaxis(I, -1 - b.T_L.ndim, 0)                 # (*K, 2, *S) -> (2, *K, *S)


def bath_matrix_average(kernel, m, b, convention="shifted", n=DEFAULT_ORDER):
    """int dw K_jk(w) F_jk(w) with F = R diag(n_L, n_R) R^T, for every point of the Baths.

    F_jk = sum_alpha R_j,alpha R_k,alpha n_alpha, so this is one `bath_average` per reservoir.

    Parameters
    ----------
    kernel : callable
        kernel(w) -> array of shape (*K, 2, 2, *w.shape); the last two channel axes are (j, k).

    Returns
    -------
    ndarray, shape (*K, *S, 2, 2)
    """
    I = bath_average(kernel, m, b, convention, n)             # (2, *K, 2, 2, *S)
    nS = np.ndim(b.T_L)
    I = np.moveaxis(I, (I.ndim - nS - 2, I.ndim - nS - 1), (-2, -1))   # (2, *K, *S, 2, 2)
    R = m.R
    return np.einsum("ja,ka,a...jk->...jk", R, R, I)


def sqrt_graded_rule(half_width, levels, n):
    """Nodes and weights on [0, 2 half_width] for integrands ~ sqrt(x) at both ends.

    Substituting x = s^2 near each end makes sqrt(x) dx smooth, and the s-panels are graded
    geometrically towards s = 0 (`levels` halvings), which also resolves boundary layers
    exp(-c x) with large c.  Used by the arc of App. E and the envelope u(tau) of (E6).

    Returns
    -------
    x, weights : ndarray, shape (2 * (levels + 1) * n,)
    """
    x, wgl = gauss_legendre(n)
    s_top = np.sqrt(half_width)
    edges = np.concatenate([[0.0], s_top * 2.0 ** -np.arange(levels, -1, -1.0)])
    a, b = edges[:-1, None], edges[1:, None]
    s = ((a + b) / 2 + (b - a) / 2 * x).ravel()
    ws = ((b - a) / 2 * wgl).ravel() * 2 * s               # dx = 2 s ds
    xs = s ** 2
    nodes = np.concatenate([xs, 2 * half_width - xs[::-1]])
    weights = np.concatenate([ws, ws[::-1]])
    return nodes, weights


@lru_cache(maxsize=None)
def arc_rule(levels=12, n=8):
    """Quadrature on theta in (0, pi) for integrands on the arc w = Omega exp(-i theta).

    The arc integrands of the exact propagator behave like sqrt(theta) near
    theta = 0 (and sqrt(pi - theta) near pi) and, at late times, are confined
    to a boundary layer exp(-Omega t sin(theta)): `sqrt_graded_rule` on [0, pi].

    Returns
    -------
    theta, weights : ndarray, shape (2 * (levels + 1) * n,)
    """
    theta, weights = sqrt_graded_rule(np.pi / 2, levels, n)
    theta.setflags(write=False)
    weights.setflags(write=False)
    return theta, weights


def stacked_band_rule(Omega, features, n=DEFAULT_ORDER, reach=2.5):
    """One composite Gauss-Legendre rule on [-Omega, Omega] per row of `features`, all of one size.

    The rule of `band_rule` for many integrands at once whose features differ from row to row
    (a grid of models, each with its own Lorentzian peaks, or of reservoirs, each with its own
    occupation step).  Every feature (centre c, width W) adds the breakpoints c +- W {0, 1/4, 1/2,
    1, 2, 4, ...} up to `reach` * Omega; every row gets the same number of them (points outside
    the band are clipped to its edges and only create empty panels of zero weight), so the
    node arrays stack into one (R, N) array that NumPy evaluates in one pass.

    Parameters
    ----------
    Omega : float
        Half-bandwidth (shared by all rows).
    features : array_like, shape (R, F, 2)
        Row r's features (centre, width); width 0 puts one breakpoint exactly at the centre
        (a zero-temperature step, or a point where an integrand is only piecewise smooth).
    n : int
        Gauss-Legendre order per panel.
    reach : float
        Grading stops once width * 2^k exceeds reach * Omega.

    Returns
    -------
    w, wts : ndarray, shape (R, N)
        Nodes and weights; (wts * f(w)).sum(-1) approximates the band integrals of the rows.
    """
    feats = np.asarray(features, dtype=float)
    if feats.ndim != 3 or feats.shape[-1] != 2:
        raise ValueError(f"features must have shape (R, F, 2) (centre, width), got {feats.shape}")
    if not np.all(np.isfinite(feats)) or np.any(feats[..., 1] < 0):
        raise ValueError("features must be finite with widths >= 0")
    centre, width = feats[..., 0], feats[..., 1]
    positive = width[width > 0]
    n_lev = 2 if positive.size == 0 else int(np.clip(
        np.ceil(np.log2(reach * Omega / positive.min())) + 4, 2, _LEVELS.size))
    lev = _LEVELS[:n_lev]
    offs = np.concatenate([-lev[:0:-1], lev])
    pts = centre[..., None] + width[..., None] * offs                # (R, F, L)
    u = _to_u(np.clip(pts, -Omega, Omega), Omega).reshape(feats.shape[0], -1)
    ub0 = _fixed_breakpoints(Omega, (), None)
    ub = np.sort(np.concatenate([np.broadcast_to(ub0, (feats.shape[0], ub0.size)), u], axis=1), axis=1)
    return _rule_from_breakpoints(ub, Omega, n)
