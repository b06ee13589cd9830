"""The exact solution: C(t), Z(t), D(t), the steady state C(inf) and the exact
time-local generator (Sec. III B, III D, IV A; Eqs. (28)-(32), (38), (47)-(49)).

The bath-driven part of the correlation matrix is

    Z_jk(t) = int dw J(w) F_jk(w) K_j(w, t)^* K_k(w, t),                (30)

which is Eq. (30) after the two time integrals are done with the response
functions K_j of (B7).  Its time derivative follows from dK/dt = -i G - i w K,
so the exact generator (47) needs no numerical differentiation.

Any time costs the same, up to a logarithm.  K_j(w, t) oscillates like e^{-i w t}, so a
quadrature that resolves it needs ~Omega t nodes; past Omega t = 2500 `bath_correlations`
instead writes Z(t) = C(inf) + [terms that decay with t], each with at most one factor e^{+-i w t},
which Filon weights integrate exactly (see `bath_correlations`).  The decaying terms are computed
directly, so the approach to the steady state is resolved far below the round-off of C(inf):
at late times it follows the t^{-2} law of the band-edge tails (checked against a hand-derived
coefficient in the tests; relative accuracy ~1e-4 at t = 1e7).

Statistics.  The Heisenberg equations of the quadratic Hamiltonian are the same for fermions
and bosons, so C(t), C(inf) and the gain Lambda^+(t) have the same form with F built from the
Bose functions; only the loss matrix of (51) changes (`model.loss_rates`) and the initial C0
is then only required to be >= 0.  D(t) (Eq. (31)) is fermionic.
"""
from __future__ import annotations

from collections import namedtuple

import warnings

import numpy as np

from .model import (Baths, check_baths, check_correlation_matrix, check_double_occupancy, check_size,
                    check_times, loss_rates)
from .quadrature import (RESOLVED_MAX_OMEGA_T, bath_matrix_average, fourier_rule_for,
                         occupation_average, rule_for, time_groups)
from .spectral import (arc_levels, check_method, exponential_representation, propagator,
                       propagator_derivative, response_function)

__all__ = ["correlation_matrix", "double_occupancy", "bath_correlations", "steady_state",
           "tcl_generator", "TCLGenerator", "equilibrium_populations"]

TCLGenerator = namedtuple("TCLGenerator", "H Gamma Lambda_plus Lambda_minus")
TCLGenerator.__doc__ = """Exact time-local generator of Eq. (47): each field has shape (*t.shape, 2, 2)."""

# --------------------------------------------------------------------------- regimes and limits

_BLOCK = 2_000_000          # complex numbers per work array (32 MB)
_NEGLIGIBLE = 45.0          # an exponential e^{-i z t} with -Im(z) t > 45 (< 3e-20) is dropped
_ARC_HORIZON = 1e6          # the late route's arc rule stays accurate up to 1e6 t
_POLE_SCALE = 1e-4          # edge grading resolves the arc poles down to theta = 1e-4 / (Omega t)
_GROUP_RATIO = 4.0          # one late-time rule serves times within this ratio


