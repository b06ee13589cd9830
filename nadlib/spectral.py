"""Spectral functions and the single-mode propagators G_j(t) (Sec. III B-C, App. B, App. E).

The exact propagator is the Fourier transform (24) of phi_j (35).  Rather than
integrate an oscillatory band integral for every time, we deform the contour
into the lower half plane, as in App. E (Fig. 8): for t >= 0

    G_j(t) = p_j exp(-i w0_j t) + int_0^pi d theta  i Omega e^{-i theta}
             exp(-i Omega e^{-i theta} t) phi_j(Omega e^{-i theta}),

with the pole w0_j = E'_j - i Gamma_j/2, its residue weight p_j (E2, corrected as
in typo A2) and the arc integral (E3).  This is exact, not the EPA: the arc
term carries the band-edge tail ~ t^{-3/2}.  Discretising the arc with
`quadrature.arc_rule` writes the exact propagator as a finite sum of complex
exponentials,

    G_j(t) = sum_c a_jc exp(-i z_jc t),

and every time integral of G_j then has a closed form.  The EPA propagator (53)
is the same sum with the pole alone and weight 1.

Late times.  On the arc |exp(-i z t)| = exp(-Omega t sin theta): at time t only a boundary
layer theta < ~1/(Omega t) next to each end contributes, and it carries the band-edge tail
G_edge(t) ~ t^{-3/2}.  The arc rule is graded geometrically in s = sqrt(theta) towards both ends;
`arc_levels` chooses the number of halvings so that the first panel lies well inside that
layer, which keeps the discretisation error of G_j(t) at ~1e-15 relative (measured against a
40-level rule at Fig. 5's parameters, t = 10 ... 1e9).  The number of nodes therefore grows like
log(Omega t): 16 per level, 208 for Omega t <= 5e5 and 464 at Omega t = 1e16.  The rounding of
the phases z_c t then limits the relative accuracy of the tail to ~1e-16 Omega t, which is the
conditioning of G_j(t) itself (measured against Watson's lemma for the edge tails: 1.4e-10 at
Omega t = 1e6, where |G_j| ~ 1e-13).
"""
from __future__ import annotations

import numpy as np

from .model import CONVENTIONS, check_size, check_times
from .quadrature import arc_contour

__all__ = ["propagator", "propagator_derivative", "exponential_representation", "arc_levels",
           "residue_weight", "response_function", "laplace_propagator", "check_method"]

_METHODS = ("exact", "epa")


def check_method(method, convention):
    """Validate the propagator `method` ("exact" or "epa") and the EPA pole `convention`."""
    if method not in _METHODS:
        raise ValueError(f"method must be 'exact' or 'epa', got {method!r}")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be 'shifted' (E'_j, Gamma_j of Eq. (36)) or "
                         f"'golden' (E_j, 2 pi J_N(E_j)), got {convention!r}")


def residue_weight(m):
    """Residue weight p_j of the pole of phi_j, Eq. (E2) with the root over the whole fraction.

    p_j = sqrt[(Omega^2 - (E'_j - i Gamma_j/2)^2) / (Omega^2 - Gamma Omega - E_j^2)],
    which is dimensionless and tends to 1 as Gamma/Omega -> 0 (typo A2: the printed
    layout puts only the numerator under the root).  Shape (2,), complex.
    """
    w0 = m.E_shifted - 0.5j * m.Gamma_j
    return np.sqrt((m.Omega ** 2 - w0 ** 2) / (m.Omega ** 2 - m.Gamma * m.Omega - m.E ** 2))


_MIN_LEVELS = 12            # the arc rule used up to Omega t ~ 5e5 (208 nodes)
_LAYER = 0.05              # Omega t theta_1 <= _LAYER: first arc panel inside the boundary layer
_MAX_LEVELS = 40


def arc_levels(Omega, t_max, horizon=1.0):
    """Number of geometric halvings of the arc rule that keeps G_j(t) accurate for t <= horizon * t_max.

    The first s-panel [0, s_1] of the rule (theta = s^2 <= theta_1 = (pi/2) 4^-levels) must lie
    inside the boundary layer theta ~ 1/(Omega t) of the latest time: Omega t theta_1 <= 0.05
    (measured: then the relative error of G_j(t) is ~1e-15; at Omega t theta_1 = 0.4 it is 3e-9).
    At least 12 levels, at most 40 (Omega t up to ~4e22).

    Parameters
    ----------
    Omega : float
    t_max : float
        Latest time.
    horizon : float
        Factor >= 1: the rule is to stay accurate up to horizon * t_max.

    Returns
    -------
    int
    """
    x = (np.pi / 2) * Omega * max(float(t_max), 0.0) * float(horizon) / _LAYER
    if x <= 4.0 ** _MIN_LEVELS:
        return _MIN_LEVELS
    return int(min(_MAX_LEVELS, np.ceil(np.log(x) / np.log(4.0))))


