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
reservoirs.  `occupation_average` integrates a kernel against occupation functions
(Fermi or Bose) for a whole array of (mu, T) pairs at once, sharing work between
repeated pairs, which is what makes parameter maps cheap.  `bath_average` does that for
both reservoirs of a `Baths`, and `bath_matrix_average` forms the eigenbasis sums
sum_alpha R_j,alpha R_k,alpha int K_jk n_alpha that every steady-state integral needs
(F = R n R^T).  `bath_pair_average` is the rule for
integrands that mix the occupations of both reservoirs at the same frequency (products such as
n_L (1 - n_R), as in counting statistics): every Baths point gets one rule with both reservoirs'
steps.  `sqrt_graded_rule` is the rule for integrands with square-root ends
(substitution x = s^2, panels graded towards the end); `arc_rule` applies it on the lower
semicircle |w| = Omega used by the exact propagator (App. E contour, Fig. 8).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .model import STATISTICS, check_baths, occupation

__all__ = ["gauss_legendre", "band_rule", "rule_for", "occupation_average", "bath_average",
           "bath_matrix_average", "bath_pair_average", "sqrt_graded_rule", "arc_rule",
           "DEFAULT_ORDER", "PAIR_CHUNK_NODES"]

DEFAULT_ORDER = 16
_PHASE_PER_PANEL = 10.0     # max phase w*t advanced over one panel (GL-16 error ~1e-13)
_DU_MAX = np.pi / 32        # background panel length in u
_LEVELS = np.concatenate([[0.0], 2.0 ** np.arange(-2, 40)])
#: Nodes (Baths points x frequencies) that `bath_pair_average` evaluates in one vectorised pass:
#: a kernel with K channels then holds about 8 K PAIR_CHUNK_NODES bytes per temporary.
PAIR_CHUNK_NODES = 1 << 16


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


def _rule_from_w_breakpoints(wb, n):
    """Composite Gauss-Legendre on panels between sorted breakpoints in w (..., K), no map.

    For panels away from the band edges.  Returns nodes and weights of shape (..., (K-1)*n).
    """
    x, wgl = gauss_legendre(n)
    a, b = wb[..., :-1, None], wb[..., 1:, None]
    half = 0.5 * (b - a)
    shape = wb.shape[:-1] + (-1,)
    return ((a + b) / 2 + half * x).reshape(shape), (half * wgl).reshape(shape)


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


def _step_widths(mus, Ts, statistics, Omega):
    """Vectorised `_step_width` over arrays of (mu, T)."""
    return np.minimum(Ts, -Omega - mus) if statistics == "bose" else Ts


def _step_offsets(widths, Omega):
    """Graded offsets {0, +-1/4, +-1/2, +-1, +-2, ...} shared by all steps of one rule.

    Enough levels that the widest step reaches across the band from the narrowest; every step
    gets the same count, so that the node arrays of many (mu, T) pairs stack.
    """
    W_pos = widths[widths > 0]
    n_lev = 2 if W_pos.size == 0 else int(np.clip(np.ceil(np.log2(2 * Omega / W_pos.min())) + 4, 2, 44))
    lev = _LEVELS[:n_lev]
    return np.concatenate([-lev[:0:-1], lev])


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
    widths = _step_widths(mus, Ts, statistics, Omega)
    # identical count of step breakpoints per pair; out-of-band ones are clipped to
    # the edges and so only create empty panels.
    offs = _step_offsets(widths, Omega)
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


