"""Exponential-propagator approximation (Sec. IV B, Sec. V A, App. E).

The EPA keeps only the pole of phi_j: G_j(t) ~ exp(-i E'_j t - Gamma_j t/2), Eq. (53).
`nadlib.propagator(m, t, method="epa")` and `correlation_matrix(..., method="epa")`
give the EPA dynamics; this module holds the EPA gain rates Lambda^+(t) (54), their
asymptotic values (55), and the error analysis of App. E: the residue weight, the
arc error, the bound (E5) and its envelope u(tau) (E6).

Conventions (the book's chapters on Sec. IV-V): the time-dependent rates (54)
use the pole of Eq. (36) by default ("shifted", as the Fig. 4 lines); the
asymptotic rates (55) use E_j and Gamma_j = 2 pi J_N(E_j) ("golden"), as the paper
states after Eq. (53).  Either keyword selects the other.

Statistics.  The gain rates (54)-(55) have the same form for fermionic and bosonic reservoirs
(F built from the Fermi or Bose functions); the loss matrix is Gamma - Lambda^+ for fermions and
Gamma + Lambda^+ for bosons (`model.loss_rates`).  `lambda_plus` and `asymptotic_rates` accept
both.
"""
from __future__ import annotations

import numpy as np
from scipy import special

from .model import check_baths, check_size, check_times, loss_rates
from .quadrature import (RESOLVED_MAX_OMEGA_T, bath_matrix_average, fourier_rule_for, rule_for,
                         sqrt_graded_rule, time_groups)
from .spectral import propagator, residue_weight

__all__ = ["lambda_plus", "asymptotic_rates", "epa_phi", "arc_error", "error_bound",
           "u_envelope", "u_envelope_bessel"]


def epa_phi(m, w, convention="golden"):
    """EPA Lorentzian profile J_N(w) / [(w - E_j)^2 + Gamma_j^2/4]. Shape (2, *w.shape).

    This is the phi_j that makes the decomposition (56)-(58) exact (see the book's chapter on
    Sec. V); it integrates to 1 - O(Gamma/Omega) (erratum A24).
    """
    w = np.asarray(w, dtype=float)
    w0 = m.pole(convention).reshape((2,) + (1,) * w.ndim)
    return m.spectral_density(w) / ((w - w0.real) ** 2 + w0.imag ** 2)


def lambda_plus(m, b, t, convention="shifted"):
    """Time-dependent EPA gain matrix Lambda^+(t), Eq. (54).

    Lambda^+(t) = int_0^t dt' G^dag(t') Phi(t') + h.c. = X + X^dag, done in closed form:
    X_jk(t) = int dw J F_jk (exp(i(w0_j^* - w) t) - 1) / (i (w0_j^* - w)).
    Fermionic or bosonic Baths (F from the Fermi or Bose functions).

    Cost and memory are bounded for any t.  For Omega t <= quadrature.RESOLVED_MAX_OMEGA_T the
    integral runs on `quadrature.rule_for`, which resolves e^{-i w t}; later, X splits into a
    t-independent part, whose X + X^dag is the asymptotic matrix (55) (`asymptotic_rates` with the
    same pole), and e^{i w0_j^* t} int dw J F_jk e^{-i w t} / (i (w0_j^* - w)), integrated with Filon
    weights on `quadrature.fourier_rule` (no oscillation to resolve).  It decays like
    e^{-Gamma_j t/2}: once Gamma_j t/2 > 45 for both modes Lambda^+(t) is (55) to machine precision.

    Returns
    -------
    ndarray, shape (*t.shape, 2, 2), complex Hermitian
    """
    b = check_baths(m, b, scalar=True, bose=True, caller="lambda_plus")
    t = check_times(t, m.Omega)
    tf = t.ravel()
    check_size("lambda_plus", "Lambda^+(t) (Nt x 2 x 2)", 4 * tf.size)
    w0 = m.pole(convention)
    X = np.empty((tf.size, 2, 2), complex)
    direct = m.Omega * tf <= RESOLVED_MAX_OMEGA_T
    if np.any(direct):
        X[direct] = _lambda_x_direct(m, b, w0, tf[direct])
    late = ~direct
    if np.any(late):
        X[late] = _lambda_x_late(m, b, w0, tf[late], convention)
    L = X + X.conj().transpose(0, 2, 1)
    if np.any(late):
        L[late] += asymptotic_rates(m, b, convention=convention)
    return L.reshape(t.shape + (2, 2))