def exponential_representation(m, method="exact", convention="shifted", levels=_MIN_LEVELS):
    """Amplitudes a_jc and complex frequencies z_jc with G_j(t) = sum_c a_jc exp(-i z_jc t), t >= 0.

    Parameters
    ----------
    m : Model
    method : {"exact", "epa"}
        "exact": the pole (weight p_j) plus the discretised arc of App. E.
        "epa": the pole alone with weight 1, Eq. (53).
    convention : {"shifted", "golden"}
        EPA only: pole at E'_j - i Gamma_j/2 with Eq. (36) ("shifted", the Fig. 4
        lines) or at E_j - i pi J_N(E_j) ("golden", the rates of Sec. V).
    levels : int
        Grading depth of the arc rule (exact method); `arc_levels` gives the depth needed up
        to a given time.  The default, 12, serves Omega t <= 5e5.

    Returns
    -------
    a, z : ndarray, shape (2, Nc), complex.  Column 0 is the pole; for "exact" the columns
    1.. are the arc nodes, shared by both modes, ordered from +Omega to -Omega.
    """
    check_method(method, convention)
    if method == "epa":
        return np.ones((2, 1), complex), m.pole(convention)[:, None]
    w0 = m.pole("shifted")
    zc, dz = arc_contour(m.Omega, levels)
    # The arc runs from Omega to -Omega, clockwise: it enters G with a minus sign.
    a_arc = -dz * m.phi(zc)                                  # (35) continued to the arc
    a = np.concatenate([residue_weight(m)[:, None], a_arc], axis=1)
    z = np.concatenate([w0[:, None], np.broadcast_to(zc, (2, zc.size))], axis=1)
    return a, z


def propagator(m, t, method="exact", convention="shifted"):
    """Single-mode propagators G_j(t) = <0| d_j(t) d_j^dag |0>, Eqs. (23)-(24) (exact) or (53) (EPA).

    Parameters
    ----------
    m : Model
    t : array_like
        Times, any shape.  Negative times use G_j(-t) = G_j(t)^*.
    method : {"exact", "epa"}
    convention : {"shifted", "golden"}
        Which pole the EPA uses (ignored for "exact").

    Returns
    -------
    ndarray, shape (2, *t.shape), complex
    """
    t = check_times(t, m.Omega, allow_negative=True)
    check_size("propagator", "G_j(t) (2 x Nt)", 2 * t.size)
    a, z = exponential_representation(m, method, convention, levels=_levels_for(m, t))
    G = _sum_exponentials(a, z, np.abs(t))
    return np.where(t < 0, G.conj(), G)


def _levels_for(m, t):
    return arc_levels(m.Omega, float(np.max(np.abs(t))) if np.size(t) else 0.0)


_CHUNK = 4096


def _sum_exponentials(a, z, t):
    """sum_c a_jc exp(-i z_jc t) for t of any shape, in blocks of times to bound memory."""
    tf = t.ravel()
    out = np.empty((2, tf.size), complex)
    for s in range(0, tf.size, _CHUNK):
        out[:, s:s + _CHUNK] = np.einsum("jc,jct->jt", a, np.exp(-1j * z[:, :, None] * tf[s:s + _CHUNK]))
    return out.reshape((2,) + t.shape)


def propagator_derivative(m, t, method="exact", convention="shifted"):
    """Time derivative dG_j/dt for t >= 0. Shape (2, *t.shape), complex."""
    t = check_times(t, m.Omega)
    check_size("propagator_derivative", "dG_j/dt (2 x Nt)", 2 * t.size)
    a, z = exponential_representation(m, method, convention, levels=_levels_for(m, t))
    return _sum_exponentials(-1j * a * z, z, t)


def response_function(m, w, t, method="exact", convention="shifted"):
    """K_j(w, t) = -i int_0^t dt' exp(-i w (t - t')) G_j(t'), Eq. (B7).

    Each exponential a exp(-i z t) of G contributes a (exp(-i z t) - exp(-i w t))/(z - w).

    Parameters
    ----------
    w : ndarray, shape (Nw,)
        Real frequencies.
    t : ndarray, shape (Nt,)
        Times t >= 0.

    Returns
    -------
    ndarray, shape (2, Nw, Nt), complex
    """
    t = check_times(t, m.Omega)
    w = np.asarray(w, dtype=float)
    a, z = exponential_representation(m, method, convention, levels=_levels_for(m, t))
    nc = z.shape[1]
    check_size("response_function", "K_j(w, t) or a factor of it (2 x max(Nw, Nc) x max(Nt, Nc))",
               2 * max(w.size, nc) * max(t.size, nc))
    B = a[:, None, :] / (z[:, None, :] - w[None, :, None])        # (2, Nw, Nc)
    E = np.exp(-1j * z[:, :, None] * t[None, None, :])            # (2, Nc, Nt)
    K = np.matmul(B, E)                                          # (2, Nw, Nt)
    K -= np.exp(-1j * np.outer(w, t))[None] * B.sum(axis=-1)[..., None]
    return K


def laplace_propagator(m, z):
    """Laplace-domain propagator G~_j(z) = 1/(z + i E_j + W(z)), Eq. (B5). Shape (2, *z.shape)."""
    z = np.asarray(z, dtype=complex)
    E = m.E.reshape((2,) + (1,) * z.ndim)
    return 1.0 / (z + 1j * E + m.self_energy(z))
