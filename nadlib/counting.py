"""Full counting statistics of the particles and energy that leave reservoir L (beyond the paper).

The network is non-interacting, so the statistics of the transferred charge follow exactly from
the single-particle transmission.  Over a long time t, the number N of particles that leave
reservoir L has a cumulant generating function ln <exp(i lambda N)> ~ t kappa(lambda), with the
Levitov-Lesovik form (Levitov & Lesovik 1993; Klich 2003; Schoenhammer 2007)

    kappa(lambda) = int dw/2pi ln{1 + T(w) [f_L (1 - f_R)(e^{i lambda} - 1)
                                           + f_R (1 - f_L)(e^{-i lambda} - 1)]},

where T(w) = 2 pi calT(w) in [0, 1] is the transmission *probability* (calT of Eq. (45), see
`nadlib.transmission`) and f_alpha(w) the Fermi functions.  A jump from L into the network
carries e^{+i lambda}.  The scaled cumulants are k_n = (-i d/dlambda)^n kappa at lambda = 0, so
that k_1 is the Landauer current J^P_L of Eq. (43) and k_2 the zero-frequency noise.

Each frequency contributes independently: the integrand is the logarithm of the characteristic
function of a three-point distribution, +1 with probability p = T f_L (1 - f_R) (a particle
leaves L), -1 with q = T f_R (1 - f_L) (one arrives), 0 otherwise.  Its moments are
p + (-1)^n q, so its cumulants follow from the moment-to-cumulant recursion in closed form
(`elementary_cumulants`), and k_n = int dw/2pi of them: no derivative in lambda is taken
numerically.  The energy carried out of L has the same structure with each particle carrying
its energy w, e^{i lambda} -> e^{i lambda w}, so its cumulants are int dw/2pi w^n times the
same elementary cumulants.

Bosonic reservoirs (mu_alpha < -Omega) are supported as well: the logarithm becomes
-ln{1 - T [n_L (1 + n_R)(e^{i lambda} - 1) + n_R (1 + n_L)(e^{-i lambda} - 1)]}, and the
recursion changes sign (bunching instead of Pauli blocking).

Every integral goes through `quadrature.bath_pair_average`: the integrands mix both
occupations at the same frequency, so each point of a Baths grid gets one rule with both
reservoirs' steps.  Everything is vectorised over Baths grids.
"""
from __future__ import annotations

from math import comb

import numpy as np

from .model import check_baths
from .quadrature import PAIR_CHUNK_NODES, bath_pair_average
from .transport import transmission

__all__ = ["MAX_ORDER", "MAX_WORK", "transfer_probabilities", "elementary_cumulants", "cgf",
           "cumulants", "noise", "energy_cumulants", "fano_factor", "fano_from_cumulants"]

#: Highest cumulant order accepted (the recursion is exact, but orders beyond ~20 lose all
#: relative precision to cancellation between terms of size n!).
MAX_ORDER = 16
#: Largest number of (Baths point x quadrature node x channel) integrand values one call may
#: evaluate (a few minutes of work); larger requests are refused before anything is allocated.
MAX_WORK = 4_000_000_000
_NODES_PER_POINT = 2500      # generous estimate of the nodes of one bath_pair_average rule
#: Gauss-Legendre order per panel.  The panels are graded around every feature, so 10 nodes
#: already agree with 16 to ~1e-14 relative on Fig. 5's maps; k_1 then equals the Landauer
#: current (16-node rules) to 1e-12.
_GL_ORDER = 10


def _check_order(order):
    try:
        ok = not isinstance(order, bool) and float(order).is_integer() and 1 <= order <= MAX_ORDER
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"order must be an integer with 1 <= order <= {MAX_ORDER}, got {order!r}")
    return int(order)


def _check_work(b, channels, caller):
    work = max(1, int(np.prod(b.shape))) * _NODES_PER_POINT * channels
    if work > MAX_WORK:
        raise ValueError(
            f"{caller}: {int(np.prod(b.shape))} Baths points x {channels} channels need about "
            f"{work:.1e} integrand evaluations, above the limit MAX_WORK = {MAX_WORK:.1e}; "
            "split the grid")


def transfer_probabilities(m, w, n_L, n_R, statistics="fermi"):
    """Per-frequency transfer weights p (out of L) and q (into L) of the counting statistics.

    Fermions: p = T n_L (1 - n_R), q = T n_R (1 - n_L) -- the probabilities of the three-point
    distribution of one scattering attempt; Pauli blocking removes the attempts into a filled
    state.  Bosons: p = T n_L (1 + n_R), q = T n_R (1 + n_L) (stimulated emission).
    T(w) = 2 pi calT(w) is the transmission probability, calT of Eq. (45).

    Parameters
    ----------
    m : Model
    w, n_L, n_R : ndarray, broadcasting together
        Frequencies and the two occupations at them.

    Returns
    -------
    p, q : ndarray, the broadcast shape
    """
    Tw = 2 * np.pi * transmission(m, w)
    s = -1.0 if statistics == "fermi" else 1.0
    return Tw * n_L * (1 + s * n_R), Tw * n_R * (1 + s * n_L)