_BLOCK = 2_000_000          # complex numbers per work array


def _lambda_x_direct(m, b, w0, t):
    """X_jk(t) of Eq. (54) on `rule_for(m, b, max t)`, in blocks of times. Shape (Nt, 2, 2)."""
    w, wts = rule_for(m, b, float(t.max()))
    mu = wts * m.spectral_density(w)
    F = b.F(m, w)                                                  # (Nw, 2, 2)
    d = w0.conj()[:, None] - w[None, :]                            # (2, Nw)
    X = np.empty((t.size, 2, 2), complex)
    step = max(1, _BLOCK // (2 * w.size))
    for s in range(0, t.size, step):
        ts = t[s:s + step]
        ker = (np.exp(1j * d[..., None] * ts) - 1) / (1j * d[..., None])   # (2, Nw, nt)
        X[s:s + step] = np.einsum("w,wjk,jwt->tjk", mu, F, ker)
    return X


def _lambda_x_late(m, b, w0, t, convention):
    """The decaying part e^{i w0_j^* t} int J F_jk e^{-i w t} / (i (w0_j^* - w)) of X_jk(t), Eq. (54).

    Filon weights on `fourier_rule_for`, one rule per group of times within a ratio of 4.
    Shape (Nt, 2, 2).
    """
    X = np.zeros((t.size, 2, 2), complex)
    for idx, ts in time_groups(t):
        if np.all(-w0.imag * ts[0] > 45.0):                         # e^{i w0^* t} < 3e-20
            continue
        rule = fourier_rule_for(m, b, float(ts[-1]), convention)
        keep = np.any(b.occupation(rule.w) >= 1e-18, axis=0)        # F = 0 where both leads are empty
        rule = rule.subset(keep)
        w = rule.w
        S = (m.spectral_density(w)[:, None, None] * b.F(m, w)
             / (1j * (w0.conj()[None, :, None] - w[:, None, None])))    # (Nw, j, k)
        step = max(1, _BLOCK // max(1, w.size))
        for r in range(0, ts.size, step):
            tr = ts[r:r + step]
            V = rule.fourier_weights(tr).conj()                      # e^{-i w t} weights
            X[idx[r:r + step]] = (np.exp(1j * np.outer(tr, w0.conj()))[:, :, None]
                                  * np.einsum("tw,wjk->tjk", V, S))
    return X


def _rates_kernel(m, w0):
    def kernel(w):
        J = m.spectral_density(w)
        a = 1 / (w0.conj().reshape((2, 1) + (1,) * np.ndim(w)) - w)    # 1/(E_j - w + i Gamma_j/2)
        c = 1 / (w0.reshape((1, 2) + (1,) * np.ndim(w)) - w)           # 1/(E_k - w - i Gamma_k/2)
        return 1j * J * (a - c)                                        # (2, 2, ...)
    return kernel


def asymptotic_rates(m, b, convention="golden", both=False):
    """Asymptotic EPA gain matrix Lambda^+ = lim Lambda^+(t), Eq. (55), for any Baths shape.

    Lambda^+_jk = i int dw J_N F_jk [1/(E_j - w + i Gamma_j/2) - 1/(E_k - w - i Gamma_k/2)].
    F_jk = sum_alpha R_j,alpha R_k,alpha n_alpha, so each bath needs one occupation
    integral per distinct (mu_alpha, T_alpha): a mu_L x mu_R map of N x N points
    costs 2N integrals, done in one vectorised pass.

    Fermionic or bosonic Baths: n_alpha is the Fermi or the Bose function, and the loss matrix
    (index order of Eq. (51)) is Lambda^- = diag(Gamma_j) - Lambda^+ for fermions and
    Lambda^- = diag(Gamma_j) + Lambda^+ for bosons.

    Parameters
    ----------
    convention : {"golden", "shifted"}
        Pole E_j - i pi J_N(E_j) (default, as in Sec. V) or E'_j - i Gamma_j/2.
    both : bool
        Also return Lambda^- (diag(Gamma_j) -+ Lambda^+, fermions / bosons).

    Returns
    -------
    Lambda_plus : ndarray, shape (*b.shape, 2, 2), complex Hermitian
    Lambda_minus : same, only if both=True
    """
    check_baths(m, b, bose=True, caller="asymptotic_rates")
    w0 = m.pole(convention)
    Lp = bath_matrix_average(_rates_kernel(m, w0), m, b, convention)
    Lp = 0.5 * (Lp + np.swapaxes(Lp, -1, -2).conj())
    if both:
        return Lp, loss_rates(np.diag(-2 * w0.imag), Lp, b.statistics)
    return Lp


def arc_error(m, t):
    """Arc contribution err_j(t) = G_j(t) - p_j exp(-i E'_j t - Gamma_j t/2), Eqs. (E1), (E3).

    Uses the decay exponent Gamma_j t / 2 (typo A1: (E1) prints Gamma_j t).
    Shape (2, *t.shape), complex.
    """
    t = check_times(t, m.Omega)
    w0 = m.pole("shifted").reshape((2,) + (1,) * t.ndim)
    p = residue_weight(m).reshape((2,) + (1,) * t.ndim)
    return propagator(m, t) - p * np.exp(-1j * w0 * t)


def u_envelope(tau, n_panels=24, n=24):
    """Envelope u(tau) = (1 / (sqrt(2) pi)) int_0^pi e^{-tau sin(theta)} sin^{1/2}(theta) d theta, Eq. (E6).

    Computed by quadrature (theta = s^2 near both ends, panels graded towards
    them), which stays accurate at large tau where the Bessel form cancels
    catastrophically (A10).  Vectorised over tau >= 0. Shape of tau.
    """
    tau = np.asarray(tau, dtype=float)
    if np.any(tau < 0) or not np.all(np.isfinite(tau)):
        raise ValueError("u(tau) needs finite tau >= 0")
    th, wt = sqrt_graded_rule(np.pi / 2, n_panels, n)
    tf = tau.ravel()
    out = np.empty(tf.size)
    step = max(1, _BLOCK // th.size)                     # bounded memory for any number of tau
    for s in range(0, tf.size, step):
        vals = np.exp(-np.multiply.outer(tf[s:s + step], np.sin(th))) * np.sqrt(np.sin(th))
        out[s:s + step] = vals @ wt
    return (out / (np.sqrt(2) * np.pi)).reshape(tau.shape)


def u_envelope_bessel(tau):
    """Bessel form of u(tau), Eq. (E6): sqrt(pi tau)/2 [I_{-3/4} I_{1/4} - I_{-1/4} I_{3/4}](tau/2).

    Exponentially scaled Bessel functions avoid overflow, but the difference still
    loses all digits for tau >~ 30 (A10); use `u_envelope` there.  Shape of tau.
    """
    tau = np.asarray(tau, dtype=float)
    if np.any(tau > 700) or np.any(tau < 0) or not np.all(np.isfinite(tau)):
        raise ValueError("the Bessel form of (E6) needs 0 <= tau <= 700 (exp(tau) overflows beyond, and "
                         "the difference has lost all digits long before, A10); use u_envelope")
    x = np.where(tau > 0, tau / 2, 1.0)
    iv = special.ive
    diff = iv(-0.75, x) * iv(0.25, x) - iv(-0.25, x) * iv(0.75, x)
    u = np.sqrt(np.pi * 2 * x) / 2 * diff * np.exp(2 * x)
    # tau -> 0: sqrt(tau) * I_{-3/4}(tau/2) I_{1/4}(tau/2) -> finite limit, which is
    # u(0) = Gamma(3/4) / (sqrt(2 pi) Gamma(5/4))
    u0 = special.gamma(0.75) / (np.sqrt(2 * np.pi) * special.gamma(1.25))
    return np.where(tau > 0, u, u0)


def error_bound(m, t):
    """Bound on |err_j(t)|, third line of Eq. (E5). Shape (2, *t.shape).

    (Gamma/Omega) / (1 - Gamma/Omega) * Omega^2 / [(Omega - |E'_j|)^2 + Gamma_j^2/4] * u(Omega t).

    The paper writes Omega - E'_j: the denominator of (E5) is smallest at the arc end nearer
    the level, theta = 0 for E'_j > 0 and theta = pi for E'_j < 0, hence |E'_j| (for E'_j < 0
    the printed form underestimates the error by a factor ~2.5 at Fig. 3's parameters mirrored).
    """
    t = check_times(t, m.Omega)
    r = m.Gamma / m.Omega
    pref = r / (1 - r) * m.Omega ** 2 / ((m.Omega - np.abs(m.E_shifted)) ** 2 + m.Gamma_j ** 2 / 4)
    return pref.reshape((2,) + (1,) * t.ndim) * u_envelope(m.Omega * t)
