"""The exact solution: C(t), Z(t), D(t), the steady state C(inf) and the exact
time-local generator (Sec. III B, III D, IV A; Eqs. (28)-(32), (38), (47)-(49)).

The bath-driven part of the correlation matrix is

    Z_jk(t) = int dw J(w) F_jk(w) K_j(w, t)^* K_k(w, t),                (30)

which is Eq. (30) after the two time integrals are done with the response
functions K_j of (B7).  Its time derivative follows from dK/dt = -i G - i w K,
so the exact generator (47) needs no numerical differentiation.

Statistics.  The Heisenberg equations of the quadratic Hamiltonian are the same for fermions
and bosons, so C(t), C(inf) and the gain Lambda^+(t) have the same form with F built from the
Bose functions; only the loss matrix of (51) changes (`model.loss_rates`) and the initial C0
is then only required to be >= 0.  D(t) (Eq. (31)) is fermionic.
"""
from __future__ import annotations

from collections import namedtuple

import warnings

import numpy as np

from .model import (Baths, check_baths, check_correlation_matrix, check_double_occupancy, check_times,
                    loss_rates)
from .quadrature import bath_matrix_average, occupation_average, rule_for
from .spectral import check_method, propagator, propagator_derivative, response_function

__all__ = ["correlation_matrix", "double_occupancy", "bath_correlations", "steady_state",
           "tcl_generator", "TCLGenerator", "equilibrium_populations"]

TCLGenerator = namedtuple("TCLGenerator", "H Gamma Lambda_plus Lambda_minus")
TCLGenerator.__doc__ = """Exact time-local generator of Eq. (47): each field has shape (*t.shape, 2, 2)."""

_MAX_CHUNK = 2_000_000     # nodes x times per block, bounds memory of K (complex)


def bath_correlations(m, b, t, method="exact", convention="shifted", derivative=False):
    """Bath-fed part Z(t) of the correlation matrix, Eq. (30), and optionally dZ/dt.

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
    t = check_times(t)
    shape = t.shape
    tf = t.ravel()
    t_max = float(tf.max()) if tf.size else 0.0
    w, wts = rule_for(m, b, t_max)
    mu = wts * m.spectral_density(w)
    f = b.occupation(w)                                      # (2, Nw)
    # Where both leads are empty (F = 0) the integrand vanishes.  Where both are full
    # (F = 1) the sum rule int J K_j^* K_k = delta_jk (1 - |G_j|^2), which is the
    # anticommutator {d_j(t), d_k^dag(t)} = delta_jk, removes it too: integrate F - 1
    # instead.  Whichever region is larger is dropped from the node set.  The sum rule
    # is unitarity of the exact evolution: the EPA propagator does not obey it.  Bosonic
    # occupations have no "full" value (n may exceed 1, and the commutator gives the sum rule
    # with the opposite sign), so for bosons only empty regions are dropped.
    empty = np.all(f < 1e-18, axis=0)
    full = np.all(np.abs(1 - f) < 1e-18, axis=0)
    use_full = method == "exact" and b.statistics == "fermi" and full.sum() > empty.sum()
    keep = (mu != 0) & ~(full if use_full else empty)
    w, mu = w[keep], mu[keep]
    F = b.F(m, w)                                            # (Nw, 2, 2)
    if use_full:
        F = F - np.eye(2)
    WF = mu[:, None, None] * F
    Z = np.empty((tf.size, 2, 2), complex)
    dZ = np.empty_like(Z) if derivative else None
    step = max(1, _MAX_CHUNK // max(w.size, 1))
    for s in range(0, tf.size, step):
        ts = tf[s:s + step]
        K = response_function(m, w, ts, method, convention)  # (2, Nw, nt)
        Z[s:s + step] = np.einsum("wjk,jwt,kwt->tjk", WF, K.conj(), K)
        if use_full or derivative:
            G = propagator(m, ts, method, convention)         # (2, nt)
        if use_full:
            Z[s:s + step] += np.einsum("jt,jk->tjk", 1 - np.abs(G) ** 2, np.eye(2))
        if derivative:
            dK = -1j * G[:, None, :] - 1j * w[None, :, None] * K
            X = np.einsum("wjk,jwt,kwt->tjk", WF, K.conj(), dK)
            dZ[s:s + step] = X + X.conj().transpose(0, 2, 1)
            if use_full:
                dG = propagator_derivative(m, ts, method, convention)
                dZ[s:s + step] -= np.einsum("jt,jk->tjk", 2 * np.real(G.conj() * dG), np.eye(2))
    Z = Z.reshape(shape + (2, 2))
    if derivative:
        return Z, dZ.reshape(shape + (2, 2))
    return Z


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
    t = check_times(t)
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
    t = check_times(t)
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
    t = check_times(t)
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
