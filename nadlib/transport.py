"""Steady-state transport: transmission and Landauer currents (Sec. III D, App. D).

Currents are counted positive when they flow from bath L into the system; in the
steady state J^P_L = J^P_S = -J^P_R and J^E_L = -J^E_R.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .model import Baths
from .quadrature import fermi_average

__all__ = ["Currents", "transmission", "transmission_weak", "currents", "current_from_coherence",
           "boundary_currents", "entropy_production"]

Currents = namedtuple("Currents", "particle energy")
Currents.__doc__ = "Steady currents out of bath L: particle J^P_L and energy J^E_L (shape of the Baths)."


def transmission(m, w):
    """Transmission function T(w) = (pi g^2 / 2) phi_1(w) phi_2(w), Eq. (45). Shape of w."""
    phi = m.phi(w)
    return np.pi * m.g ** 2 / 2 * phi[0] * phi[1]


def transmission_weak(m, w):
    """Weak-coupling form T(w) ~ (g^2 / 4 Delta^2) sum_j Gamma_j phi_j(w), Eq. (46), valid for Gamma << Delta."""
    phi = m.phi(np.asarray(w, dtype=float))
    Gj = m.Gamma_j.reshape((2,) + (1,) * (phi.ndim - 1))
    return m.g ** 2 / (4 * m.Delta ** 2) * np.sum(Gj * phi, axis=0)


def _peaks(m):
    return [(m.E_shifted[j], m.Gamma_j[j]) for j in range(2)]


def _bias_integral(m, b, kernel):
    """int dw kernel(w) [f_L(w) - f_R(w)] for every point of the Baths. Shape (*K, *b.shape)."""
    if not isinstance(b, Baths):
        raise ValueError("b must be a nadlib.Baths instance")
    IL = fermi_average(kernel, m.Omega, b.mu_L, b.T_L, peaks=_peaks(m))
    IR = fermi_average(kernel, m.Omega, b.mu_R, b.T_R, peaks=_peaks(m))
    return IL - IR


def currents(m, b):
    """Landauer particle and energy currents out of bath L, Eqs. (43)-(44).

    J^P_L = int dw T(w) [f_L - f_R],  J^E_L = int dw w T(w) [f_L - f_R].

    Returns
    -------
    Currents(particle, energy), each of shape b.shape
    """
    def kernel(w):
        T = transmission(m, w)
        return np.stack([T, w * T])
    JP, JE = _bias_integral(m, b, kernel)
    return Currents(JP, JE)


def current_from_coherence(m, b):
    """Particle current J^P_S = g Im C_12(inf) written as an integral, Eq. (D1).

    J^P_S = (pi g^2 / 2 Delta) int dw J [phi_1 theta_2 - phi_2 theta_1] [f_L - f_R].
    Valid for any spectral density; here J = J_N.  Shape b.shape.
    """
    def kernel(w):
        phi, th = m.phi(w), m.theta(w)
        return m.spectral_density(w) * (phi[0] * th[1] - phi[1] * th[0])
    return np.pi * m.g ** 2 / (2 * m.Delta) * _bias_integral(m, b, kernel)


def boundary_currents(m, b):
    """Steady boundary currents out of bath L from the Heisenberg solution, Eqs. (D4)-(D5).

    J_L = 2 pi sum_kl R_k1 R_l1 int dw {1, w} J F_kl {phi_k - J [theta_k theta_l + pi^2 phi_k phi_l]}.

    Unlike (43)-(44) this does not use the closed form (37) of theta, so it is an
    independent route to the Landauer currents.

    Returns
    -------
    Currents(particle, energy), each of shape b.shape
    """
    if not isinstance(b, Baths):
        raise ValueError("b must be a nadlib.Baths instance")
    R = m.R

    def kernel(w):
        phi, th = m.phi(w), m.theta(w)
        J = m.spectral_density(w)
        brace = phi[:, None] - J * (th[:, None] * th[None, :] + np.pi ** 2 * phi[:, None] * phi[None, :])
        return np.stack([J * brace, w * J * brace])                  # (2, k, l, ...)

    out = 0
    for alpha, (mu, T) in enumerate(((b.mu_L, b.T_L), (b.mu_R, b.T_R))):
        I = fermi_average(kernel, m.Omega, mu, T, peaks=_peaks(m))   # (2, k, l, *S)
        # F_kl = sum_alpha R_k,alpha R_l,alpha f_alpha; the bath-L projection is R_k1 R_l1
        weight = R[:, 0][:, None] * R[:, 0][None, :] * R[:, alpha][:, None] * R[:, alpha][None, :]
        out = out + 2 * np.pi * np.einsum("kl,ckl...->c...", weight, I)
    return Currents(out[0], out[1])


def entropy_production(m, b):
    """Steady entropy production -sum_alpha beta_alpha J^Q_alpha of the Landauer currents, Eq. (2).

    J^Q_L = J^E_L - mu_L J^P_L and J^Q_R = -(J^E_L - mu_R J^P_L).  Needs T_alpha > 0.
    Shape b.shape.
    """
    if np.any(b.T_L <= 0) or np.any(b.T_R <= 0):
        raise ValueError("entropy production -sum beta J^Q needs T > 0 in both baths")
    J = currents(m, b)
    JQL = J.energy - b.mu_L * J.particle
    JQR = -(J.energy - b.mu_R * J.particle)
    return -(JQL / b.T_L + JQR / b.T_R)
