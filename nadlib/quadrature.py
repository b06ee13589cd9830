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
semicircle |w| = Omega used by the exact propagator (App. E contour, Fig. 8), and `arc_contour`
gives the same rule as complex nodes and weights dz, built so that the nodes near both ends of
the arc keep full relative precision.

Late times.  A band integral of f(w) e^{i w t} with f smooth between the features needs
~Omega t / 10 nodes with `rule_for`.  `fourier_rule` instead integrates the oscillation exactly:
on each panel the smooth factor is replaced by its interpolating polynomial and the product with
e^{i w t} is integrated in closed form (Filon's idea, with the weights of `filon_weights`), so its
panels need to resolve only f.  Near the band edges, where J_N vanishes like a square root and the
late-time integrands of the exact solution vary on the scale 1/t, the panels are graded
geometrically towards +-Omega; that is the only place where the node count grows with t, like
log(Omega t).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special

from .model import STATISTICS, check_baths, check_size, occupation

__all__ = ["gauss_legendre", "band_rule", "rule_for", "occupation_average", "bath_average",
           "bath_matrix_average", "bath_pair_average", "sqrt_graded_rule", "arc_rule", "arc_contour",
           "filon_weights", "FourierRule", "fourier_rule", "fourier_rule_for", "time_groups",
           "DEFAULT_ORDER", "RESOLVED_MAX_OMEGA_T", "stacked_band_rule", "PAIR_CHUNK_NODES"]

DEFAULT_ORDER = 16
#: Largest Omega t for which the integrals with e^{-i w t} use `rule_for` (~Omega t / 10 panels
#: that resolve the oscillation); beyond it they use `fourier_rule`, whose size grows only like
#: log(Omega t).  Near this value the two cost about the same.
RESOLVED_MAX_OMEGA_T = 2500.0
_PHASE_PER_PANEL = 10.0     # max phase w*t advanced over one panel (GL-16 error ~1e-13)
_DU_MAX = np.pi / 32        # background panel length in u
_LEVELS = np.concatenate([[0.0], 2.0 ** np.arange(-2, 40)])
_AVERAGE_BLOCK = 4_000_000  # kernel values per block in occupation_average
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
        n_osc = int(np.ceil(2 * Omega * float(t_max) / _PHASE_PER_PANEL))
        # (real arrays: half the bytes of the complex ones check_size counts)
        check_size("band_rule", f"the nodes resolving exp(-i w t) up to Omega t = {Omega * t_max:.3g}",
                   n_osc * DEFAULT_ORDER // 2,
                   hint="integrate late-time oscillations with fourier_rule, whose size grows like "
                        "log(Omega t)")
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
        Largest time in an oscillatory factor exp(-i w t).  The node count grows like
        1.6 Omega t_max; beyond ~3e8 nodes (Omega t_max ~ 3e9) a ValueError is raised before
        anything is allocated: use `fourier_rule` for late times.
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
    size N x N this reduces N^2 integrals per bath to N.  The distinct pairs are
    integrated in vectorised blocks: they share the fixed breakpoints and each
    adds the same number of step breakpoints, so the node arrays stack.  The blocks
    hold at most ~4e6 kernel values, so memory is bounded for any number of pairs.
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
    # The pairs go through in blocks, so that memory stays bounded for any number of them:
    # pairs x nodes per pair x channels of the kernel <= _AVERAGE_BLOCK (the first block assumes
    # 16 channels; the others use the count the kernel returned).
    n_nodes = (ub0.size + offs.size - 1) * n
    step = max(1, _AVERAGE_BLOCK // (n_nodes * 16))
    out = None
    s = 0
    while s < len(pairs):
        mb, Tb, wd = mus[s:s + step], Ts[s:s + step], widths[s:s + step]
        wstep = mb[:, None] + wd[:, None] * offs[None, :]
        ustep = _to_u(np.clip(wstep, -Omega, Omega), Omega)
        ub = np.sort(np.concatenate([np.broadcast_to(ub0, (len(mb), ub0.size)), ustep], axis=1),
                     axis=1)
        w, wts = _rule_from_breakpoints(ub, Omega, n)        # (P, N)
        occ = occupation(w, mb[:, None], Tb[:, None], statistics)
        block = np.sum(kernel(w) * (occ * wts), axis=-1)     # (*K, P)
        if out is None:
            out = np.empty(block.shape[:-1] + (len(pairs),), dtype=block.dtype)
        out[..., s:s + len(mb)] = block
        s += len(mb)
        channels = max(1, int(np.prod(block.shape[:-1], dtype=np.int64)))
        step = max(1, _AVERAGE_BLOCK // (n_nodes * channels))
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


@lru_cache(maxsize=None)
def _arc_half(levels, n):
    """Nodes theta in (0, pi/2] and weights of `sqrt_graded_rule`, first half only (read-only)."""
    theta, weights = sqrt_graded_rule(np.pi / 2, levels, n)
    half = theta.size // 2
    theta, weights = theta[:half].copy(), weights[:half].copy()
    theta.setflags(write=False)
    weights.setflags(write=False)
    return theta, weights


def arc_contour(Omega, levels=12, n=8):
    """The rule of `arc_rule` as complex nodes and weights on the lower semicircle.

    The arc z(theta) = Omega e^{-i theta}, theta from 0 to pi, runs from +Omega to -Omega through
    the lower half plane, and sum_c dz_c f(z_c) approximates int_arc f(z) dz.  The half of the arc
    next to -Omega is built from the half next to +Omega by the reflection z -> -conj(z), so the
    nodes close to either end are as precise as their distance to it (forming pi - theta in
    floating point would cost the digits of a node at distance 1e-12 from -Omega).

    Returns
    -------
    z, dz : ndarray, shape (2 * (levels + 1) * n,), complex; ordered by increasing theta.
    """
    theta, wt = _arc_half(levels, n)
    z1 = Omega * np.exp(-1j * theta)
    dz1 = -1j * z1 * wt                                      # dz = -i z d theta
    return (np.concatenate([z1, -z1[::-1].conj()]), np.concatenate([dz1, dz1[::-1].conj()]))


# --------------------------------------------------------------------------- oscillatory integrals

@lru_cache(maxsize=None)
def _legendre_table(n):
    """(2m + 1) i^m P_m(x_k) w_k for m < n at the Gauss-Legendre nodes x_k, shape (n, n) (m, k)."""
    x, wgl = gauss_legendre(n)
    P = np.polynomial.legendre.legvander(x, n - 1).T                # (m, k)
    m = np.arange(n)
    T = ((2 * m + 1) * 1j ** m)[:, None] * P * wgl[None, :]
    T.setflags(write=False)
    return T


def _spherical_j(n, kappa):
    """j_m(kappa) for m < n, shape (*kappa.shape, n), kappa >= 0.

    For kappa > 2n the upward recurrence j_{m+1} = (2m + 1)/kappa j_m - j_{m-1} from the closed
    forms of j_0, j_1 is stable (it runs below the turning point m ~ kappa) and several times faster
    than scipy; below, scipy's `spherical_jn`.
    """
    kappa = np.asarray(kappa, float)
    out = np.empty(kappa.shape + (n,))
    big = kappa > 2 * n
    if np.any(~big):
        out[~big] = special.spherical_jn(np.arange(n), kappa[~big][:, None])
    if np.any(big):
        k = kappa[big]
        s, c = np.sin(k), np.cos(k)
        jm = s / k
        jb = np.empty((k.size, n))
        jb[:, 0] = jm
        if n > 1:
            jb[:, 1] = s / k ** 2 - c / k
        for m in range(1, n - 1):
            jb[:, m + 1] = (2 * m + 1) / k * jb[:, m] - jb[:, m - 1]
        out[big] = jb
    return out


def filon_weights(kappa, n=DEFAULT_ORDER):
    """Weights W_k(kappa) with int_{-1}^{1} p(x) e^{i kappa x} dx = sum_k W_k p(x_k) for deg p < n.

    x_k are the n Gauss-Legendre nodes.  Expanding the plane wave in Legendre polynomials
    (Rayleigh), e^{i kappa x} = sum_m (2m + 1) i^m j_m(kappa) P_m(x), and the polynomial in its
    Legendre series, whose coefficients the Gauss rule gives exactly, yields

        W_k = w_k sum_{m<n} (2m + 1) i^m j_m(kappa) P_m(x_k),

    exact for every kappa: no oscillation needs resolving.  kappa = 0 gives the Gauss weights;
    negative kappa gives the complex conjugate.  Stable from kappa = 0 to kappa ~ 1e12 (measured
    against mpmath: error below 3e-15 of int |p| for kappa <= 1e3 and below 1e-13 of the integral
    itself, ~|p|/kappa, beyond).

    Parameters
    ----------
    kappa : array_like, any shape
    n : int
        Number of Gauss-Legendre nodes.

    Returns
    -------
    ndarray, shape (*kappa.shape, n), complex
    """
    kappa = np.asarray(kappa, float)
    if not np.all(np.isfinite(kappa)):
        raise ValueError("filon_weights needs finite kappa")
    W = _spherical_j(n, np.abs(kappa)).astype(complex) @ _legendre_table(n)
    return np.where((kappa < 0)[..., None], W.conj(), W)


class FourierRule:
    """Nodes and weights on the band [-Omega, Omega] for integrals with and without e^{i w t}.

    ``sum(weights * f(w))`` approximates int f(w) dw and ``fourier_weights(t) @ f(w)``
    approximates int f(w) e^{i w t} dw, for every t at once, with f smooth on each panel.  Panels
    are of two kinds: *Filon* panels, Gauss-Legendre in w, whose oscillatory weights come from
    `filon_weights` (exact for the interpolating polynomial of f, whatever t); and *plain* panels
    next to the band edges, Gauss-Legendre in u (w = -Omega cos u, which makes the square root of
    J_N smooth), narrow enough that e^{i w t} is resolved for t <= t_max.  Built by `fourier_rule`.

    Attributes
    ----------
    w, weights : ndarray
        Nodes and weights, shape (N,).
    t_max : float
        Largest time for which the plain panels resolve the oscillation.
    """

    def __init__(self, w, weights, panel, k, centers, half_widths, t_max, n):
        self.w, self.weights = w, weights
        self._panel, self._k = panel, k                 # Filon panel index of each node (-1: plain)
        self._centers, self._half = centers, half_widths
        self.t_max, self.n = t_max, n

    @property
    def size(self):
        return self.w.size

    def subset(self, keep):
        """The rule restricted to the nodes where `keep` is True (an integrand known to vanish at
        the others).  Filon weights stay those of the full panels."""
        keep = np.asarray(keep, bool)
        return FourierRule(self.w[keep], self.weights[keep], self._panel[keep], self._k[keep],
                           self._centers, self._half, self.t_max, self.n)

    def fourier_weights(self, t):
        """Weights V(t) with V @ f(w) ~ int f(w) e^{i w t} dw. Shape (*t.shape, N), complex.

        Use the complex conjugate for e^{-i w t}.  Raises ValueError if some |t| exceeds `t_max`,
        beyond which the plain edge panels no longer resolve the oscillation.
        """
        t = np.asarray(t, float)
        if t.size and np.max(np.abs(t)) > self.t_max * (1 + 1e-12):
            raise ValueError(f"this FourierRule resolves e^(i w t) only up to t_max = {self.t_max:g}; "
                             f"got |t| = {np.max(np.abs(t)):g}")
        tf = t.ravel()
        V = np.empty((tf.size, self.size), complex)
        filon = self._panel >= 0
        used = np.unique(self._panel[filon])
        if used.size:
            h, c = self._half[used], self._centers[used]
            W = filon_weights(h[None, :] * tf[:, None], self.n)             # (Nt, P, n)
            W *= (h[None, :] * np.exp(1j * c[None, :] * tf[:, None]))[..., None]
            where = np.searchsorted(used, self._panel[filon])
            V[:, filon] = W[:, where, self._k[filon]]
        plain = ~filon
        V[:, plain] = self.weights[plain] * np.exp(1j * np.outer(tf, self.w[plain]))
        return V.reshape(t.shape + (self.size,))


def time_groups(t, ratio=4.0):
    """Split times into groups that can share one `fourier_rule`: sorted, each within `ratio` of its
    first (so the rule, built for the group's latest time, is not much larger than needed).

    Yields (index, times): the positions in `t` (1-D) and the sorted times of each group.
    """
    order = np.argsort(t, kind="stable")
    ts = t[order]
    s = 0
    while s < ts.size:
        e = int(np.searchsorted(ts, ratio * ts[s], side="right"))
        e = max(e, s + 1)
        yield order[s:e], ts[s:e]
        s = e


_EDGE_PHASE = 2.0           # phase w t accumulated across the plain edge panels at t = t_max


def _edge_u(x, Omega):
    """u' = arccos(1 - x/Omega): distance x from a band edge expressed in the angle u'."""
    return 2 * np.arcsin(np.sqrt(np.clip(x / (2 * Omega), 0.0, 0.5)))


def fourier_rule(Omega, peaks=(), steps=(), t_max=0.0, edge_scale=None, n=DEFAULT_ORDER):
    """A `FourierRule` on [-Omega, Omega] whose node count does not grow with t_max (but for
    the edge grading, ~log(Omega t_max)).

    Breakpoints: the background panels of `band_rule` (du = pi/32), the graded Lorentzian peaks and
    occupation steps; then, next to each edge, x = Omega -+ w graded geometrically (ratio 2) from
    the fourth background panel down to x_osc = 2/t_max (Filon panels), and below x_osc plain panels
    in u' graded geometrically (ratio 2) down to u'(edge_scale)/2, where edge_scale is the smallest
    distance from an edge on which the integrand varies (the late-time integrands of the exact
    solution have poles at distance ~Omega theta_c from the edge, theta_c an arc node).

    Parameters
    ----------
    Omega : float
    peaks, steps : as in `band_rule`
    t_max : float
        Largest |t| of the oscillatory factor.
    edge_scale : float, optional
        Smallest distance from an edge to resolve; default x_osc / 16.
    n : int
        Gauss-Legendre order per panel.

    Returns
    -------
    FourierRule
    """
    t_max = float(t_max)
    x0 = Omega * (1 - np.cos(_DU_MAX))
    x_osc = min(x0, _EDGE_PHASE / t_max) if t_max > 0 else x0
    u_osc = _edge_u(x_osc, Omega)
    scale = x_osc / 16 if edge_scale is None else min(float(edge_scale), x_osc / 16)
    u_min = 0.5 * _edge_u(scale, Omega)
    # one side of the edge grading, in u' (distance from the edge in the angle u).  Filon panels
    # are polynomial in w, where J_N ~ sqrt(x): ratio-2 panels in x keep the root 3 half-widths
    # away (Gauss-Legendre error ~5.8^(-2n)); they start at the fourth background panel, beyond
    # which the background panels themselves have ratios below 1.6.
    x_top = Omega * (1 - np.cos(4 * _DU_MAX))
    n_out = int(np.ceil(np.log2(x_top / x_osc)))
    x_out = x_top * 2.0 ** -np.arange(n_out + 1)
    x_out = x_out[x_out > x_osc * (1 + 1e-9)]
    n_in = int(np.ceil(np.log2(u_osc / u_min)))
    u_side = np.concatenate([_edge_u(x_out, Omega), [u_osc], u_osc * 2.0 ** -np.arange(1, n_in + 1)])
    ub = [np.linspace(0.0, np.pi, int(np.ceil(np.pi / _DU_MAX)) + 1), u_side, np.pi - u_side]
    for c, wdt in peaks:
        ub.append(_graded(float(c), float(wdt), Omega))
    for mu, T in steps:
        ub.append(_graded(float(mu), float(T), Omega))
    ub = np.unique(np.concatenate(ub))
    ub = ub[(ub >= 0) & (ub <= np.pi)]
    a, b = ub[:-1], ub[1:]
    plain = (b <= u_osc * (1 + 1e-12)) | (a >= np.pi - u_osc * (1 + 1e-12))
    # plain panels: Gauss-Legendre in u
    wp, wtp = _plain_nodes(a[plain], b[plain], Omega, n)
    # Filon panels: Gauss-Legendre in w
    x, wgl = gauss_legendre(n)
    wa, wb = -Omega * np.cos(a[~plain]), -Omega * np.cos(b[~plain])
    centers, half = 0.5 * (wa + wb), 0.5 * (wb - wa)
    wf = (centers[:, None] + half[:, None] * x[None, :]).ravel()
    wtf = (half[:, None] * wgl[None, :]).ravel()
    n_f = centers.size
    w = np.concatenate([wp, wf])
    weights = np.concatenate([wtp, wtf])
    panel = np.concatenate([np.full(wp.size, -1), np.repeat(np.arange(n_f), n)])
    k = np.concatenate([np.zeros(wp.size, int), np.tile(np.arange(n), n_f)])
    order = np.argsort(w, kind="stable")
    return FourierRule(w[order], weights[order], panel[order], k[order], centers, half, t_max, n)


def _plain_nodes(a, b, Omega, n):
    """Gauss-Legendre nodes in u on the panels [a_i, b_i]; w = -Omega cos u, weights dw."""
    x, wgl = gauss_legendre(n)
    half = 0.5 * (b - a)[:, None]
    u = (0.5 * (a + b)[:, None] + half * x).ravel()
    wu = (half * wgl).ravel()
    return -Omega * np.cos(u), wu * Omega * np.sin(u)


def fourier_rule_for(m, b, t_max, convention="shifted", edge_scale=None, n=DEFAULT_ORDER):
    """`fourier_rule` for a model and scalar reservoirs: the peaks of `m` (pole `convention`) and the
    occupation steps of `b`."""
    b = check_baths(m, b, scalar=True, bose=True, caller="fourier_rule_for")
    steps = [(float(mu), _step_width(float(mu), float(T), b.statistics, m.Omega))
             for mu, T in ((b.mu_L, b.T_L), (b.mu_R, b.T_R))]
    return fourier_rule(m.Omega, peaks=m.peaks(convention), steps=steps, t_max=t_max,
                        edge_scale=edge_scale, n=n)


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