def bath_correlations(m, b, t, method="exact", convention="shifted", derivative=False):
    """Bath-fed part Z(t) of the correlation matrix, Eq. (30), and optionally dZ/dt.

    Z_jk(t) = int dw J(w) F_jk(w) K_j(w, t)^* K_k(w, t), with the response functions K_j of (B7).
    The cost does not grow with t beyond a logarithm, and the memory is bounded by blocks of
    2e6 complex numbers, whatever the times.  Two routes, chosen per time:

    * Omega t <= quadrature.RESOLVED_MAX_OMEGA_T (2500): K_j(w, t) in closed form from the exponential
      representation of G_j, integrated on `quadrature.rule_for`, whose ~Omega t / 10 panels
      resolve e^{-i w t} (`_direct`).
    * later: the split K_j = P_j(w, t) - e^{-i w t} g_j(w), with g_j = -(theta_j - i pi phi_j) the
      boundary value of Eq. (33) and P_j = sum_c a_jc e^{-i z_jc t}/(z_jc - w), which carries no
      oscillation in w and decays with t.  Then Z = C(inf) + Q - X - X^dag, where C(inf) is
      Eq. (32) (`steady_state`), Q = int J F P^* P and X_jk = int J F_jk g_j^* P_k e^{i w t}
      (Filon weights, `quadrature.fourier_rule`).  The deviation from C(inf) is computed
      directly, never as a difference of O(1) numbers (`_tail`).

    At the switch the two routes agree to ~1e-14 (measured at Figs. 4 and 5).  For the EPA the same
    split holds with a single exponential, g_j = 1/(w0_j - w).

    Parameters
    ----------
    m : Model
    b : Baths (scalar), fermionic or bosonic
    t : array_like, times >= 0
    method : {"exact", "epa"}
        Propagator inside (30): exact (24) or EPA (53).
    derivative : bool
        Also return dZ/dt.

    Returns
    -------
    Z : ndarray, shape (*t.shape, 2, 2) complex
    dZ : same shape, only if derivative=True
    """
    b = check_baths(m, b, scalar=True, bose=True, caller="bath_correlations")
    check_method(method, convention)
    t = check_times(t, m.Omega)
    tf = t.ravel()
    check_size("bath_correlations", "Z(t) (Nt x 2 x 2)", 4 * tf.size * (2 if derivative else 1))
    Z = np.empty((tf.size, 2, 2), complex)
    dZ = np.empty_like(Z) if derivative else None
    for sel, route in _routes(m.Omega * tf):
        out = route(m, b, tf[sel], method, convention, derivative)
        Z[sel] = out[0]
        if derivative:
            dZ[sel] = out[1]
    if derivative:
        return Z.reshape(t.shape + (2, 2)), dZ.reshape(t.shape + (2, 2))
    return Z.reshape(t.shape + (2, 2))


def _routes(omega_t):
    """Groups of times and the route for each: `_direct` in bands Omega t in [0, 100],
    (100, 200], (200, 400], ... up to RESOLVED_MAX_OMEGA_T (each band with its own rule, so that a
    time costs in proportion to its own Omega t, not to the latest one), `_late` beyond.

    Yields (mask, route) for the non-empty groups.
    """
    late = omega_t > RESOLVED_MAX_OMEGA_T
    band = np.ceil(np.log2(np.maximum(omega_t, 100.0) / 100.0))
    for k in np.unique(band[~late]):
        yield (~late) & (band == k), _direct
    if np.any(late):
        yield late, _late


def _occupation_matrix(m, b, w, method):
    """Nodes to keep and F (or F - 1) on them, Eq. (30).

    Where both leads are empty (F = 0) the integrand vanishes.  Where both are full (F = 1) the
    sum rule int J K_j^* K_k = delta_jk (1 - |G_j|^2), i.e. the anticommutator
    {d_j(t), d_k^dag(t)} = delta_jk, removes it too: integrate F - 1 instead and add the sum rule.
    Whichever region is larger is dropped.  The sum rule is unitarity of the exact evolution: the
    EPA propagator does not obey it.

    Returns keep (Nw,) bool, F (Nkeep, 2, 2), use_full (bool).
    """
    f = b.occupation(w)                                      # (2, Nw)
    # Bosonic occupations have no "full" value (n may exceed 1, and the commutator gives the sum
    # rule with the opposite sign), so for bosons only empty regions are dropped.
    empty = np.all(f < 1e-18, axis=0)
    full = np.all(np.abs(1 - f) < 1e-18, axis=0)
    use_full = method == "exact" and b.statistics == "fermi" and full.sum() > empty.sum()
    keep = ~(full if use_full else empty)
    F = b.F(m, w[keep])
    if use_full:
        F = F - np.eye(2)
    return keep, F, use_full


def _full_band_terms(m, ts, G, method, convention, derivative):
    """|G_j(t)|^2 on the diagonal (and its time derivative 2 Re[G_j^* dG_j/dt]), shapes (nt, 2, 2).

    Where most of the band is filled in both reservoirs, `_occupation_matrix` integrates F - 1 instead of
    F; the unitarity sum rule int J |K_j|^2 = 1 - |G_j|^2 then returns the full band's part in closed form,
    and these are its time-dependent pieces.  G: (2, nt) from `propagator` at the times ts.
    """
    full = np.einsum("jt,jk->tjk", np.abs(G) ** 2, np.eye(2))
    if not derivative:
        return full, None
    dG = propagator_derivative(m, ts, method, convention)
    return full, np.einsum("jt,jk->tjk", 2 * np.real(G.conj() * dG), np.eye(2))


