"""Asymptotic non-Markovianity (Sec. V C, Eq. (82), Fig. 5).

nu(t) = sum_{s = +-} sum_j max(0, -lambda^s_j(t)) is the total weight of the negative
canonical rates of the dissipator (52); the canonical rates are the eigenvalues
of the Hermitian rate matrices Lambda^+ and Lambda^-.  nu_infinity uses the EPA
asymptotic matrices (55) with Lambda^- = diag(Gamma_j) - Lambda^+ (fermions) or
diag(Gamma_j) + Lambda^+ (bosonic reservoirs, `model.loss_rates`).  Every function here accepts
fermionic and bosonic Baths.
"""
from __future__ import annotations

import numpy as np

from .epa import asymptotic_rates
from .exact import tcl_generator
from .model import Baths, check_baths

__all__ = ["hermitian_eigvals_2x2", "negative_weight", "nu", "nu_infinity", "nu_map_mu", "nu_map_T"]


def hermitian_eigvals_2x2(A):
    """Eigenvalues of Hermitian 2x2 matrices in closed form, ascending. Shape (*A.shape[:-2], 2).

    (a + d)/2 -+ sqrt(((a - d)/2)^2 + |c|^2): vectorised over any leading shape,
    which is what makes a 201 x 201 map a single array expression.
    """
    A = np.asarray(A)
    a, d, c = A[..., 0, 0].real, A[..., 1, 1].real, A[..., 0, 1]
    mean = 0.5 * (a + d)
    rad = np.hypot(0.5 * (a - d), np.abs(c))
    return np.stack([mean - rad, mean + rad], axis=-1)


def negative_weight(Lambda_plus, Lambda_minus):
    """sum over s, j of max(0, -lambda^s_j): the measure (82) for given rate matrices. Shape (*leading)."""
    lam = np.concatenate([hermitian_eigvals_2x2(Lambda_plus), hermitian_eigvals_2x2(Lambda_minus)], axis=-1)
    return np.sum(np.maximum(0.0, -lam), axis=-1)


def nu(m, b, t, method="exact"):
    """Instantaneous non-Markovianity nu(t) of the exact time-local generator, Eq. (82).

    Uses the canonical rates (52) of Lambda^+(t), Lambda^-(t) from `tcl_generator`
    (fermionic or bosonic scalar Baths).  Shape (*t.shape,).  Beyond the plateau of the exact generator (see
    `tcl_generator`) nu(t) inherits its late-time departure.
    """
    gen = tcl_generator(m, b, t, method=method, warn=False)
    return negative_weight(gen.Lambda_plus, gen.Lambda_minus)


def nu_infinity(m, b, convention="golden"):
    """Asymptotic non-Markovianity nu_inf from the EPA rates (55), Eq. (82). Shape b.shape.

    Vectorised over the Baths: a whole mu_L x mu_R or T_L x T_R grid is one call.  Fermionic
    or bosonic Baths (bosons: Lambda^- = diag(Gamma_j) + Lambda^+).
    """
    check_baths(m, b, bose=True, caller="nu_infinity")
    Lp, Lm = asymptotic_rates(m, b, convention=convention, both=True)
    return negative_weight(Lp, Lm)


def nu_map_mu(m, mu_L, mu_R, T, statistics="fermi"):
    """nu_inf on the grid mu_L x mu_R at T_L = T_R = T (Fig. 5(a), (b)).

    Parameters
    ----------
    mu_L : ndarray, shape (N,)
    mu_R : ndarray, shape (M,)
    T : float
    statistics : {"fermi", "bose"}
        Of both reservoirs; bosons need T > 0 and every mu < -Omega.

    Returns
    -------
    ndarray, shape (N, M); element [i, k] is at mu_L[i], mu_R[k]
    """
    mu_L, mu_R = np.asarray(mu_L, float), np.asarray(mu_R, float)
    return nu_infinity(m, Baths(T, T, mu_L[:, None], mu_R[None, :], statistics=statistics))


def nu_map_T(m, T_L, T_R, mu, statistics="fermi"):
    """nu_inf on the grid T_L x T_R at mu_L = mu_R = mu (Fig. 5(c)). Shape (len(T_L), len(T_R)).

    statistics : {"fermi", "bose"} of both reservoirs; bosons need T > 0 and mu < -Omega.
    """
    T_L, T_R = np.asarray(T_L, float), np.asarray(T_R, float)
    return nu_infinity(m, Baths(T_L[:, None], T_R[None, :], mu, mu, statistics=statistics))