def elementary_cumulants(p, q, order, statistics="fermi"):
    """Cumulants c_1..c_order of the transfer statistics of one frequency, in closed form.

    Fermions: the three-point distribution (+1 with probability p, -1 with q, 0 otherwise),
    whose moment generating function is 1 + y(x), y(x) = p (e^x - 1) + q (e^-x - 1), with
    moments m_n = p + (-1)^n q.  Its cumulants follow from the moment-to-cumulant recursion

        c_n = m_n - sum_{k=1}^{n-1} binom(n-1, k-1) c_k m_{n-k}

    (the Taylor coefficients of ln(1 + y)).  Bosons: the generating function is -ln(1 - y),
    and the sum enters with a plus sign.  c_1 = p - q, c_2 = p + q -+ (p - q)^2.

    Parameters
    ----------
    p, q : ndarray, same shape
    order : int

    Returns
    -------
    ndarray, shape (order, *p.shape)
    """
    sign = -1.0 if statistics == "fermi" else 1.0
    p, q = np.asarray(p), np.asarray(q)
    odd, even = p - q, p + q                                            # m_n for odd, even n
    c = np.empty((order,) + odd.shape, dtype=np.result_type(odd, float))
    c[0] = odd
    for n in range(2, order + 1):
        acc = (even if n % 2 == 0 else odd).copy()
        for k in range(1, n):
            # binom(n-1, k-1) c_k m_{n-k}, accumulated in place
            acc += (sign * comb(n - 1, k - 1)) * c[k - 1] * (even if (n - k) % 2 == 0 else odd)
        c[n - 1] = acc
    return c


