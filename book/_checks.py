"""Shared helpers of the book's check cells: rounding for printed output and glue.

nbval compares printed text exactly, so every number a check cell prints goes through one of
these.  Referee routines that several chapters use (independent quadratures, brute-force
constructions) live here too, so that each chapter's check cells show only what they check.
Import from a chapter with ``from _checks import below, sig`` (the kernel runs in book/).
"""
from __future__ import annotations

import numpy as np
from scipy.integrate import quad

__all__ = ["below", "sig", "pv_quad", "born_markov_reservoir"]


def below(x, floor=1e-12):
    """An error for printing: '< floor' at round-off level, else 1 significant digit."""
    return f"< {floor:.0e}" if x < floor else f"{x:.0e}"


def sig(x, n=3):
    """x rounded to n significant digits (for glue; stable across runs)."""
    return float(f"{x:.{n}g}")


def pv_quad(m, mu, T, E):
    """P int dw J_N(w) f(w) / (E - w) with scipy: the Cauchy weight on the panel that holds E, split at mu."""
    import nadlib as nad
    g = lambda w: m.spectral_density(w) * nad.fermi(w, mu, T)
    cuts = [-m.Omega] + ([mu] if abs(mu) < m.Omega and mu != E else []) + [m.Omega]
    out = 0.0
    for a, c in zip(cuts[:-1], cuts[1:]):
        if a < E < c:
            out -= quad(g, a, c, weight="cauchy", wvar=E, limit=800, epsabs=1e-15, epsrel=1e-13)[0]
        else:
            out += quad(lambda w: g(w) / (E - w), a, c, limit=800, epsabs=1e-15, epsrel=1e-13)[0]
    return out


def born_markov_reservoir(m, mu, T, alpha, lamb=True):
    """Redfield generator of reservoir alpha in its textbook form, built in the many-body eigenbasis of H_S.

    D rho = sum_w G^-(w)[A(w) rho c^dag - c^dag A(w) rho] + G^+(w)[A(w)^dag rho c - c A(w)^dag rho] + h.c.,
    with c = c_alpha, A(w) its eigen-operator components (c(-s) = sum_w A(w) e^{iws}) from a numerical
    diagonalisation of the 4 x 4 H_S of Eq. (10), and G^{-+}(w) = pi J_N n(w) +- i P int J_N n / (w - w')
    (n = 1 - f, f) from scipy.  Shares no code with nadlib.markov.  Returns a 16 x 16 array.
    """
    import nadlib as nad
    from nadlib import fock
    S1 = lambda w0: -quad(m.spectral_density, -m.Omega, m.Omega, weight="cauchy", wvar=w0, limit=400,
                          epsabs=1e-15, epsrel=1e-13)[0]
    cs = fock.mode_operators(m.R.T)
    c = cs[alpha]
    H = (m.h_L * cs[0].T @ cs[0] + m.h_R * cs[1].T @ cs[1] - m.g / 2 * (cs[0].T @ cs[1] + cs[1].T @ cs[0]))
    ev, V = np.linalg.eigh(H)
    cm = V.conj().T @ c @ V
    cd = c.conj().T
    D = np.zeros((16, 16), complex)
    for a in range(4):
        for b in range(4):
            if abs(cm[a, b]) < 1e-14:
                continue
            A = cm[a, b] * np.outer(V[:, a], V[:, b].conj())
            w = ev[b] - ev[a]
            f = nad.fermi(w, mu, T)
            Sf = pv_quad(m, mu, T, w) if lamb else 0.0
            Sm = (S1(w) - Sf) if lamb else 0.0
            Gm = np.pi * m.spectral_density(w) * (1 - f) + 1j * Sm
            Gp = np.pi * m.spectral_density(w) * f - 1j * Sf
            D += Gm * (fock.sprepost(A, cd) - fock.spre(cd @ A))
            D += Gp * (fock.sprepost(A.conj().T, c) - fock.spre(c @ A.conj().T))
    idx = np.arange(16)
    P = np.zeros((16, 16))
    P[idx // 4 + 4 * (idx % 4), idx] = 1.0                # vec(X) -> vec(X^T)
    return D + P @ D.conj() @ P