def _direct(m, b, t, method, convention, derivative):
    """Z(t) (and dZ/dt) of Eq. (30) from the closed-form K_j(w, t) on `rule_for(m, b, max t)`.

    t : 1-D.  Cost ~ Nw x Nc x Nt with Nw ~ 1.6 Omega max(t); memory bounded by blocks over both
    w and t.  Kept as the referee of the late-time route in the tests.
    """
    t_max = float(t.max()) if t.size else 0.0
    w, wts = rule_for(m, b, t_max)
    mu = wts * m.spectral_density(w)
    w, mu = w[mu != 0], mu[mu != 0]
    keep, F, use_full = _occupation_matrix(m, b, w, method)
    w, mu = w[keep], mu[keep]
    WF = mu[:, None, None] * F
    nc = exponential_representation(m, method, convention, arc_levels(m.Omega, t_max))[0].shape[1]
    w_step = max(1, _BLOCK // (2 * nc))
    t_step = max(1, _BLOCK // (2 * max(1, min(w_step, w.size)) + 2 * nc))
    Z = np.empty((t.size, 2, 2), complex)
    dZ = np.empty_like(Z) if derivative else None
    for s in range(0, t.size, t_step):
        ts = t[s:s + t_step]
        Zs = np.zeros((ts.size, 2, 2), complex)
        Xs = np.zeros_like(Zs)
        if use_full or derivative:
            G = propagator(m, ts, method, convention)         # (2, nt)
        for r in range(0, w.size, w_step):
            wr, WFr = w[r:r + w_step], WF[r:r + w_step]
            K = response_function(m, wr, ts, method, convention)   # (2, nw, nt)
            Zs += np.einsum("wjk,jwt,kwt->tjk", WFr, K.conj(), K)
            if derivative:
                dK = -1j * G[:, None, :] - 1j * wr[None, :, None] * K
                Xs += np.einsum("wjk,jwt,kwt->tjk", WFr, K.conj(), dK)
        if use_full:
            full, dfull = _full_band_terms(m, ts, G, method, convention, derivative)
            Zs += np.eye(2) - full
        Z[s:s + t_step] = Zs
        if derivative:
            dZs = Xs + Xs.conj().transpose(0, 2, 1)
            if use_full:
                dZs -= dfull
            dZ[s:s + t_step] = dZs
    return Z, dZ


def _late(m, b, t, method, convention, derivative):
    """Z(t) (and dZ/dt) for late times: C(inf) plus `_tail`, in groups of times within a ratio 4.

    t : 1-D.  Returns arrays of shape (Nt, 2, 2) in the order of t.
    """
    Cinf = steady_state(m, b) if method == "exact" else _epa_limit(m, b, convention)
    Z = np.empty((t.size, 2, 2), complex)
    dZ = np.empty_like(Z) if derivative else None
    for idx, ts in time_groups(t, _GROUP_RATIO):
        tail, dtail = _tail(m, b, ts, method, convention, derivative)
        Z[idx] = Cinf + tail
        if derivative:
            dZ[idx] = dtail
    return Z, dZ


def _contract(L, W, R):
    """out[t, j, k] = sum_w L[j or 0, t, w] W[w, j, k] R[k, t, w], as four matrix products.

    L : (2 or 1, nt, Nw); W : (Nw, 2, 2); R : (2, nt, Nw).  Returns (nt, 2, 2).
    """
    out = np.empty((R.shape[1], 2, 2), complex)
    for j in range(2):
        Lj = L[j if L.shape[0] == 2 else 0]
        for k in range(2):
            out[:, j, k] = (Lj * R[k]) @ W[:, j, k]
    return out


def _boundary_value(m, w, method, convention):
    """g_j(w) = lim_{t->inf} -e^{i w t} K_j(w, t), shape (2, Nw).

    Exact: g_j = i int_0^inf e^{i w t} G_j(t) dt = -(theta_j - i pi phi_j), Eqs. (33), (35), (37).
    EPA: g_j = 1/(w0_j - w).
    """
    if method == "exact":
        return -m.theta(w) + 1j * np.pi * m.phi(w)
    return 1.0 / (m.pole(convention)[:, None] - w[None, :])


def _epa_limit(m, b, convention):
    """t -> inf limit of the EPA's Z(t): int dw J F_jk / ((w0_j^* - w)(w0_k - w)). Shape (2, 2)."""
    w0 = m.pole(convention)

    def kernel(w):
        g = 1.0 / (w0.reshape((2,) + (1,) * np.ndim(w)) - w)
        return m.spectral_density(w) * g.conj()[:, None] * g[None, :]
    return bath_matrix_average(kernel, m, b, convention)


def _tail(m, b, t, method, convention, derivative):
    """Z(t) - C(inf) = Q - X - X^dag (and dZ/dt) for sorted times within a ratio of 4, t[0] > 0.

    P_j(w, t) = sum_c a_jc e^{-i z_jc t}/(z_jc - w) keeps only the exponentials not yet decayed
    below e^{-45} at t[0]; the arc rule is deep enough to represent G_j up to 1e6 t[-1]
    (`spectral.arc_levels`), since P_j(w, t) = i int_t^inf e^{i w (s - t)} G_j(s) ds.  The band rule
    (`quadrature.fourier_rule`) resolves J, F, g and P, the poles of P at distance Omega theta_c
    from the band edges included, but not e^{i w t}: the Filon weights integrate it exactly.

    Returns tail, dtail : ndarrays of shape (Nt, 2, 2) (dtail None unless derivative).
    """
    t_lo, t_hi = float(t[0]), float(t[-1])
    levels = arc_levels(m.Omega, t_hi, horizon=_ARC_HORIZON)
    a, z = exponential_representation(m, method, convention, levels)
    active = -z.imag * t_lo <= _NEGLIGIBLE                     # (2, Nc)
    cols = np.any(active, axis=0)
    if not np.any(cols):                 # EPA after Gamma_j t/2 > 45: Z(t) is its limit
        return np.zeros((t.size, 2, 2), complex), (np.zeros((t.size, 2, 2), complex)
                                                    if derivative else None)
    a, z = np.where(active, a, 0.0)[:, cols], z[:, cols]
    rule = fourier_rule_for(m, b, t_hi, "shifted" if method == "exact" else convention,
                            edge_scale=_POLE_SCALE / t_hi)
    keep, F, use_full = _occupation_matrix(m, b, rule.w, method)
    rule = rule.subset(keep)
    w = rule.w
    JF = m.spectral_density(w)[:, None, None] * F             # (Nw, 2, 2)
    gJF = _boundary_value(m, w, method, convention).conj().T[:, :, None] * JF   # g_j^* J F_jk
    B = a[:, None, :] / (z[:, None, :] - w[None, :, None])    # (2, Nw, Nc)
    WJF = rule.weights[:, None, None] * JF
    tail = np.empty((t.size, 2, 2), complex)
    dtail = np.empty_like(tail) if derivative else None
    step = max(1, _BLOCK // (2 * max(w.size, z.shape[1])))
    for s in range(0, t.size, step):
        ts = t[s:s + step]
        E = np.exp(-1j * z[:, :, None] * ts[None, None, :])  # (2, Nc, nt)
        P = np.swapaxes(B @ E, 1, 2)                         # (2, nt, Nw)
        V = rule.fourier_weights(ts)                          # (nt, Nw): e^{i w t} weights
        Q = _contract(P.conj(), WJF, P)                       # int J F P_j^* P_k
        X = _contract(V[None], gJF, P)                        # int e^{iwt} J F_jk g_j^* P_k
        T = Q - X - X.conj().transpose(0, 2, 1)
        if use_full or derivative:
            G = propagator(m, ts, method, convention)         # (2, nt)
        if use_full:
            full, dfull = _full_band_terms(m, ts, G, method, convention, derivative)
            T -= full
        tail[s:s + step] = T
        if derivative:
            Pd = np.swapaxes(B @ (-1j * z[:, :, None] * E), 1, 2)   # dP/dt
            A = _contract(P.conj(), WJF, Pd)
            Y = _contract(V[None], gJF, Pd)
            U = _contract(V[None], (-1j * w)[:, None, None] * gJF, P)
            M = A - Y + U.conj().transpose(0, 2, 1)
            dT = M + M.conj().transpose(0, 2, 1)
            if use_full:
                dT -= dfull
            dtail[s:s + step] = dT
    return tail, dtail


def correlation_matrix(m, b, t, C0=None, method="exact", convention="shifted"):
    """Correlation matrix C_jk(t) = Tr[rho_S(t) d_j^dag d_k] in the eigenbasis, Eqs. (29)-(30).

    Parameters
    ----------
    m : Model
    b : Baths (scalar)
        Fermionic or bosonic (then F is built from the Bose functions).
    t : array_like
        Times t >= 0, any shape.
    C0 : (2, 2) array_like, optional
        Initial correlation matrix: Hermitian, 0 <= C0 <= 1 for fermions, C0 >= 0 for bosons;
        default vacuum.
    method : {"exact", "epa"}
        "exact" uses the exact propagator (24)/(35); "epa" the exponential
        propagator (53) (the Fig. 4 lines; equivalent to integrating (48) with
        Lambda+(t) of (54)).
    convention : {"shifted", "golden"}
        EPA pole: E'_j, Gamma_j of (36) (default) or E_j, 2 pi J_N(E_j).

    Returns
    -------
    ndarray, shape (*t.shape, 2, 2), complex
    """
    check_method(method, convention)
    b = check_baths(m, b, scalar=True, bose=True, caller="correlation_matrix")
    C0 = check_correlation_matrix(C0, statistics=b.statistics)
    t = check_times(t, m.Omega)
    Z = bath_correlations(m, b, t, method, convention)
    G = propagator(m, t, method, convention)                 # (2, *t.shape)
    Gm = np.moveaxis(G, 0, -1)
    return Gm.conj()[..., :, None] * C0 * Gm[..., None, :] + Z


def double_occupancy(m, b, t, C0=None, D0=0.0, method="exact", convention="shifted"):
    """Double occupancy D(t) = Tr[rho_S(t) d_1^dag d_2^dag d_2 d_1], Eq. (31).

    D(t) = |det G|^2 D0 + det Z + sum_{j,k} [|G_j|^2 Z_kk C0_jj - G_j^* G_k Z_kj C0_jk].
    (The j = k terms cancel; typo A5 is harmless here.)  Fermionic reservoirs only: the formula
    is the fermionic Wick (determinant) structure of the two-mode Fock space.

    Parameters
    ----------
    C0 : (2, 2), optional
        Initial correlation matrix; default vacuum.
    D0 : float
        Initial double occupancy, consistent with C0.

    Returns
    -------
    ndarray, shape (*t.shape,), real
    """
    check_method(method, convention)
    check_baths(m, b, scalar=True, caller="double_occupancy")
    C0 = check_correlation_matrix(C0)
    D0 = check_double_occupancy(C0, D0)
    t = check_times(t, m.Omega)
    Z = bath_correlations(m, b, t, method, convention)
    G = np.moveaxis(propagator(m, t, method, convention), 0, -1)   # (*t, 2)
    detG2 = np.abs(G[..., 0] * G[..., 1]) ** 2
    detZ = Z[..., 0, 0] * Z[..., 1, 1] - Z[..., 0, 1] * Z[..., 1, 0]
    Zd = np.diagonal(Z, axis1=-2, axis2=-1)                        # Z_kk
    term1 = np.einsum("...j,...k,j->...", np.abs(G) ** 2, Zd, np.diagonal(C0))
    term2 = np.einsum("...j,...k,...kj,jk->...", G.conj(), G, Z, C0)
    return np.real(detG2 * D0 + detZ + term1 - term2)


def _steady_kernel(m):
    def kernel(w):
        phi, th = m.phi(w), m.theta(w)
        J = m.spectral_density(w)
        A = th + 1j * np.pi * phi                                  # (2, ...)
        return J * A[:, None] * A.conj()[None, :]                  # (2, 2, ...)
    return kernel


def steady_state(m, b):
    """Steady-state correlation matrix C(inf), Eq. (32), for any Baths shape.

    C_jk(inf) = int dw J(w) F_jk(w) [theta_j + i pi phi_j][theta_k - i pi phi_k],
    with phi_j (35) and theta_j (37).  F = R n R^T splits into one occupation integral
    per bath, evaluated for all distinct (mu, T) pairs of the Baths at once.  Fermionic or
    bosonic Baths (n the Fermi or Bose functions; the formula is the same for both).

    Returns
    -------
    ndarray, shape (*b.shape, 2, 2), complex
    """
    check_baths(m, b, bose=True, caller="steady_state")
    return bath_matrix_average(_steady_kernel(m), m, b)


def equilibrium_populations(m, T, mu, statistics="fermi"):
    """Populations int dw phi_j(w) n(w) for baths in mutual equilibrium, Eq. (38).

    n is the Fermi function, or the Bose function with statistics="bose" (then T > 0 and
    mu < -Omega are required, as for `Baths`).

    Returns shape (2, *broadcast(T, mu).shape), real.
    """
    if statistics == "bose":
        check_baths(m, Baths(T, T, mu, mu, statistics="bose"), bose=True,
                    caller="equilibrium_populations")
    return occupation_average(m.phi, m.Omega, mu, T, statistics, peaks=m.peaks())


def tcl_generator(m, b, t, method="exact", convention="shifted", warn=True):
    """Exact time-local generator (47): H(t), Gamma(t), Lambda^+(t), Lambda^-(t).

    i H + Gamma/2 = -G^{-1} dG/dt (G diagonal), and
    Lambda^+ = dZ/dt - i[H, Z] + {Gamma, Z}/2; Lambda^- = Gamma - Lambda^+ for fermionic Baths,
    Lambda^- = Gamma + Lambda^+ for bosonic ones (`model.loss_rates`: the loss matrix in the
    index order of Eq. (51) that reproduces (48) with commutators).

    The exact G_j(t) carries a band-edge tail ~ t^{-3/2} that eventually outgrows
    the pole term exp(-Gamma_j t/2); G^{-1} then amplifies the tail and the
    generator leaves the plateau that the asymptotic rates (55) describe (see the
    book, Sec. IV).  With warn=True (method="exact") a RuntimeWarning is issued if,
    at some time t > 3/min(Gamma_j) (past the minimum of tail/pole ~ t^{-3/2} e^{Gamma_j t/2},
    i.e. in the late-time regime), the logarithmic derivative -G_j^{-1} dG_j/dt = i H_j + Gamma_j/2
    differs from its pole value i E'_j + Gamma_j/2 by more than 1e-3 Gamma_j.  (The
    derivative multiplies the tail, which oscillates at the band edge, by ~Omega, so
    H and Gamma leave the plateau long before the tail is visible in G itself.  The
    early-time transient, t < 3/Gamma_j, is physical and exact and is not flagged.)

    Returns
    -------
    TCLGenerator of arrays with shape (*t.shape, 2, 2)
    """
    b = check_baths(m, b, scalar=True, bose=True, caller="tcl_generator")
    t = check_times(t, m.Omega)
    check_size("tcl_generator", "H, Gamma, Lambda^+-, Z and dZ/dt (24 x Nt)", 24 * t.size)
    G = np.moveaxis(propagator(m, t, method, convention), 0, -1)           # (*t, 2)
    if np.any(np.abs(G) == 0):
        raise ValueError("G(t) is singular: the time-local generator (47) needs an invertible G")
    dG = np.moveaxis(propagator_derivative(m, t, method, convention), 0, -1)
    k = -dG / G                                                           # i H_j + Gamma_j/2
    H = np.zeros(t.shape + (2, 2))
    Gam = np.zeros(t.shape + (2, 2))
    idx = np.arange(2)
    H[..., idx, idx] = k.imag
    Gam[..., idx, idx] = 2 * k.real
    Z, dZ = bath_correlations(m, b, t, method, convention, derivative=True)
    Hc, Gc = H.astype(complex), Gam.astype(complex)
    Lp = dZ - 1j * (Hc @ Z - Z @ Hc) + 0.5 * (Gc @ Z + Z @ Gc)
    Lp = 0.5 * (Lp + np.swapaxes(Lp, -1, -2).conj())                      # exact: Hermitian
    if warn and method == "exact":
        k_pole = 1j * m.E_shifted + 0.5 * m.Gamma_j                        # pole value of -G'/G
        dev = np.abs(k - k_pole) / m.Gamma_j                              # (*t, 2)
        late = (t > 3.0 / m.Gamma_j.min())[..., None]
        if np.any(late & (dev > 1e-3)):
            warnings.warn("tcl_generator: at late times (Gamma_j t > 3) the exact generator departs "
                          "from its plateau: -G^{-1} dG/dt differs from the pole value "
                          "i E'_j + Gamma_j/2 by more than 1e-3 Gamma_j (G^{-1} amplifies the "
                          "t^{-3/2} band-edge tail of G_j); the asymptotic rates (55) describe the "
                          "plateau, not these times", RuntimeWarning, stacklevel=2)
    return TCLGenerator(Hc, Gc, Lp, loss_rates(Gc, Lp, b.statistics))