def bath_pair_average(kernel, m, b, convention="shifted", n=DEFAULT_ORDER, windows=True,
                      chunk_nodes=PAIR_CHUNK_NODES):
    """int dw kernel(w, n_L(w), n_R(w)) for every point of the Baths.

    `bath_average` integrates against one occupation at a time.  Integrands that are nonlinear
    in the two occupations at the same frequency, such as n_L (1 - n_R), need a rule with the
    steps of *both* reservoirs.  Each distinct (mu_L, T_L, mu_R, T_R) is integrated once, in
    vectorised passes of at most `chunk_nodes` nodes, which bounds the memory.

    Fermions (``windows=True``): outside the thermal windows |w - mu_alpha| <= 40 T_alpha the
    Fermi functions are 0 or 1 to within e^-40 ~ 4e-18, so the integrand there is
    kernel(w, a, b) with constant a, b in {0, 1}.  Those pieces are read off four antiderivatives
    int^x kernel(w, a, b) dw, tabulated once on one rule holding every window edge of the
    whole grid; only the windows get a rule per point (the graded steps of both reservoirs, the
    model's breakpoints inside them, an exact breakpoint at mu_alpha).  At T = 0 the windows
    are empty and a whole map costs one rule.  Bosons, and ``windows=False``: every point gets
    one rule over the whole band, with the fixed breakpoints of the model (band, Lorentzian
    peaks in the pole `convention`) and the graded steps of both occupations.

    Parameters
    ----------
    kernel : callable
        kernel(w, n_L, n_R) with w, n_L, n_R of one shape (P, N) (P points, N nodes each)
        returns an array of shape (*K, P, N): several integrands (channels K) at once.
    m : Model
    b : Baths
        Any shape S; fermionic or bosonic (validated by `check_baths`).
    n : int
        Gauss-Legendre order per panel.
    windows : bool
        Use the window decomposition for fermions (ignored for bosons).
    chunk_nodes : int
        Largest number P * N of nodes in one pass.

    Returns
    -------
    ndarray, shape (*K, *S)
    """
    b = check_baths(m, b, bose=True, caller="bath_pair_average")
    quads, inverse = np.unique(np.stack([b.mu_L.ravel(), b.T_L.ravel(), b.mu_R.ravel(),
                                         b.T_R.ravel()], axis=1), axis=0, return_inverse=True)
    mus, Ts = quads[:, [0, 2]], quads[:, [1, 3]]                       # (P, 2): alpha = L, R
    if windows and b.statistics == "fermi":
        out = _pair_average_windowed(kernel, m, mus, Ts, convention, n, chunk_nodes)
    else:
        out = _pair_average_band(kernel, m, mus, Ts, b.statistics, convention, n, chunk_nodes)
    return out[..., inverse.ravel()].reshape(out.shape[:-1] + b.shape)