def _counting_integrals(m, b, order, energy, caller):
    """int dw/2pi w^s c_n(w) for n = 1..order and s = n (energy) or 0 (particles).

    Returns shape (2 if energy else 1, order, *b.shape): [0] particles, [1] energy.
    """
    order = _check_order(order)
    b = check_baths(m, b, bose=True, caller=caller)
    channels = order * (2 if energy else 1)
    _check_work(b, channels, caller)
    powers = np.arange(1, order + 1).reshape((order, 1, 1))

    def kernel(w, nL, nR):
        c = elementary_cumulants(*transfer_probabilities(m, w, nL, nR, b.statistics), order,
                                 b.statistics) / (2 * np.pi)
        return np.stack([c, c * w ** powers]) if energy else c[None]

    return bath_pair_average(kernel, m, b, n=_GL_ORDER,
                             chunk_nodes=max(1, PAIR_CHUNK_NODES // channels))


def cgf(m, b, lam, lam_E=0.0):
    """Scaled cumulant generating function kappa(lambda, lambda_E) of the transfers out of L.

    kappa = int dw/2pi ln{1 + T [p' (e^{i(lambda + lambda_E w)} - 1) + q' (e^{-i(lambda + lambda_E w)} - 1)]}
    with p' = f_L (1 - f_R), q' = f_R (1 - f_L) (fermions; bosons: -ln{1 - ...} with 1 + n), so
    that ln <exp(i lambda N + i lambda_E E)> ~ t kappa for the particles N and energy E leaving L.
    lambda_E = 0 gives the particle statistics alone.

    Complex counting fields are allowed (the fluctuation theorem relates kappa at lambda and
    -lambda + i A).  The principal branch of the logarithm is taken at each frequency; for real
    fields with |lambda + lambda_E w| <= pi/2 on the band that is the analytic continuation from
    lambda = 0 (the argument then has a non-negative real part).

    Parameters
    ----------
    m : Model
    b : Baths, shape S
    lam, lam_E : array_like, real or complex, broadcasting together to a shape L

    Returns
    -------
    ndarray, shape (*S, *L), complex
    """
    b = check_baths(m, b, bose=True, caller="cgf")
    lam, lam_E = np.broadcast_arrays(np.asarray(lam, complex), np.asarray(lam_E, complex))
    if not (np.all(np.isfinite(lam)) and np.all(np.isfinite(lam_E))):
        raise ValueError("counting fields lam, lam_E must be finite")
    if np.any(np.abs(lam.imag) + np.abs(lam_E.imag) * m.Omega > 700):
        raise ValueError("counting fields need |Im(lam + lam_E w)| <= 700 on the band [-Omega, Omega]: "
                         "exp(i lam) overflows beyond")
    L = lam.shape
    _check_work(b, max(1, lam.size), "cgf")
    lam_f = lam.reshape((-1, 1, 1))
    lamE_f = lam_E.reshape((-1, 1, 1))
    s = -1.0 if b.statistics == "fermi" else 1.0

    def kernel(w, nL, nR):
        p, q = transfer_probabilities(m, w, nL, nR, b.statistics)
        x = 1j * (lam_f + lamE_f * w)
        y = p * np.expm1(x) + q * np.expm1(-x)
        return -s * np.log1p(-s * y) / (2 * np.pi)

    out = bath_pair_average(kernel, m, b, n=_GL_ORDER,
                            chunk_nodes=max(1, PAIR_CHUNK_NODES // max(1, lam.size)))
    if not np.all(np.isfinite(out)):
        raise ValueError("kappa is singular at these counting fields: the generating function "
                         "vanishes at some frequency (the logarithm has a branch point there)")
    out = out.reshape(L + b.shape)
    return np.moveaxis(out, tuple(range(len(L))), tuple(range(-len(L), 0))) if L else out


def cumulants(m, b, order=4):
    """Exact scaled cumulants k_1..k_order of the particles leaving reservoir L.

    k_n = lim_{t->inf} <<N^n>>/t = int dw/2pi c_n(w), with c_n the closed-form cumulants of the
    per-frequency transfer statistics (`elementary_cumulants`), i.e. the derivatives
    (-i d/dlambda)^n of the Levitov-Lesovik function `cgf` at lambda = 0.  k_1 is the Landauer
    current J^P_L of Eq. (43), k_2 the zero-frequency noise.

    Parameters
    ----------
    m : Model
    b : Baths, any shape S (fermionic; bosonic with mu_alpha < -Omega)
    order : int, 1 <= order <= MAX_ORDER

    Returns
    -------
    ndarray, shape (*S, order), real
    """
    k = _counting_integrals(m, b, order, energy=False, caller="cumulants")[0]
    return np.moveaxis(k, 0, -1)


def noise(m, b):
    """Exact zero-frequency noise k_2 = lim_{t->inf} <<N^2>>/t of the particles leaving L.

    k_2 = int dw/2pi [T (f_L (1 - f_R) + f_R (1 - f_L)) - T^2 (f_L - f_R)^2] for fermions: the
    thermal (Johnson-Nyquist) and the shot-noise parts.  The noise power in the convention
    S = 2 int <delta I(t) delta I(0)> dt is 2 k_2.  Shape b.shape.
    """
    return cumulants(m, b, order=2)[..., 1]


def energy_cumulants(m, b, order=4):
    """Exact scaled cumulants of the energy leaving reservoir L.

    Counting the energy (e^{i lambda w} per particle of energy w) gives
    k^E_n = int dw/2pi w^n c_n(w) with the same per-frequency cumulants c_n as `cumulants`;
    k^E_1 is the Landauer energy current J^E_L of Eq. (44).

    Returns
    -------
    ndarray, shape (*S, order), real
    """
    k = _counting_integrals(m, b, order, energy=True, caller="energy_cumulants")[1]
    return np.moveaxis(k, 0, -1)


def fano_factor(m, b, quantity="particle", at_zero_current=np.inf):
    """Fano factor F = k_2 / |k_1| of the particles (or energy) leaving reservoir L.

    F = 1 for uncorrelated (Poissonian) transfers, F < 1 for transfers regularised by Pauli
    blocking and partial transmission (shot noise), F -> 2T/|J| diverges near equilibrium,
    where thermal noise persists at vanishing current.  For the energy the ratio
    k^E_2/|k^E_1| has the dimension of an energy.

    Convention at k_1 = 0: where the mean transfer vanishes the ratio has no finite value; the
    result there is `at_zero_current` (default +inf; this includes the point T_L = T_R = 0,
    mu_L = mu_R, where nothing at all is transferred).

    Parameters
    ----------
    quantity : {"particle", "energy"}

    Returns
    -------
    ndarray, shape b.shape, real
    """
    if quantity not in ("particle", "energy"):
        raise ValueError(f"quantity must be 'particle' or 'energy', got {quantity!r}")
    k = (cumulants(m, b, order=2) if quantity == "particle" else energy_cumulants(m, b, order=2))
    return fano_from_cumulants(k, at_zero_current)


def fano_from_cumulants(k, at_zero_current=np.inf):
    """F = k_2 / |k_1| from cumulants of shape (..., order >= 2), with the convention of
    `fano_factor` where k_1 = 0. Shape (...)."""
    k = np.asarray(k)
    k1, k2 = np.abs(k[..., 0]), k[..., 1]
    zero = k1 == 0
    return np.where(zero, at_zero_current, k2 / np.where(zero, 1.0, k1))
