"""Steady-state transport: transmission and Landauer currents (Sec. III D, App. D).

Currents are counted positive when they flow from bath L into the system; in the
steady state J^P_L = J^P_S = -J^P_R and J^E_L = -J^E_R.

Statistics.  The steady-state formulas hold for fermionic and bosonic reservoirs alike, with
f_alpha the Fermi or Bose functions: they follow from the Heisenberg solution, which does not
depend on the statistics (the book's chapter on bosonic reservoirs).  `currents`,
`current_from_coherence`, `boundary_currents` and `entropy_production` accept both;
`transient_currents` is fermionic only.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .model import check_baths, check_correlation_matrix, check_size, check_times
from .quadrature import DEFAULT_ORDER, bath_average, rule_for
from .spectral import arc_levels, exponential_representation, propagator, response_function

__all__ = ["Currents", "transmission", "transmission_weak", "currents", "current_from_coherence",
           "boundary_currents", "entropy_production", "second_response_function",
           "transient_currents"]

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


def _bias_integral(m, b, kernel, caller):
    """int dw kernel(w) [n_L(w) - n_R(w)] for every point of the Baths (Fermi or Bose n).

    Shape (*K, *b.shape)."""
    check_baths(m, b, bose=True, caller=caller)
    I = bath_average(kernel, m, b)
    return I[0] - I[1]


def currents(m, b):
    """Landauer particle and energy currents out of bath L, Eqs. (43)-(44).

    J^P_L = int dw T(w) [f_L - f_R],  J^E_L = int dw w T(w) [f_L - f_R].

    Fermionic or bosonic Baths: for bosons f_alpha are the Bose functions (Landauer with Bose
    functions; the transmission (45) is a single-particle property).

    Returns
    -------
    Currents(particle, energy), each of shape b.shape
    """
    def kernel(w):
        T = transmission(m, w)
        return np.stack([T, w * T])
    JP, JE = _bias_integral(m, b, kernel, "currents")
    return Currents(JP, JE)


def current_from_coherence(m, b):
    """Particle current J^P_S = g Im C_12(inf) written as an integral, Eq. (D1).

    J^P_S = (pi g^2 / 2 Delta) int dw J [phi_1 theta_2 - phi_2 theta_1] [f_L - f_R].
    Valid for any spectral density; here J = J_N.  Fermionic or bosonic Baths.  Shape b.shape.
    """
    def kernel(w):
        phi, th = m.phi(w), m.theta(w)
        return m.spectral_density(w) * (phi[0] * th[1] - phi[1] * th[0])
    return np.pi * m.g ** 2 / (2 * m.Delta) * _bias_integral(m, b, kernel, "current_from_coherence")


def boundary_currents(m, b):
    """Steady boundary currents out of bath L from the Heisenberg solution, Eqs. (D4)-(D5).

    J_L = 2 pi sum_kl R_k1 R_l1 int dw {1, w} J F_kl {phi_k - J [theta_k theta_l + pi^2 phi_k phi_l]}.

    Unlike (43)-(44) this does not use the closed form (37) of theta, so it is an
    independent route to the Landauer currents.  Fermionic or bosonic Baths.

    Returns
    -------
    Currents(particle, energy), each of shape b.shape
    """
    check_baths(m, b, bose=True, caller="boundary_currents")
    R = m.R

    def kernel(w):
        phi, th = m.phi(w), m.theta(w)
        J = m.spectral_density(w)
        brace = phi[:, None] - J * (th[:, None] * th[None, :] + np.pi ** 2 * phi[:, None] * phi[None, :])
        return np.stack([J * brace, w * J * brace])                  # (2, k, l, ...)

    I = bath_average(kernel, m, b)                                   # (alpha, 2, k, l, *S)
    # F_kl = sum_alpha R_k,alpha R_l,alpha f_alpha; the bath-L projection is R_k1 R_l1
    weight = np.einsum("k,l,ka,la->akl", R[:, 0], R[:, 0], R, R)
    out = 2 * np.pi * np.einsum("akl,ackl...->c...", weight, I)
    return Currents(out[0], out[1])


def entropy_production(m, b):
    """Steady entropy production -sum_alpha beta_alpha J^Q_alpha of the Landauer currents, Eq. (2).

    J^Q_L = J^E_L - mu_L J^P_L and J^Q_R = -(J^E_L - mu_R J^P_L).  Needs T_alpha > 0.
    Fermionic or bosonic Baths.  Shape b.shape.
    """
    check_baths(m, b, bose=True, caller="entropy_production")
    if np.any(b.T_L <= 0) or np.any(b.T_R <= 0):
        raise ValueError("entropy production -sum beta J^Q needs T > 0 in both baths")
    J = currents(m, b)
    JQL = J.energy - b.mu_L * J.particle
    JQR = -(J.energy - b.mu_R * J.particle)
    return -(JQL / b.T_L + JQR / b.T_R)


# --------------------------------------------------------------------------- transient currents, App. D

def _phase_difference(x, y, t):
    """(e^{-i y t} - e^{-i x t}) / (y - x), written as -i t e^{-i(x+y)t/2} sinc((y-x)t/2).

    This is -i int_0^t dt' e^{-i x (t-t')} e^{-i y t'}; the sinc form is exact and stays
    finite (-i t e^{-i x t}) at y = x.  Broadcasts over x, y, t.
    """
    return -1j * t * np.exp(-0.5j * (x + y) * t) * np.sinc((y - x) * t / (2 * np.pi))


def second_response_function(m, w, wp, t, method="exact", convention="shifted"):
    """I_j(w, w', t) = -i int_0^t dt' exp(-i w (t - t')) K_j(w', t'), Eq. (B8).

    Closed form from the exponential representation G_j(t) = sum_c a_c exp(-i z_c t)
    (`spectral.exponential_representation`).  Since K_j(w', t') = sum_c a_c
    [e^{-i z_c t'} - e^{-i w' t'}] / (z_c - w') (Eq. (B7)), one more time integral gives

        I_j(w, w', t) = sum_c a_c / [(z_c - w)(z_c - w')] (e^{-i z_c t} - e^{-i w t})
                        - g_j(w') (e^{-i w' t} - e^{-i w t}) / (w' - w),

    with g_j(w') = sum_c a_c / (z_c - w'); the last fraction is evaluated in its sinc form,
    finite at w' = w.

    Parameters
    ----------
    w, wp : ndarray, shapes (Nw,), (Nwp,)
        Real frequencies.
    t : ndarray, shape (Nt,)
        Times t >= 0.

    Returns
    -------
    ndarray, shape (2, Nw, Nwp, Nt), complex
    """
    t = check_times(t, m.Omega)
    w, wp = np.asarray(w, dtype=float), np.asarray(wp, dtype=float)
    a, z = exponential_representation(m, method, convention,
                                      levels=arc_levels(m.Omega, float(t.max()) if t.size else 0.0))
    check_size("second_response_function", "I_j(w, w', t) or its factors (2 x Nw x Nw' x max(Nt, Nc))",
               2 * max(w.size, 1) * max(wp.size, 1) * max(t.size, z.shape[1]))
    A = a[:, None, None, :] / ((z[:, None, None, :] - w[None, :, None, None])
                               * (z[:, None, None, :] - wp[None, None, :, None]))   # (2, Nw, Nwp, Nc)
    out = np.einsum("jwvc,jct->jwvt", A, np.exp(-1j * z[:, :, None] * t))
    out -= A.sum(axis=-1)[..., None] * np.exp(-1j * np.multiply.outer(w, t))[None, :, None, :]
    g = np.sum(a[:, None, :] / (z[:, None, :] - wp[None, :, None]), axis=-1)         # (2, Nwp)
    E = _phase_difference(w[:, None, None], wp[None, :, None], t)                     # (Nw, Nwp, Nt)
    return out - g[:, None, :, None] * E[None]


def transient_currents(m, b, t, C0=None, method="exact", convention="shifted", initial_term=True):
    """Time-dependent boundary currents <J^P_L>_t and <J^E_L>_t, Eqs. (D2)-(D3), from the Heisenberg solution.

    J^P_L(t) = 2 Im [R^T X(t) R]_11 with (K, I diagonal, Eqs. (B7)-(B8))

        X_jk = int dw J K_j^*(w, t) F_jk(w) [e^{-i w t} + int dw' J(w') I_k(w', w, t)]
               + G_j^*(t) C0_jk int dw J(w) K_k(w, t),

    and the same for J^E_L with e^{-i w t} -> w e^{-i w t}, J(w') -> w' J(w') and
    J(w) K_k -> w J(w) K_k in the last term.  The last term (the initial-state term)
    is missing from the printed (D2)-(D3) (typo A25): they hold for C(0) = 0 and as
    t -> infinity.  ``initial_term=False`` drops it, i.e. evaluates (D2)-(D3) as printed.

    The inner integral over w' is done in closed form over the exponentials of G_j,
    except for one regular kernel, a (Nw x Nw) matrix per time, Nw ~ 1.6 Omega max(t) the nodes of
    `quadrature.rule_for`.  That kernel is formed in blocks of rows (memory bounded by
    ~2e6 complex numbers at a time), but the work grows like Nt x Nw^2 (measured ~1e7 entries per
    second: one time at Omega t = 2500 has Nw ~ 9400 and takes ~9 s).  A request of more than
    MAX_KERNEL_WORK (2^31 ~ 2.1e9) kernel entries, i.e. more than about four minutes, is refused
    up front with a ValueError naming the size and the limit.

    Parameters
    ----------
    m : Model
    b : Baths (scalar)
    t : array_like, times >= 0
    C0 : (2, 2) array_like, optional
        Initial eigenbasis correlation matrix; default vacuum.
    method, convention : as in `nadlib.propagator`

    Returns
    -------
    Currents(particle, energy), each of shape t.shape

    Raises
    ------
    ValueError
        If Nt x Nw^2 exceeds MAX_KERNEL_WORK.
    """
    b = check_baths(m, b, scalar=True, caller="transient_currents")
    t = check_times(t, m.Omega)
    C0 = check_correlation_matrix(C0)
    tf = t.ravel()
    t_max = float(tf.max()) if tf.size else 0.0
    n_est = _rule_size(m, b, t_max)
    work = tf.size * float(n_est) ** 2
    if work > MAX_KERNEL_WORK:
        raise ValueError(
            f"transient_currents: {tf.size} times x ({n_est} frequency nodes)^2 = {work:.3e} kernel "
            f"entries exceed the limit MAX_KERNEL_WORK = {MAX_KERNEL_WORK:.3e} (the nodes grow like "
            f"1.6 Omega t_max; here Omega t_max = {m.Omega * t_max:.3g}); ask for fewer or earlier times")
    w, wts = rule_for(m, b, t_max)
    J = m.spectral_density(w)
    keep = J > 0
    w, J = w[keep], J[keep]
    mu = wts[keep] * J                                            # quadrature weights times J(w)
    F = b.F(m, w)                                                 # (Nw, 2, 2)
    a, z = exponential_representation(m, method, convention, levels=arc_levels(m.Omega, t_max))
    check_size("transient_currents", "a_c / (z_c - w) (2 x Nw x Nc)", 2 * w.size * z.shape[1])
    B = a[:, None, :] / (z[:, None, :] - w[None, :, None])       # a_c / (z_c - w), (2, Nw, Nc)
    g = B.sum(axis=-1)                                            # (2, Nw)
    cz = 1.0 / (z[:, :, None] - w[None, None, :])                 # (2, Nc, Nw)
    weights = np.stack([mu, mu * w])                              # J(w') w'^p, p = 0, 1
    S0 = np.einsum("jcw,pw->pjc", cz, weights)                    # int J w'^p / (z_c - w')
    R1 = m.R[:, 0]
    rows = max(1, _BLOCK // max(1, w.size))
    out = np.empty((2, tf.size))
    for n, tn in enumerate(tf):
        K = response_function(m, w, [tn], method, convention)[..., 0]   # (2, Nw)
        G = propagator(m, tn, method, convention)                 # (2,)
        ew = np.exp(-1j * w * tn)
        ez = np.exp(-1j * z * tn)                                 # (2, Nc)
        S1 = np.einsum("jcw,pw->pjc", cz, weights * ew)           # int J w'^p e^{-i w' t} / (z_c - w')
        P = np.zeros((2, w.size), complex)                        # kernel symmetric in (w', w)
        for r in range(0, w.size, rows):
            P += weights[:, r:r + rows] @ _phase_difference(w[r:r + rows, None], w[None, :], tn)
        Y = np.einsum("jwc,pjc->pjw", B, ez[None] * S0 - S1) - g[None] * P[:, None, :]
        free = np.stack([ew, w * ew])[:, None, :]                 # (p, 1, Nw)
        X = np.einsum("w,jw,wjk,pkw->pjk", mu, K.conj(), F, free + Y)
        if initial_term:
            X = X + G.conj()[None, :, None] * C0[None] * (weights @ K.T)[:, None, :]
        out[:, n] = 2 * np.imag(np.einsum("j,pjk,k->p", R1, X, R1))
    return Currents(out[0].reshape(t.shape), out[1].reshape(t.shape))


#: Largest number of (w', w) kernel entries `transient_currents` evaluates in one call (Nt x Nw^2).
MAX_KERNEL_WORK = 2 ** 31
_BLOCK = 2_000_000


def _rule_size(m, b, t_max):
    """Number of nodes of `rule_for(m, b, t_max)`, estimated without building it (upper bound up
    to the features' ~100 panels): 16 per panel, ~Omega t_max / 5 oscillation panels."""
    n_osc = np.ceil(2 * m.Omega * t_max / 10.0) if t_max > 0 else 0
    return int(DEFAULT_ORDER * (n_osc + 33 + 4 * 90))