def _pair_average_band(kernel, m, mus, Ts, stat, convention, n, chunk_nodes):
    """One band rule per point (fixed breakpoints + both graded steps). Returns (*K, P)."""
    Omega = m.Omega
    ub0 = _fixed_breakpoints(Omega, m.peaks(convention), None)
    widths = _step_widths(mus, Ts, stat, Omega)
    offs = _step_offsets(widths, Omega)
    per_pass = max(1, int(chunk_nodes) // ((ub0.size + 2 * offs.size - 1) * n))
    parts = []
    for s in range(0, len(mus), per_pass):
        mu_c, T_c, w_c = mus[s:s + per_pass], Ts[s:s + per_pass], widths[s:s + per_pass]
        wstep = mu_c[:, :, None] + w_c[:, :, None] * offs                # (P, 2, n_off)
        ustep = _to_u(np.clip(wstep, -Omega, Omega), Omega).reshape(len(mu_c), -1)
        ub = np.sort(np.concatenate([np.broadcast_to(ub0, (len(mu_c), ub0.size)), ustep], axis=1),
                     axis=1)
        w, wts = _rule_from_breakpoints(ub, Omega, n)                      # (P, N)
        occ = [occupation(w, mu_c[:, a, None], T_c[:, a, None], stat) for a in (0, 1)]
        parts.append(np.sum(kernel(w, occ[0], occ[1]) * wts, axis=-1))     # (*K, P)
    return np.concatenate(parts, axis=-1)


#: Half-width of a thermal window in units of T: beyond it a Fermi function is 0 or 1 to e^-40.
_WINDOW = 40.0
#: Graded offsets of the window rule around mu, in units of T (the window edges included).
_WINDOW_OFFSETS = np.concatenate([-_LEVELS[8:0:-1], _LEVELS[:9], [-_WINDOW, _WINDOW]])


def _pair_average_windowed(kernel, m, mus, Ts, convention, n, chunk_nodes):
    """Fermionic pair average: saturated occupations outside the thermal windows from
    tabulated antiderivatives, a rule per point inside them. Returns (*K, P)."""
    Omega = m.Omega
    lo = np.clip(mus - _WINDOW * Ts, -Omega, Omega)                    # (P, 2) window edges
    hi = np.clip(mus + _WINDOW * Ts, -Omega, Omega)
    # --- saturated part: antiderivatives A_ab(x) = int_{-Omega}^x kernel(w, a, b) dw
    edges = np.unique(np.concatenate([lo.ravel(), hi.ravel(), [-Omega, Omega]]))
    u_edges = _to_u(edges, Omega)
    ub = np.unique(np.concatenate([_fixed_breakpoints(Omega, m.peaks(convention), None), u_edges]))
    w, wts = _rule_from_breakpoints(ub, Omega, n)                          # (N,)
    occ_L = np.array([0.0, 1.0, 0.0, 1.0])[:, None] * np.ones_like(w)     # combos (a, b) = 2 b + a
    occ_R = np.array([0.0, 0.0, 1.0, 1.0])[:, None] * np.ones_like(w)
    vals = kernel(np.broadcast_to(w, occ_L.shape), occ_L, occ_R) * wts     # (*K, 4, N)
    panel = vals.reshape(vals.shape[:-1] + (ub.size - 1, n)).sum(axis=-1)
    A = np.concatenate([np.zeros(panel.shape[:-1] + (1,)), np.cumsum(panel, axis=-1)], axis=-1)
    pos = np.searchsorted(ub, u_edges)                                     # exact: ub holds u_edges
    A = A[..., pos]                                                        # (*K, 4, n_edges)

    def antiderivative(combo, x):
        k = np.searchsorted(edges, x)
        return A[..., combo, k]

    # the complement of the two windows: below, between (if disjoint) and above them
    first = np.argmin(lo, axis=1)
    idx = np.arange(len(mus))
    a1, b1 = lo[idx, first], hi[idx, first]
    a2, b2 = lo[idx, 1 - first], hi[idx, 1 - first]
    pieces = [(np.full(len(mus), -Omega), a1), (b1, np.maximum(a2, b1)),
              (np.maximum(b1, b2), np.full(len(mus), Omega))]
    out = 0.0
    for x1, x2 in pieces:
        mid = 0.5 * (x1 + x2)
        combo = (mid < mus[:, 0]).astype(int) + 2 * (mid < mus[:, 1]).astype(int)
        out = out + antiderivative(combo, x2) - antiderivative(combo, x1)
    # --- the windows: a rule per point with both graded steps and the model's breakpoints
    hot = np.flatnonzero(np.any(Ts > 0, axis=1))
    if hot.size == 0:
        return out
    wfix = -Omega * np.cos(_fixed_breakpoints(Omega, m.peaks(convention), None))
    window_part = np.zeros(out.shape, dtype=out.dtype)
    n_cand = wfix.size + 2 * _WINDOW_OFFSETS.size
    per_pass = max(1, int(chunk_nodes) // (n_cand * n))
    for s in range(0, hot.size, per_pass):
        sel = hot[s:s + per_pass]
        mu_c, T_c, lo_c, hi_c = mus[sel], Ts[sel], lo[sel], hi[sel]
        cand = np.concatenate([np.broadcast_to(wfix, (sel.size, wfix.size)),
                               (mu_c[:, :, None] + T_c[:, :, None] * _WINDOW_OFFSETS).reshape(sel.size, -1)],
                              axis=1)
        cand = np.clip(cand, -Omega, Omega)
        inside = np.any((cand[:, :, None] >= lo_c[:, None, :]) & (cand[:, :, None] <= hi_c[:, None, :]), axis=2)
        cand = np.sort(np.where(inside, cand, np.inf), axis=1)[:, :max(2, inside.sum(axis=1).max())]
        top = np.max(np.where(np.isfinite(cand), cand, -np.inf), axis=1, keepdims=True)
        cand = np.where(np.isfinite(cand), cand, top)                      # padding: empty panels
        if np.min(Omega - np.abs(cand)) > _WINDOW * np.max(T_c):
            # far from the band edges (by more than a window half-width): plain panels in w
            # are as accurate as panels in u and skip two trigonometric functions per node
            w, wts = _rule_from_w_breakpoints(cand, n)
            mid = 0.5 * (cand[:, :-1] + cand[:, 1:])
        else:
            wb = _to_u(cand, Omega)
            w, wts = _rule_from_breakpoints(wb, Omega, n)                  # (P, N)
            mid = -Omega * np.cos(0.5 * (wb[:, :-1] + wb[:, 1:]))         # (P, panels)
        # the panel between two disjoint windows lies in neither: zero weight
        keep = np.any((mid[:, :, None] >= lo_c[:, None, :]) & (mid[:, :, None] <= hi_c[:, None, :]), axis=2)
        wts = wts * np.repeat(keep, n, axis=1)
        occ = [occupation(w, mu_c[:, a, None], T_c[:, a, None], "fermi") for a in (0, 1)]
        window_part[..., sel] = np.sum(kernel(w, occ[0], occ[1]) * wts, axis=-1)
    return out + window_part


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
