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

The same statistics as a master equation predicts them (`lindblad_cumulants`, `lindblad_cgf`):
the generator of each kind of `nadlib.markov` tilted by a counting field on reservoir L's jumps
(Esposito, Harbola & Mukamel 2009), its cumulants in closed form by Rayleigh-Schroedinger
perturbation theory of the eigenvalue that vanishes at lambda = 0 (chapter "Beyond the paper II:
current fluctuations").  `cumulant_errors` compares them with the exact ones.
"""
from __future__ import annotations

from collections import namedtuple
from math import comb

import numpy as np

from . import fock
from .markov import KINDS, _check_kind, _relative, _totals, master_equation
from .model import Baths, Model, check_baths
from .quadrature import PAIR_CHUNK_NODES, bath_pair_average
from .transport import transmission

__all__ = ["MAX_ORDER", "MAX_WORK", "transfer_probabilities", "elementary_cumulants", "cgf",
           "cumulants", "noise", "energy_cumulants", "fano_factor", "fano_from_cumulants",
           "SECTOR", "MAX_POINTS_ME", "lindblad_cumulants", "lindblad_cgf", "CumulantErrors",
           "cumulant_errors", "levels_in_window"]

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


# =========================================================================== master equations
# The counting statistics that a master equation predicts: its generator tilted by a counting
# field on reservoir L's jumps (Esposito, Harbola & Mukamel 2009), and the cumulants from the
# Rayleigh-Schroedinger expansion of the tilted generator's eigenvalue that vanishes at lambda = 0.

#: vec positions (column stacking, Fock order |00>, |10>, |01>, |11>) of the operators |a><b| with
#: N_a = N_b: the block-diagonal sector.  Every generator of nadlib.markov conserves the particle
#: number, so it maps this 6-dimensional sector into itself; the steady state lives in it and so
#: do all the tilted generators' eigenvectors that the counting statistics need.
SECTOR = np.array([0, 5, 6, 9, 10, 15])
_TRACE = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 1.0])      # Tr X = _TRACE . vec(X)[SECTOR]
#: Largest number of parameter points per call of `lindblad_cumulants` / `lindblad_cgf`.
MAX_POINTS_ME = 4_000_000
_CHUNK = 8192                   # points per block (the block's 16 x 16 generators take ~30 MB)
_SINGULAR = 1e-12               # smallest singular value of the bordered matrix, relative


def _jump_superoperators():
    """The jump parts of Eq. (51) on the sector: gain d_k^dag rho d_j and loss d_j rho d_k^dag.

    Returns (gain, loss), each (2, 2, 6, 6) [j, k]: the superoperators that Lambda^+_jk and
    Lambda^-_jk multiply (`fock.dissipator_from_rates` adds the anticommutators to them).
    """
    d = fock.annihilators()
    gain = np.array([[fock.sprepost(d[k].T, d[j]) for k in range(2)] for j in range(2)])
    loss = np.array([[fock.sprepost(d[j], d[k].T) for k in range(2)] for j in range(2)])
    sec = np.ix_(SECTOR, SECTOR)
    return gain[..., sec[0], sec[1]].astype(complex), loss[..., sec[0], sec[1]].astype(complex)


_GAIN, _LOSS = _jump_superoperators()


def _check_weight(int_weight):
    try:
        w = float(int_weight)
    except (TypeError, ValueError):
        w = float("nan")
    if isinstance(int_weight, bool) or not np.isfinite(w):
        raise ValueError(f"int_weight must be a finite real number, got {int_weight!r}")
    return w


def _points(m, b, caller):
    """Validate (m, b) and cut the parameter points into blocks of `_CHUNK`.

    Returns the leading shape S and a generator of (models, Baths) blocks, each a flat slice of the
    points in C order (models: the Model itself, or a 1-d object array of the block's models).
    """
    single = isinstance(m, Model)
    arr = None if single else np.asarray(m, dtype=object)
    first = m if single else (arr.flat[0] if arr.size else None)
    if not isinstance(first, Model):
        raise ValueError(f"{caller}: m must be a nadlib.Model or a non-empty array of Models")
    check_baths(first, b, caller=caller)
    try:
        S = b.shape if single else np.broadcast_shapes(arr.shape, b.shape)
    except ValueError:
        raise ValueError(f"{caller}: the model array (shape {arr.shape}) and the Baths (shape {b.shape}) "
                         "do not broadcast together") from None
    n = int(np.prod(S))
    if n > MAX_POINTS_ME:
        raise ValueError(f"{caller}: {n} parameter points requested; the limit is MAX_POINTS_ME = "
                         f"{MAX_POINTS_ME}")
    fields = [np.broadcast_to(x, S).ravel() for x in (b.T_L, b.T_R, b.mu_L, b.mu_R)]
    models = None if single else np.broadcast_to(arr, S).ravel()

    def blocks():
        for s0 in range(0, n, _CHUNK):
            sl = slice(s0, s0 + _CHUNK)
            yield (m if single else models[sl]), Baths(*(f[sl] for f in fields), statistics=b.statistics)
    return S, blocks()


def _tilted_generator(m, b, kind, lamb_shift, w):
    """L_0 and the jump superoperators J^+, J^- that carry e^{+i lambda}, e^{-i lambda}, on the sector.

    L(lambda) = L_0 + (e^{i lambda} - 1) J^+ + (e^{-i lambda} - 1) J^-, with J^+ reservoir L's gain
    jumps (a particle enters the system from L) and J^- its loss jumps, plus w times the jumps of
    the non-attributable part (asymptotic kind only).  `b` is one flat block of points.

    Returns
    -------
    L0, Jp, Jm : (n, 6, 6) complex;  rate : (n,) tr(Lambda^+ + Lambda^-), the total relaxation rate
    """
    me = master_equation(m, b, kind, lamb_shift)
    H, Lp, Lm = _totals(me)
    L0 = fock.generator(H, Lp, Lm)[:, SECTOR][:, :, SECTOR]
    Jp = np.einsum("njk,jkab->nab", me.Lambda_plus[:, 0] + w * me.Lambda_plus_int, _GAIN)
    Jm = np.einsum("njk,jkab->nab", me.Lambda_minus[:, 0] + w * me.Lambda_minus_int, _LOSS)
    return L0, Jp, Jm, np.trace(Lp + Lm, axis1=-2, axis2=-1).real


def _bordered_inverse(L0, rate, caller):
    """Inverse of the bordered matrix [[L_0, u], [tr, 0]], u = rate * vec(1)/4, batched (n, 7, 7).

    Its last column holds the steady state (L_0 rho = 0, tr rho = 1), and its upper-left 6 x 6 block
    G equals the Drazin pseudo-inverse R of L_0 on traceless vectors: G x = R x whenever tr x = 0
    (then L_0 y = x with tr y = 0).  The border u is scaled to the relaxation rates so that the
    matrix is as well conditioned as L_0 itself on its nonzero spectrum.
    """
    n = L0.shape[0]
    B = np.zeros((n, 7, 7), complex)
    B[:, :6, :6] = L0
    B[:, :6, 6] = np.maximum(rate, np.finfo(float).tiny)[:, None] * _TRACE / 2
    B[:, 6, :6] = _TRACE
    s = np.linalg.svd(B, compute_uv=False)
    bad = ~(s[:, -1] > _SINGULAR * s[:, 0])
    if np.any(bad):
        raise ValueError(f"{caller}: the master equation has no unique steady state at {int(bad.sum())} "
                         f"of {n} points (its generator has a degenerate zero eigenvalue)")
    return np.linalg.inv(B)


def _rs_cumulants(L0, Jp, Jm, rate, order, caller):
    """k_1..k_order of the eigenvalue of L(chi) = L_0 + (e^chi - 1) J^+ + (e^-chi - 1) J^- at chi = 0.

    Rayleigh-Schroedinger recursion (chi = i lambda, L_m = d^m L / d chi^m = J^+ + (-1)^m J^-):
    with rho(chi) = sum chi^n/n! rho^(n), tr rho^(n) = delta_n0 and kappa = sum chi^n/n! k_n,

        k_n     = sum_{m=1}^n binom(n, m) tr[L_m rho^(n-m)],
        rho^(n) = R sum_{m=1}^n binom(n, m) (k_m - L_m) rho^(n-m),

    R the Drazin pseudo-inverse of L_0 (`_bordered_inverse`; the argument of R is traceless by the
    first line).  n = 2 gives k_2 = tr[L_2 rho] - 2 tr[L_1 R L_1 rho].  Shape (n_points, order), real.
    """
    Binv = _bordered_inverse(L0, rate, caller)
    G = Binv[:, :6, :6]
    rhos = [Binv[:, :6, 6]]
    Ap, Am = [np.einsum("nab,nb->na", Jp, rhos[0])], [np.einsum("nab,nb->na", Jm, rhos[0])]
    k = np.empty((L0.shape[0], order), complex)
    for n in range(1, order + 1):
        Lrho = [Ap[n - mm] + (-1) ** mm * Am[n - mm] for mm in range(1, n + 1)]       # L_m rho^(n-m)
        k[:, n - 1] = sum(comb(n, mm) * (Lrho[mm - 1] @ _TRACE) for mm in range(1, n + 1))
        if n < order:
            x = sum(comb(n, mm) * (k[:, mm - 1, None] * rhos[n - mm] - Lrho[mm - 1]) for mm in range(1, n + 1))
            r = np.einsum("nab,nb->na", G, x)
            rhos.append(r)
            Ap.append(np.einsum("nab,nb->na", Jp, r))
            Am.append(np.einsum("nab,nb->na", Jm, r))
    return k.real


def lindblad_cumulants(m, b, kind, order=2, lamb_shift=True, int_weight=0.0):
    """Scaled cumulants k_1..k_order of the particles leaving reservoir L, predicted by a master equation.

    The generator of `kind` (see `nadlib.markov.master_equation`) is tilted by a counting field on
    reservoir L's jumps: its gain jumps d_k^dag rho d_j weighted by Lambda^+_L (a particle enters the
    system from L) carry e^{+i lambda}, its loss jumps d_j rho d_k^dag weighted by Lambda^-_L carry
    e^{-i lambda}.  The scaled cumulant generating function is the eigenvalue of the tilted generator
    that tends to 0 at lambda = 0 (`lindblad_cgf`), and k_n = (-i d/dlambda)^n of it at lambda = 0,
    computed in closed form by Rayleigh-Schroedinger perturbation theory (`_rs_cumulants`):
    k_1 = tr[J_1 rho_ss] is the current `nadlib.lindblad_currents(m, b, kind).particle` and
    k_2 = tr[J_2 rho_ss] - 2 tr[J_1 R J_1 rho_ss], with J_1 = J^+ - J^-, J_2 = J^+ + J^- and R the
    Drazin pseudo-inverse of the untilted generator.

    The part of the asymptotic generator that belongs to neither reservoir (L_int, Eq. (65)) carries
    no counting field by default: its jumps are booked with no reservoir.  `int_weight` = w books
    the fraction w of them with L (gain e^{+i lambda}, loss e^{-i lambda}): an alternative that leaves
    k_1 unchanged (L_int moves no particles on average) and changes k_2 and beyond.

    The linear algebra runs on the 6-dimensional sector of operators diagonal in the particle number
    (every kind conserves N), batched over the parameter points.

    Parameters
    ----------
    m : Model, or array of Models
    b : Baths (fermionic), any shape S broadcasting with the models
    kind : {"local", "global", "redfield", "unified", "asymptotic"}
    order : int, 1 <= order <= MAX_ORDER
    lamb_shift : bool, see `nadlib.markov.master_equation`
    int_weight : float, the share of L_int's jumps counted at L (only "asymptotic" has an L_int)

    Returns
    -------
    ndarray, shape (*S, order), real

    Raises
    ------
    ValueError
        For bosonic reservoirs, an unknown kind, a bad order, too many points, or a generator
        without a unique steady state.
    """
    order = _check_order(order)
    _check_kind(kind)
    w = _check_weight(int_weight)
    S, blocks = _points(m, b, "lindblad_cumulants")
    out = [_rs_cumulants(*_tilted_generator(mb, bb, kind, lamb_shift, w), order, "lindblad_cumulants")
           for mb, bb in blocks]
    return np.concatenate(out).reshape(S + (order,))


def lindblad_cgf(m, b, kind, lam, lamb_shift=True, int_weight=0.0):
    """Scaled cumulant generating function of the particles leaving L, from a tilted master equation.

    The eigenvalue of L(lambda) = L_0 + (e^{i lambda} - 1) J^+ + (e^{-i lambda} - 1) J^- (see
    `lindblad_cumulants`) with the largest real part: the one that tends to 0 at lambda = 0, as
    long as it stays separated from the rest of the spectrum (for real lambda near 0, and for
    imaginary lambda, where the tilted generator of a Lindbladian is a positive map's and its
    leading eigenvalue is real).  Computed by diagonalising the 6 x 6 sector of L(lambda).

    Parameters
    ----------
    m : Model, or array of Models
    b : Baths (fermionic), any shape S broadcasting with the models
    kind : {"local", "global", "redfield", "unified", "asymptotic"}
    lam : array_like, real or complex, any shape L, with |Im lam| <= 700
    lamb_shift, int_weight : see `lindblad_cumulants`

    Returns
    -------
    ndarray, shape (*S, *L), complex
    """
    lam = np.asarray(lam, dtype=complex)
    if not np.all(np.isfinite(lam)) or np.any(np.abs(lam.imag) > 700):
        raise ValueError("counting fields lam must be finite with |Im lam| <= 700 (exp(i lam) overflows beyond)")
    _check_kind(kind)
    w = _check_weight(int_weight)
    S, blocks = _points(m, b, "lindblad_cgf")
    if int(np.prod(S)) * max(1, lam.size) > MAX_POINTS_ME:
        raise ValueError(f"lindblad_cgf: {int(np.prod(S))} points x {lam.size} counting fields exceed "
                         f"the limit MAX_POINTS_ME = {MAX_POINTS_ME}")
    ep = np.expm1(1j * lam).reshape(-1)[:, None, None]
    em = np.expm1(-1j * lam).reshape(-1)[:, None, None]
    out = []
    for mb, bb in blocks:
        L0, Jp, Jm, _ = _tilted_generator(mb, bb, kind, lamb_shift, w)
        for s0 in range(0, L0.shape[0], max(1, _CHUNK // ep.shape[0])):
            sl = slice(s0, s0 + max(1, _CHUNK // ep.shape[0]))
            ev = np.linalg.eigvals(L0[sl, None] + ep * Jp[sl, None] + em * Jm[sl, None])
            out.append(np.take_along_axis(ev, np.argmax(ev.real, axis=-1)[..., None], axis=-1)[..., 0])
    return np.concatenate(out).reshape(S + lam.shape)


# --------------------------------------------------------------------------- comparisons

CumulantErrors = namedtuple("CumulantErrors", "exact cumulants error")
CumulantErrors.__doc__ = """Master-equation cumulants against the exact (Levitov-Lesovik) ones.

exact : (*S, order) the exact scaled cumulants (`cumulants`)
cumulants : dict kind -> (*S, order) that kind's cumulants (`lindblad_cumulants`)
error : dict kind -> (*S, order) |k_n / k_n,exact - 1| (inf where only k_n,exact vanishes, 0 where both do)
"""


def cumulant_errors(m, b, kinds=KINDS, order=2, lamb_shift=True):
    """Each kind's cumulants k_1..k_order and their relative errors against the exact ones.

    Parameters
    ----------
    m : Model
    b : Baths (fermionic), any shape S
    kinds : sequence of kinds of `nadlib.markov.master_equation`
    order : int

    Returns
    -------
    CumulantErrors
    """
    for k in kinds:
        _check_kind(k)
    exact = cumulants(m, b, order)
    # relative to the scale of the map's k_n: a kind that reproduces an exact zero to round-off has error 0
    scale = np.max(np.abs(exact), axis=tuple(range(exact.ndim - 1)))
    got = {k: lindblad_cumulants(m, b, k, order, lamb_shift) for k in kinds}
    return CumulantErrors(exact, got, {k: _relative(v - exact, exact, scale) for k, v in got.items()})


def levels_in_window(m, b, margin=5.0):
    """How many levels E_j lie inside the bias window between mu_L and mu_R.

    A level counts as inside when it lies more than margin * T (T = max(T_L, T_R)) inside both edges
    of the window, and as outside when it lies more than margin * T outside it.  Where a level lies
    closer than that to an edge, the Fermi step blurs the distinction and the result is -1.

    Parameters
    ----------
    m : Model
    b : Baths, any shape S
    margin : float >= 0

    Returns
    -------
    ndarray of int, shape S: 0, 1, 2, or -1
    """
    b = check_baths(m, b, bose=True, caller="levels_in_window")
    if not (np.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0, got {margin!r}")
    lo, hi = np.minimum(b.mu_L, b.mu_R), np.maximum(b.mu_L, b.mu_R)
    d = margin * np.maximum(b.T_L, b.T_R)
    inside = sum(((lo + d < E) & (E < hi - d)).astype(int) for E in m.E)
    outside = sum(((E < lo - d) | (E > hi + d)).astype(int) for E in m.E)
    return np.where(inside + outside == 2, inside, -1)
