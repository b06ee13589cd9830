"""The standard weak-coupling master equations of the two-mode network, against its exact solution.

Beyond the paper (the book's chapter "Which master equation should I trust?").  Five kinds of
time-independent master equation for the model of Sec. III A are assembled here, all in the form

    d rho/dt = -i[H_S + sum_alpha H_alpha, rho] + sum_alpha D(Lambda^+_alpha, Lambda^-_alpha) rho
               + D(Lambda^+_int, Lambda^-_int) rho,

with D the dissipator (51) in the energy eigenbasis (gain d_k^dag rho d_j and loss d_j rho d_k^dag
weighted by the Hermitian rate matrices), H_alpha the Hamiltonian part that reservoir alpha's
generator carries (a Lamb shift, zero for some kinds) and the last term the part of the
dissipator that belongs to neither reservoir (only for "asymptotic", the L_int of Eq. (65)).
With gamma(w) = 2 pi J_N(w), f_alpha the Fermi function of reservoir alpha and c_alpha =
sum_j R_j,alpha d_j:

* "local": H = H_S; reservoir alpha acts on site alpha alone,
  gamma(h_alpha) [(1 - f_alpha(h_alpha)) D[c_alpha] + f_alpha(h_alpha) D[c_alpha^dag]].
* "global": H = diag(E_j); reservoir alpha acts on each eigenmode with the rate gamma(E_j) R_j,alpha^2,
  gain f_alpha(E_j) and loss 1 - f_alpha(E_j).  No Lamb shift.
* "redfield": Born-Markov without the secular approximation.  Its gain matrix is the
  Gamma_j -> 0 limit of Eq. (55); Lambda^+ + Lambda^- = diag(gamma(E_j)).  `lamb_shift=True`
  keeps every principal-value part (the Lamb shift diag(Gamma E_j / 2 Omega) and the
  occupation-weighted principal values in the coherences of the rate matrices); False drops all.
* "unified": the GKLS equation of Potts, Kalaee & Wacker (2021): one jump operator per reservoir
  and direction, L^-_alpha = sum_j R_j,alpha sqrt(gamma(E_j)(1 - f_alpha(E_j))) d_j (and L^+_alpha
  with f_alpha), i.e. the geometric mean of the Redfield rates; its Lamb shift is the Hermitian
  principal-value part of Redfield's (kept with `lamb_shift=True`).  Completely positive by
  construction.
* "asymptotic": the paper's (51) with the rates (55) (EPA, E_j and Gamma_j = 2 pi J_N(E_j));
  reservoir alpha's part is L_alpha of Eqs. (57)-(58) and L_int of Eq. (65) is the rest.

`master_equation` assembles these single-particle matrices, vectorised over arrays of models
and reservoirs; everything else here is built on it.  The Fock-space superoperators come from
`nadlib.fock`; the single-particle (Lyapunov) steady state, the currents out of each reservoir,
the canonical rates (complete positivity), the entropy production and the heat-engine figures
follow in closed form from the same matrices.  `exact_reference` is the exact C(inf) of Eq. (32)
with the Landauer currents (43)-(44), also over arrays of models, and `error_map` compares every
kind with it over a grid of two parameters.

Conventions as in the rest of nadlib: hbar = k_B = 1; mode j = 1, 2 stored at 0, 1; reservoir
alpha = L, R stored at 0, 1; C_jk = Tr[rho d_j^dag d_k]; single-particle Hamiltonian matrices H
stand for the operator sum_jk H_kj d_j^dag d_k (`fock.hamiltonian_from_matrix`), so that
dC/dt = i[H, C] - {Gamma, C}/2 + Lambda^+ with Gamma = Lambda^+ + Lambda^- (Eq. (48)).
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from . import fock
from .anm import hermitian_eigvals_2x2
from .dissipator import bath_rates
from .epa import asymptotic_rates
from .exact import steady_state
from .model import Baths, Model, check_baths, fermi, spectral_density
from .quadrature import stacked_band_rule
from .transport import Currents, currents

__all__ = ["KINDS", "MasterEquation", "ExactReference", "ErrorMap", "EngineCurve",
           "master_equation", "lindblad_generator", "lindblad_steady_state", "lindblad_currents",
           "level_shift", "fermi_principal_values", "lyapunov_steady_state", "reservoir_currents",
           "exact_reference", "gaussian_trace_distance", "canonical_rates",
           "is_completely_positive", "entropy_production", "model_grid", "error_map",
           "heat_engine", "to_qutip"]

#: The master equations compared in this module.
KINDS = ("local", "global", "redfield", "unified", "asymptotic")

MasterEquation = namedtuple("MasterEquation", "H_S H_lamb Lambda_plus Lambda_minus "
                                              "Lambda_plus_int Lambda_minus_int")
MasterEquation.__doc__ = """Single-particle matrices of a master equation in the energy eigenbasis.

H_S : (..., 2, 2) bare system Hamiltonian diag(E_j)
H_lamb : (..., 2, 2, 2) [alpha, j, k] Hamiltonian part of reservoir alpha's generator
Lambda_plus, Lambda_minus : (..., 2, 2, 2) [alpha, j, k] gain and loss matrices of reservoir alpha, Eq. (51)
Lambda_plus_int, Lambda_minus_int : (..., 2, 2) the part attributable to neither reservoir (Eq. (65))
"""

ExactReference = namedtuple("ExactReference", "C particle energy")
ExactReference.__doc__ = """Exact steady state: C(inf) of Eq. (32) (..., 2, 2) and the Landauer
currents J^P_L, J^E_L of Eqs. (43)-(44) (...)."""

ErrorMap = namedtuple("ErrorMap", "axes exact C currents C_max trace_distance particle energy")
ErrorMap.__doc__ = """Errors of master equations against the exact solution over a parameter grid.

axes : dict name -> 1-d array, in the order of the map's axes
exact : ExactReference on the grid
C, currents : dict kind -> that kind's C (..., 2, 2) and Currents (particle, energy)
C_max : dict kind -> max_jk |C_kind - C_exact|
trace_distance : dict kind -> trace distance of the Gaussian states of C_kind and C_exact
particle, energy : dict kind -> |J_kind - J_exact| / |J_exact| (inf where only J_exact vanishes, 0 where both do)
"""

EngineCurve = namedtuple("EngineCurve", "bias power heat efficiency P_max eta_at_P_max bias_at_P_max")
EngineCurve.__doc__ = """A thermoelectric engine's figures along a bias scan (one kind or exact).

bias : (n,) V = mu_R - mu_L; power : (n,) P = V J^P_L; heat : (n,) J^Q_L = J^E_L - mu_L J^P_L;
efficiency : (n,) P / J^Q_L where the device is an engine (P > 0 and J^Q_L > 0), else 0;
P_max, eta_at_P_max, bias_at_P_max : floats at the largest power on the scan.
"""

_TWO_PI = 2 * np.pi
_MAX_POINTS = 4_000_000        # leading size of any vectorised call (rate matrices: 128 B each)
_MAX_ROWS = 400_000            # distinct (model, mu, T) band integrals in one call
_CHUNK_NODES = 300_000         # quadrature nodes evaluated per block (bounds memory, stays in cache)
_CP_TOL = 1e-12                # canonical rates above -_CP_TOL * (rate scale) count as non-negative
_AXES_MODEL = ("g", "Gamma", "delta")
_AXES_BATHS = ("bias", "T")


# --------------------------------------------------------------------------- models and grids

class _Models:
    """The per-model numbers of one Model or of an array of Models, as arrays of shape (*shape, ...).

    Every number is read from `Model` (the single home of Eqs. (16), (19), (36)); nothing is
    recomputed here except by the module functions of `model.py`.
    """

    def __init__(self, m):
        if isinstance(m, Model):
            arr = np.empty((), dtype=object)
            arr[()] = m
        else:
            arr = np.asarray(m, dtype=object)
            if arr.size == 0 or not all(isinstance(x, Model) for x in arr.flat):
                raise ValueError("m must be a nadlib.Model or a non-empty array of Models")
        if arr.size > _MAX_ROWS // 2:
            raise ValueError(f"{arr.size} models requested; the limit is {_MAX_ROWS // 2} per call")
        flat = list(arr.flat)
        omegas = {x.Omega for x in flat}
        if len(omegas) != 1:
            raise ValueError(f"an array of models must share one bandwidth Omega, got {sorted(omegas)}")
        self.single = isinstance(m, Model)
        self.model = flat[0]
        self.shape = arr.shape
        self.Omega = flat[0].Omega
        self.g = np.array([x.g for x in flat]).reshape(arr.shape)
        self.Gamma = np.array([x.Gamma for x in flat]).reshape(arr.shape)
        self.E = np.array([x.E for x in flat]).reshape(arr.shape + (2,))
        self.R = np.array([x.R for x in flat]).reshape(arr.shape + (2, 2))
        self.h_site = np.array([(x.h_L, x.h_R) for x in flat]).reshape(arr.shape + (2,))
        self.E_shifted = np.array([x.E_shifted for x in flat]).reshape(arr.shape + (2,))
        self.Gamma_j = np.array([x.Gamma_j for x in flat]).reshape(arr.shape + (2,))
        self.Gamma_golden = _TWO_PI * spectral_density(self.E, self.Gamma[..., None], self.Omega)

    def lead(self, name, S):
        """Field `name` broadcast to the leading shape S (model axes aligned to the right of S)."""
        a = getattr(self, name)
        tail = a.shape[len(self.shape):]
        a = a.reshape((1,) * (len(S) - len(self.shape)) + a.shape)
        return np.broadcast_to(a, tuple(S) + tail)

    def flat(self, name):
        a = getattr(self, name)
        return a.reshape((-1,) + a.shape[len(self.shape):])


def _prepare(m, b, caller):
    """Validate (m, b); return the models, the leading shape and the Baths fields broadcast to it."""
    P = _Models(m)
    check_baths(P.model, b, caller=caller)
    try:
        S = np.broadcast_shapes(P.shape, b.shape)
    except ValueError:
        raise ValueError(f"{caller}: the model array (shape {P.shape}) and the Baths (shape {b.shape}) "
                         "do not broadcast together") from None
    if int(np.prod(S)) > _MAX_POINTS:
        raise ValueError(f"{caller}: {int(np.prod(S))} parameter points requested; the limit is {_MAX_POINTS}")
    mu = np.stack([np.broadcast_to(b.mu_L, S), np.broadcast_to(b.mu_R, S)], axis=-1)   # (*S, alpha)
    T = np.stack([np.broadcast_to(b.T_L, S), np.broadcast_to(b.T_R, S)], axis=-1)
    return P, S, mu, T


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def model_grid(m, **axes):
    """An array of Models that varies up to two of (g, Gamma, delta) of the model `m` on a grid.

    The keyword order is the order of the array axes: ``model_grid(m, g=gs, Gamma=Gs)`` has shape
    (len(gs), len(Gs)).  Every point is validated by `Model` (Eq. (34), Gamma < Omega, ...).

    Returns
    -------
    ndarray of Model, dtype object
    """
    if not isinstance(m, Model):
        raise ValueError("model_grid needs a nadlib.Model to vary")
    for name in axes:
        if name not in _AXES_MODEL:
            raise ValueError(f"model_grid varies {_AXES_MODEL}, got {name!r}")
    vals = [np.atleast_1d(np.asarray(v, dtype=float)) for v in axes.values()]
    if any(v.ndim != 1 or v.size == 0 for v in vals):
        raise ValueError("each axis must be a non-empty 1-d array")
    shape = tuple(v.size for v in vals)
    if int(np.prod(shape)) > _MAX_ROWS // 2:
        raise ValueError(f"{int(np.prod(shape))} models requested; the limit is {_MAX_ROWS // 2}")
    base = dict(h=m.h, delta=m.delta, g=m.g, Gamma=m.Gamma, Omega=m.Omega)
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        p = dict(base)
        p.update({name: float(v[i]) for name, v, i in zip(axes, vals, idx)})
        out[idx] = Model(**p)
    return out


# --------------------------------------------------------------------------- band integrals

def level_shift(m):
    """Principal value Delta_j = P int dw J_N(w) / (E_j - w) = Gamma E_j / (2 Omega). Shape (*shape, 2).

    The Hilbert transform of the Newns density is linear inside the band: it is the real part
    of the self-energy (B9) on the band, the shift that turns E_j into E'_j ~ E_j (1 + Gamma/2 Omega)
    in Eq. (36).  `m` may be a Model or an array of Models.
    """
    P = m if isinstance(m, _Models) else _Models(m)
    return P.Gamma[..., None] * P.E / (2 * P.Omega)


def _row_features(P, mi, mu, T, groups):
    """Features (centre, width) of the band integrals of rows (model mi, reservoir at mu, T).

    Each level E_j is graded on the finest scale any requested group needs there: its width
    2 pi J_N(E_j) ("golden", Eq. (55)) or Gamma_j ("exact", Eq. (36)), or a quarter of its
    distance to the Fermi step ("pv": the principal values' remainder varies on that scale).  The
    exact pole E'_j sits within a fraction of Gamma_j of E_j, except near the bound-state threshold
    of Eq. (34); there it gets features of its own.  Every row also has its Fermi step.
    """
    E = P.flat("E")[mi]
    width = np.full(E.shape, np.inf)
    if "golden" in groups:
        width = np.minimum(width, P.flat("Gamma_golden")[mi])
    step = T
    if "pv" in groups:
        d = np.maximum(np.abs(E - mu[:, None]), T[:, None])
        width = np.minimum(width, 0.25 * d)
        step = np.where(T > 0, T, 0.25 * d.min(axis=1))
    feats = [np.stack([E, width], axis=-1)]
    if "exact" in groups:
        Es, Gj = P.flat("E_shifted")[mi], P.flat("Gamma_j")[mi]
        feats[0][..., 1] = np.minimum(width, Gj)
        if np.any(np.abs(Es - E) > 0.25 * Gj):
            feats.append(np.stack([Es, Gj], axis=-1))
    feats.append(np.stack([mu, step], axis=-1)[:, None, :])
    return np.concatenate(feats, axis=1)


def _pv_channels(E, Om, w, wts, Jf, JfE):
    """P int J_N f / (E_j - w), by subtraction: the smooth int [J f(w) - J f(E_j)] / (E_j - w) plus
    the closed form J f(E_j) ln((Omega + E_j)/(Omega - E_j)).  Channels: j = 1, 2."""
    out = np.empty((w.shape[0], 2))
    for j in range(2):
        y = E[:, j, None] - w
        # a node exactly at E_j only occurs in an empty panel (weight 0), where the smooth
        # remainder is bounded: it contributes nothing
        q = np.where(y == 0, 0.0, (Jf - JfE[:, j, None]) / np.where(y == 0, 1.0, y))
        out[:, j] = np.sum(wts * q, axis=-1) + JfE[:, j] * np.log((Om + E[:, j]) / (Om - E[:, j]))
    return out


def _golden_channels(E, Gg, w, Jfw):
    """Per reservoir, Eq. (55) without F: I_jk = i int J f [1/(E_j - w + i G_j/2) - 1/(E_k - w - i G_k/2)].

    Channels: I_11, I_22 (real), Re I_12, Im I_12.
    """
    y = E[:, :, None] - w[:, None, :]                                 # (R, 2, N)
    half = 0.5 * Gg[:, :, None]
    D = 1.0 / (y ** 2 + half ** 2)
    hD, yD = half * D, y * D
    return np.stack([2 * np.sum(Jfw * hD[:, 0], axis=-1), 2 * np.sum(Jfw * hD[:, 1], axis=-1),
                     np.sum(Jfw * (hD[:, 0] + hD[:, 1]), axis=-1),
                     np.sum(Jfw * (yD[:, 0] - yD[:, 1]), axis=-1)], axis=-1)


def _exact_channels(E, G, g, Om, w, J, Jfw):
    """Per reservoir, Eq. (32) without F and Eqs. (43)-(44) per lead, in Green's-function form.

    theta_j + i pi phi_j = 1 / ((1 - Gamma/2 Omega) w - E_j - i pi J_N(w)) (Eqs. (35), (37)), so
    X_jk = int J f (theta_j + i pi phi_j)(theta_k - i pi phi_k) has |.|^2 on the diagonal and
    X_12 = int J f [x_1 x_2 + pi^2 J^2 + i pi J (E_1 - E_2)] / (|.|^2 |.|^2) with
    x_j = (1 - Gamma/2 Omega) w - E_j; the transmission (45) is T(w) = (pi g^2 / 2) J^2 / (|.|^2 |.|^2).
    Channels: X_11, X_22, Re X_12, Im X_12, int T f, int w T f.
    """
    a = (1 - G / (2 * Om))[:, None]
    x1, x2 = a * w - E[:, 0, None], a * w - E[:, 1, None]
    piJ2 = (np.pi * J) ** 2
    q1, q2 = 1.0 / (x1 * x1 + piJ2), 1.0 / (x2 * x2 + piJ2)
    qq = q1 * q2
    JJfqq = Jfw * J * qq
    sJJ = np.sum(JJfqq, axis=-1)
    trans = 0.5 * np.pi * g ** 2
    return np.stack([np.sum(Jfw * q1, axis=-1), np.sum(Jfw * q2, axis=-1),
                     np.sum(Jfw * (x1 * x2 + piJ2) * qq, axis=-1),
                     np.pi * (E[:, 0] - E[:, 1]) * sJJ,
                     trans * sJJ, trans * np.sum(JJfqq * w, axis=-1)], axis=-1)


_GROUP_SIZE = {"exact": 6, "golden": 4, "pv": 2}


def _row_integrals(P, mi, mu, T, groups):
    """The band integrals of one block of rows, every group on one node set. dict group -> (R, n)."""
    w, wts = stacked_band_rule(P.Omega, _row_features(P, mi, mu, T, groups))
    E, G = P.flat("E")[mi], P.flat("Gamma")[mi]
    J = spectral_density(w, G[:, None], P.Omega)
    Jf = J * fermi(w, mu[:, None], T[:, None])
    Jfw = Jf * wts
    out = {}
    if "exact" in groups:
        out["exact"] = _exact_channels(E, G, P.flat("g")[mi], P.Omega, w, J, Jfw)
    if "golden" in groups:
        out["golden"] = _golden_channels(E, P.flat("Gamma_golden")[mi], w, Jfw)
    if "pv" in groups:
        JfE = spectral_density(E, G[:, None], P.Omega) * fermi(E, mu[:, None], T[:, None])
        out["pv"] = _pv_channels(E, P.Omega, w, wts, Jf, JfE)
    return out, w.shape[1]


def _band_integrals(P, S, mu, T, groups):
    """Band integrals for every distinct (model, mu_alpha, T_alpha) of the grid, in blocks.

    Each distinct row is integrated once (a mu_L x mu_R grid of one model costs one integral per
    distinct value), on one node set for all the requested groups; rows are blocked in order of
    their narrowest feature so that a block's shared grading depth fits all its rows.

    Returns
    -------
    dict group -> ndarray of shape (*S, 2, n_group) [..., alpha, channel]
    """
    groups = tuple(sorted(groups))
    idx = np.broadcast_to(np.arange(int(np.prod(P.shape))).reshape(
        (1,) * (len(S) - len(P.shape)) + P.shape), S)
    keys = np.stack([np.broadcast_to(idx[..., None], S + (2,)).astype(float), mu, T], axis=-1)
    rows, inverse = np.unique(keys.reshape(-1, 3), axis=0, return_inverse=True)
    if rows.shape[0] > _MAX_ROWS:
        raise ValueError(f"{rows.shape[0]} distinct band integrals requested; the limit is {_MAX_ROWS}")
    mi, mur, Tr = rows[:, 0].astype(int), rows[:, 1], rows[:, 2]
    widths = _row_features(P, mi, mur, Tr, groups)[..., 1]
    order = np.argsort(np.min(np.where(widths > 0, widths, np.inf), axis=1), kind="stable")
    out = {g: np.empty((rows.shape[0], _GROUP_SIZE[g])) for g in groups}
    start, block = 0, 32
    while start < order.size:
        sl = order[start:start + block]
        res, n_nodes = _row_integrals(P, mi[sl], mur[sl], Tr[sl], groups)
        for g in groups:
            out[g][sl] = res[g]
        start += block
        block = max(1, _CHUNK_NODES // n_nodes)
    inverse = inverse.ravel()
    return {g: out[g][inverse].reshape(S + (2, _GROUP_SIZE[g])) for g in groups}


class _Integrals:
    """The band integrals of one grid, computed on first use, in one pass for all groups wanted."""

    def __init__(self, P, S, mu, T, want=()):
        self.P, self.S, self.mu, self.T = P, S, mu, T
        self.want = set(want)
        self.done = {}

    def __getitem__(self, group):
        if group not in self.done:
            todo = (self.want | {group}) - set(self.done)
            self.done.update(_band_integrals(self.P, self.S, self.mu, self.T, todo))
        return self.done[group]


def _check_pv(P, S, mu, T):
    E = P.lead("E", S)
    if np.any((T[..., :, None] == 0) & (mu[..., :, None] == E[..., None, :])):
        raise ValueError("P int J_N f_alpha / (E_j - w) diverges (logarithmically) at T_alpha = 0 "
                         "with mu_alpha = E_j: a zero-temperature Fermi step on a level; use T > 0 or "
                         "lamb_shift=False")


def fermi_principal_values(m, b):
    """S_alpha,j = P int dw J_N(w) f_alpha(w) / (E_j - w), the principal values of Redfield's rates.

    Computed by subtracting the pole (the remainder is smooth; the subtracted part is the closed
    form J_N(E_j) f_alpha(E_j) ln[(Omega + E_j)/(Omega - E_j)]), on nodes graded at E_j and at the
    Fermi step.  Vectorised over arrays of models and Baths grids.

    Returns
    -------
    ndarray, shape (*S, 2, 2) [..., alpha, j], S the broadcast of the models' and the Baths' shapes

    Raises
    ------
    ValueError
        For T_alpha = 0 with mu_alpha = E_j: the principal value diverges logarithmically.
    """
    P, S, mu, T = _prepare(m, b, "fermi_principal_values")
    _check_pv(P, S, mu, T)
    return _band_integrals(P, S, mu, T, ("pv",))["pv"]


def _exact(P, b, S, mu, T, cache):
    if P.single:
        C = np.broadcast_to(steady_state(P.model, b), S + (2, 2))
        J = currents(P.model, b)
        return ExactReference(C, np.broadcast_to(J.particle, S), np.broadcast_to(J.energy, S))
    X = cache["exact"]
    RR = _RR(P.lead("R", S))                                            # (*S, alpha, j, k)
    Xa = np.empty(S + (2, 2, 2), complex)
    Xa[..., 0, 0] = X[..., 0]
    Xa[..., 1, 1] = X[..., 1]
    Xa[..., 0, 1] = X[..., 2] + 1j * X[..., 3]
    Xa[..., 1, 0] = X[..., 2] - 1j * X[..., 3]
    C = np.sum(RR * Xa, axis=-3)
    return ExactReference(C, X[..., 0, 4] - X[..., 1, 4], X[..., 0, 5] - X[..., 1, 5])


def exact_reference(m, b):
    """Exact steady state C(inf) (Eq. (32)) and Landauer currents (Eqs. (43)-(44)).

    For one Model this is `nadlib.steady_state` and `nadlib.currents` (vectorised over the Baths).
    For an array of Models (a grid in g, Gamma or delta) the same integrals are done for all
    models at once: Eq. (32) in its Green's-function form (see `_exact_channels`), on node sets
    graded at each model's poles E'_j, Gamma_j (Eq. (36)) and at the reservoirs' Fermi steps.

    Returns
    -------
    ExactReference(C (*S, 2, 2) complex, particle (*S), energy (*S)), S the broadcast shape
    """
    P, S, mu, T = _prepare(m, b, "exact_reference")
    return _exact(P, b, S, mu, T, _Integrals(P, S, mu, T))


# --------------------------------------------------------------------------- rate matrices

def _RR(R):
    """R_j,alpha R_k,alpha as [..., alpha, j, k]: the eigenbasis weights of site alpha."""
    return np.einsum("...ja,...ka->...ajk", R, R)


def _diag(v):
    """(..., 2) -> (..., 2, 2) diagonal matrices."""
    out = np.zeros(v.shape + (2,), dtype=v.dtype)
    out[..., 0, 0] = v[..., 0]
    out[..., 1, 1] = v[..., 1]
    return out


def _mode_occupations(P, S, mu, T):
    """f_alpha(E_j) as [..., alpha, j] and gamma(E_j) as [..., j]."""
    E = P.lead("E", S)
    f = fermi(E[..., None, :], mu[..., :, None], T[..., :, None])
    return f, P.lead("Gamma_golden", S)


def _local(P, S, mu, T):
    h = P.lead("h_site", S)                                            # [..., alpha]
    gam = _TWO_PI * spectral_density(h, P.lead("Gamma", S)[..., None], P.Omega)
    f = fermi(h, mu, T)
    RR = _RR(P.lead("R", S))
    return ((gam * f)[..., None, None] * RR, (gam * (1 - f))[..., None, None] * RR,
            np.zeros(S + (2, 2, 2)))


def _global(P, S, mu, T):
    f, gam = _mode_occupations(P, S, mu, T)
    w = gam[..., None, :] * np.swapaxes(P.lead("R", S), -1, -2) ** 2    # gamma(E_j) R_j,alpha^2 [.., alpha, j]
    return _diag(w * f), _diag(w * (1 - f)), np.zeros(S + (2, 2, 2))


def _redfield(P, S, mu, T, lamb, cache):
    f, gam = _mode_occupations(P, S, mu, T)
    RR = _RR(P.lead("R", S))
    J = gam / _TWO_PI                                                  # J_N(E_j)
    a_p = np.pi * J[..., None, :] * f                                  # pi J(E_j) f_alpha(E_j)
    a_m = np.pi * J[..., None, :] * (1 - f)
    Lp = RR * (a_p[..., :, None] + a_p[..., None, :])
    Lm = RR * (a_m[..., :, None] + a_m[..., None, :])
    # the anti-Hermitian part of each reservoir's one-sided correlation matrix: a commutator,
    # with the rate imbalance pi (J_j - J_k) / 2i in every reservoir (it cancels in the sum)
    H = RR * (np.pi / 2j) * (J[..., None, :, None] - J[..., None, None, :])
    if lamb:
        _check_pv(P, S, mu, T)
        Sp = cache["pv"]                                               # [..., alpha, j]
        D = np.broadcast_to(level_shift(P), S + (2,))                   # Delta_j = P int J / (E_j - w)
        Sm = D[..., None, :] - Sp                                      # P int J (1 - f) / (E_j - w)
        Lp = Lp + 1j * RR * (Sp[..., :, None] - Sp[..., None, :])
        Lm = Lm + 1j * RR * (Sm[..., :, None] - Sm[..., None, :])
        H = H + RR * 0.5 * (D[..., None, :, None] + D[..., None, None, :])
    return Lp, Lm, H


def _unified(P, S, mu, T, lamb):
    f, gam = _mode_occupations(P, S, mu, T)
    RR = _RR(P.lead("R", S))
    sp = np.sqrt(gam[..., None, :] * f)                                # sqrt of the gain rates [.., alpha, j]
    sm = np.sqrt(gam[..., None, :] * (1 - f))
    Lp = RR * sp[..., :, None] * sp[..., None, :]
    Lm = RR * sm[..., :, None] * sm[..., None, :]
    H = np.zeros(S + (2, 2, 2))
    if lamb:
        D = np.broadcast_to(level_shift(P), S + (2,))
        H = RR * 0.5 * (D[..., None, :, None] + D[..., None, None, :])
    return Lp, Lm, H


def _asymptotic(P, b, S, mu, T, cache):
    """Eqs. (55)-(58), (65): per-reservoir diagonal rates gamma^{+-}_{alpha,j} and the interference part."""
    Gg = P.lead("Gamma_golden", S)
    if P.single:
        gm, gp = bath_rates(P.model, b)                                # [..., alpha, j]
        Lp_tot = asymptotic_rates(P.model, b)
        gm, gp = np.broadcast_to(gm, S + (2, 2)), np.broadcast_to(gp, S + (2, 2))
        Lp_tot = np.broadcast_to(Lp_tot, S + (2, 2))
    else:
        I = cache["golden"]
        Rt2 = np.swapaxes(P.lead("R", S), -1, -2) ** 2                 # R_j,alpha^2 [.., alpha, j]
        gp = Rt2 * I[..., :2]
        gm = Gg[..., None, :] * Rt2 - gp
        R = P.lead("R", S)
        w12 = R[..., 0, :] * R[..., 1, :]                              # R_1,alpha R_2,alpha [.., alpha]
        L12 = np.sum(w12 * (I[..., 2] + 1j * I[..., 3]), axis=-1)
        Lp_tot = _diag(np.sum(gp, axis=-2)).astype(complex)
        Lp_tot[..., 0, 1] = L12
        Lp_tot[..., 1, 0] = np.conj(L12)
    off = np.array([[0.0, 1.0], [1.0, 0.0]]) * Lp_tot
    return _diag(gp), _diag(gm), off, -off


def master_equation(m, b, kind, lamb_shift=True):
    """The single-particle matrices of a weak-coupling master equation (see the module docstring).

    Parameters
    ----------
    m : Model, or array of Models (e.g. from `model_grid`)
    b : Baths (fermionic), any shape broadcasting with the models' array
    kind : {"local", "global", "redfield", "unified", "asymptotic"}
    lamb_shift : bool
        Keep (True) or drop (False) all principal-value terms of "redfield" and the Lamb shift of
        "unified".  No effect on "local" and "global" (which have none) and "asymptotic" (the
        rates (55) are what they are).

    Returns
    -------
    MasterEquation with leading shape S = broadcast(models' shape, b.shape)
    """
    _check_kind(kind)
    P, S, mu, T = _prepare(m, b, "master_equation")
    return _assemble(kind, P, b, S, mu, T, lamb_shift, _Integrals(P, S, mu, T))


def _assemble(kind, P, b, S, mu, T, lamb, cache):
    zero2 = np.zeros(S + (2, 2), complex)
    # every kind's H_S is the whole system Hamiltonian of Eq. (10), diag(E_j) in the eigenbasis
    H_S = _diag(P.lead("E", S)).astype(complex)
    if kind == "local":
        Lp, Lm, H = _local(P, S, mu, T)
    elif kind == "global":
        Lp, Lm, H = _global(P, S, mu, T)
    elif kind == "redfield":
        Lp, Lm, H = _redfield(P, S, mu, T, lamb, cache)
    elif kind == "unified":
        Lp, Lm, H = _unified(P, S, mu, T, lamb)
    else:
        Lp, Lm, Lpi, Lmi = _asymptotic(P, b, S, mu, T, cache)
        return MasterEquation(H_S, np.zeros(S + (2, 2, 2), complex), Lp.astype(complex),
                              Lm.astype(complex), Lpi.astype(complex), Lmi.astype(complex))
    return MasterEquation(H_S, np.asarray(H, complex), np.asarray(Lp, complex),
                          np.asarray(Lm, complex), zero2, zero2.copy())


# --------------------------------------------------------------------------- single-particle solution

def _totals(me):
    """Total H, Lambda^+, Lambda^- of a MasterEquation (reservoirs summed, interference added)."""
    H = me.H_S + np.sum(me.H_lamb, axis=-3)
    Lp = np.sum(me.Lambda_plus, axis=-3) + me.Lambda_plus_int
    Lm = np.sum(me.Lambda_minus, axis=-3) + me.Lambda_minus_int
    return H, Lp, Lm


def _sylvester_2x2(A, B, Q):
    """X with A X + X B = Q for 2 x 2 matrices, in closed form and vectorised over leading axes.

    Cayley-Hamilton for B (B^2 = tr(B) B - det(B) 1) turns the equation into
    (A^2 + tr(B) A + det(B) 1) X = A Q + Q adj(B), adj(B) = tr(B) 1 - B; the 2 x 2 matrix on the
    left is invertible iff no eigenvalue of A is minus one of B (a unique solution).
    """
    eye = np.eye(2)
    tB = np.trace(B, axis1=-2, axis2=-1)[..., None, None]
    dB = np.linalg.det(B)[..., None, None]
    M = A @ A + tB * A + dB * eye
    rhs = A @ Q + Q @ (tB * eye - B)
    detM = M[..., 0, 0] * M[..., 1, 1] - M[..., 0, 1] * M[..., 1, 0]
    scale = np.max(np.abs(M), axis=(-2, -1)) ** 2
    bad = ~(np.abs(detM) > 1e-14 * scale)
    if np.any(bad):
        raise ValueError(f"the master equation has no unique steady state at {int(bad.sum())} of "
                         f"{bad.size} points (i[H, C] - {{Gamma, C}}/2 is singular)")
    adjM = np.stack([np.stack([M[..., 1, 1], -M[..., 0, 1]], -1),
                     np.stack([-M[..., 1, 0], M[..., 0, 0]], -1)], -2)
    return adjM @ rhs / detM[..., None, None]


def lyapunov_steady_state(me):
    """Steady C of dC/dt = i[H, C] - {Gamma, C}/2 + Lambda^+ (Eq. (48) with constant matrices).

    With K = Gamma/2 - i H the condition reads K C + C K^dag = Lambda^+, solved in closed form
    (`_sylvester_2x2`).  Gamma = Lambda^+ + Lambda^- and H include every reservoir's part.

    Parameters
    ----------
    me : MasterEquation

    Returns
    -------
    ndarray, shape (..., 2, 2), complex Hermitian
    """
    H, Lp, Lm = _totals(me)
    K = 0.5 * (Lp + Lm) - 1j * H
    C = _sylvester_2x2(K, np.swapaxes(K.conj(), -1, -2), Lp)
    return 0.5 * (C + np.swapaxes(C.conj(), -1, -2))


def reservoir_currents(me, C):
    """Particle and energy currents out of each reservoir: Tr[N_S L_alpha rho], Tr[H_S L_alpha rho].

    Reservoir alpha's part of the generator (its dissipator and its Hamiltonian part H_alpha)
    changes C at the rate i[H_alpha, C] - {Gamma_alpha, C}/2 + Lambda^+_alpha, so
    J^P_alpha = Tr of that and J^E_alpha = sum_j E_j times its diagonal (H_S = sum_j E_j d_j^dag d_j).

    Parameters
    ----------
    me : MasterEquation, leading shape S
    C : (*S, 2, 2) correlation matrix (usually the steady state)

    Returns
    -------
    Currents(particle, energy), each of shape (*S, 2) [..., alpha]
    """
    Ca = np.asarray(C)[..., None, :, :]
    H, Lp = me.H_lamb, me.Lambda_plus
    Gam = Lp + me.Lambda_minus
    dC = 1j * (H @ Ca - Ca @ H) - 0.5 * (Gam @ Ca + Ca @ Gam) + Lp
    diag = np.diagonal(dC, axis1=-2, axis2=-1).real                    # (*S, alpha, j)
    E = np.diagonal(me.H_S, axis1=-2, axis2=-1).real[..., None, :]
    return Currents(diag.sum(axis=-1), np.sum(E * diag, axis=-1))


# --------------------------------------------------------------------------- Fock space

def _reservoir_index(reservoir):
    if reservoir in ("L", 0):
        return 0
    if reservoir in ("R", 1):
        return 1
    raise ValueError(f"reservoir must be 'L' (0) or 'R' (1), got {reservoir!r}")


def lindblad_generator(m, b, kind, lamb_shift=True, part=None):
    """The 16 x 16 superoperator of a master equation, including -i[H, .] (scalar Baths).

    Built by `fock.generator` from the matrices of `master_equation`.

    Parameters
    ----------
    m : Model
    b : Baths, scalar
    kind : see `master_equation`
    part : None, "L", "R" or "int"
        None: the whole generator.  "L" / "R": that reservoir's part L_alpha, its Hamiltonian part
        -i[H_alpha, .] included (no -i[H_S, .]).  "int": the part of neither reservoir.

    Returns
    -------
    ndarray, shape (16, 16), complex; vec is column stacking (QuTiP's convention)
    """
    _check_kind(kind)
    if not isinstance(m, Model):
        raise ValueError("lindblad_generator needs one Model (the 16 x 16 generator is for one point)")
    check_baths(m, b, scalar=True, caller="lindblad_generator")
    me = master_equation(m, b, kind, lamb_shift)
    if part is None:
        return fock.generator(*_totals(me))
    if part == "int":
        return fock.dissipator_from_rates(me.Lambda_plus_int, me.Lambda_minus_int)
    a = _reservoir_index(part)
    return fock.generator(me.H_lamb[a], me.Lambda_plus[a], me.Lambda_minus[a])


def _check_method(method, m, b, caller):
    if method not in ("lyapunov", "kernel"):
        raise ValueError(f"method must be 'lyapunov' or 'kernel', got {method!r}")
    if method == "kernel" and (not isinstance(m, Model) or getattr(b, "shape", None) != ()):
        raise ValueError(f"{caller}(method='kernel') needs one Model and scalar Baths (it finds the "
                         "kernel of the 16 x 16 generator); use method='lyapunov' on grids")


def lindblad_steady_state(m, b, kind, lamb_shift=True, method="lyapunov"):
    """Steady-state correlation matrix C (energy eigenbasis) of a master equation.

    Parameters
    ----------
    m : Model or array of Models
    b : Baths (fermionic), any shape broadcasting with the models
    kind : {"local", "global", "redfield", "unified", "asymptotic"}
    method : {"lyapunov", "kernel"}
        "lyapunov" (vectorised): the closed-form solution of the single-particle equation
        (`lyapunov_steady_state`).  "kernel" (one Model, scalar Baths): the kernel of the
        16 x 16 generator (`fock.steady_density_matrix`) and C_jk = Tr[rho d_j^dag d_k].

    Returns
    -------
    ndarray, shape (*S, 2, 2), complex
    """
    _check_kind(kind)
    _check_method(method, m, b, "lindblad_steady_state")
    if method == "kernel":
        rho = fock.steady_density_matrix(lindblad_generator(m, b, kind, lamb_shift))
        return fock.correlation_from_rho(rho)
    return lyapunov_steady_state(master_equation(m, b, kind, lamb_shift))


def lindblad_currents(m, b, kind, lamb_shift=True, reservoir="L", method="lyapunov"):
    """Steady particle and energy currents out of a reservoir, from that reservoir's generator.

    J^P_alpha = Tr[N_S L_alpha rho_ss] and J^E_alpha = Tr[H_S L_alpha rho_ss], with L_alpha including
    its Hamiltonian part and H_S the bare system Hamiltonian.  method="kernel" (scalar) evaluates the
    traces with the 16 x 16 superoperators; "lyapunov" (vectorised) uses `reservoir_currents`.

    Returns
    -------
    Currents(particle, energy), each of shape S
    """
    _check_kind(kind)
    _check_method(method, m, b, "lindblad_currents")
    a = _reservoir_index(reservoir)
    if method == "kernel":
        rho = fock.steady_density_matrix(lindblad_generator(m, b, kind, lamb_shift))
        La = lindblad_generator(m, b, kind, lamb_shift, part=("L", "R")[a])
        drho = fock.unvec(La @ fock.vec(rho))
        N_S = fock.hamiltonian_from_matrix(np.eye(2))
        H_S = fock.hamiltonian_from_matrix(np.diag(m.E))
        return Currents(fock.expect(N_S, drho).real, fock.expect(H_S, drho).real)
    me = master_equation(m, b, kind, lamb_shift)
    J = reservoir_currents(me, lyapunov_steady_state(me))
    return Currents(J.particle[..., a], J.energy[..., a])


# --------------------------------------------------------------------------- comparisons

def gaussian_trace_distance(C1, C2):
    """Trace distance (1/2)||rho(C1) - rho(C2)||_1 of the number-conserving Gaussian states of C1, C2.

    rho(C) is block diagonal in N = 0, 1, 2: p_0 = 1 - tr C + det C, p_2 = det C (Wick) and the
    one-particle block C^T - det(C) 1 (see `fock.state_from_correlations`), so the trace norm is a
    sum over the blocks, the one-particle block's by the closed-form eigenvalues of a Hermitian
    2 x 2 matrix.  Also defined for C outside 0 <= C <= 1 (then rho(C) is a Hermitian operator of
    unit trace but not a state). Shape broadcast(C1, C2)[:-2].
    """
    C1, C2 = np.asarray(C1, complex), np.asarray(C2, complex)
    d1, d2 = np.linalg.det(C1).real, np.linalg.det(C2).real
    t1 = np.trace(C1, axis1=-2, axis2=-1).real
    t2 = np.trace(C2, axis1=-2, axis2=-1).real
    dp0 = (1 - t1 + d1) - (1 - t2 + d2)
    dp2 = d1 - d2
    X = np.swapaxes(C1 - C2, -1, -2) - (d1 - d2)[..., None, None] * np.eye(2)
    lam = hermitian_eigvals_2x2(X)
    return 0.5 * (np.abs(dp0) + np.abs(dp2) + np.abs(lam).sum(axis=-1))


def canonical_rates(m, b, kind, lamb_shift=True):
    """Canonical rates of the whole dissipator (52): eigenvalues of the total Lambda^- and Lambda^+.

    A time-independent generator of the form (51) generates a completely positive semigroup iff
    all four are >= 0 (its Kossakowski matrix is block diagonal in {d_j} and {d_k^dag}).

    Returns
    -------
    ndarray, shape (*S, 4): [lambda^-_1, lambda^-_2, lambda^+_1, lambda^+_2], each pair ascending
    """
    _, Lp, Lm = _totals(master_equation(m, b, kind, lamb_shift))
    return np.concatenate([hermitian_eigvals_2x2(Lm), hermitian_eigvals_2x2(Lp)], axis=-1)


def is_completely_positive(m, b, kind, lamb_shift=True):
    """Whether the master equation generates completely positive dynamics (all canonical rates >= 0).

    Rates above -1e-12 times the largest |rate| count as non-negative (round-off). Shape S, bool.
    """
    lam = canonical_rates(m, b, kind, lamb_shift)
    scale = np.max(np.abs(lam), axis=-1)
    return np.min(lam, axis=-1) >= -_CP_TOL * scale


def entropy_production(m, b, kind, lamb_shift=True):
    """Steady entropy production -sum_alpha beta_alpha J^Q_alpha (Eq. (2)) of a kind or of "exact".

    J^Q_alpha = J^E_alpha - mu_alpha J^P_alpha with the currents out of each reservoir from its own
    generator (`reservoir_currents`); "exact" uses the Landauer currents (J_R = -J_L).  The second
    law requires a value >= 0.  Needs T_alpha > 0. Shape S.
    """
    if kind != "exact":
        _check_kind(kind)
    P, S, mu, T = _prepare(m, b, "entropy_production")
    if np.any(T <= 0):
        raise ValueError("entropy production -sum beta_alpha J^Q_alpha needs T_alpha > 0 in both reservoirs")
    if kind == "exact":
        ref = exact_reference(m, b)
        JP = np.stack([ref.particle, -ref.particle], axis=-1)
        JE = np.stack([ref.energy, -ref.energy], axis=-1)
    else:
        me = master_equation(m, b, kind, lamb_shift)
        JP, JE = reservoir_currents(me, lyapunov_steady_state(me))
    return -np.sum((JE - mu * JP) / T, axis=-1)


def _relative(err, ref, scale):
    """|err| / |ref|; where ref vanishes: inf if |err| exceeds round-off (1e-12 scale), else 0 (no NaN)."""
    err, ref = np.abs(err), np.abs(ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = err / ref
    return np.where(ref > 0, out, np.where(err > 1e-12 * scale, np.inf, 0.0))


def _grid(m, b, axes):
    """The models (Model or array) and Baths of a map over up to two named axes."""
    if not 1 <= len(axes) <= 2:
        raise ValueError(f"a map needs one or two axes among {_AXES_MODEL + _AXES_BATHS}, got {list(axes)}")
    if not isinstance(m, Model):
        raise ValueError("error_map needs one base Model")
    check_baths(m, b, scalar=True, caller="error_map")
    names = list(axes)
    vals = [np.atleast_1d(np.asarray(axes[n], dtype=float)) for n in names]
    for n, v in zip(names, vals):
        if n not in _AXES_MODEL + _AXES_BATHS:
            raise ValueError(f"unknown axis {n!r}; choose from {_AXES_MODEL + _AXES_BATHS}")
        if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)):
            raise ValueError(f"axis {n!r} must be a non-empty 1-d array of finite values")
    nd = len(names)

    def along(i, v):
        shape = [1] * nd
        shape[i] = v.size
        return v.reshape(shape)

    model_axes = [(i, n, v) for i, (n, v) in enumerate(zip(names, vals)) if n in _AXES_MODEL]
    if model_axes:
        grid = model_grid(m, **{n: v for _, n, v in model_axes})
        shape = [1] * nd
        for i, _, v in model_axes:
            shape[i] = v.size
        models = grid.reshape(shape)
    else:
        models = m
    mu_mid = 0.5 * (float(b.mu_L) + float(b.mu_R))
    mu_L, mu_R, T_L, T_R = float(b.mu_L), float(b.mu_R), float(b.T_L), float(b.T_R)
    for i, (n, v) in enumerate(zip(names, vals)):
        if n == "bias":
            mu_L, mu_R = mu_mid + 0.5 * along(i, v), mu_mid - 0.5 * along(i, v)
        elif n == "T":
            T_L = T_R = along(i, v)
    return models, Baths(T_L, T_R, mu_L, mu_R), dict(zip(names, vals))


def error_map(m, b, kinds=KINDS, lamb_shift=True, **axes):
    """Each kind's error against the exact solution over a grid of one or two parameters.

    Parameters
    ----------
    m : Model
        The base model; axes "g", "Gamma", "delta" vary its parameters.
    b : Baths, scalar
        The base reservoirs; axis "bias" sets mu_L - mu_R about the fixed mean (mu_L + mu_R)/2,
        axis "T" sets T_L = T_R.
    kinds : sequence of kinds
    **axes : 1-d arrays, in the order of the map's axes, e.g. ``g=gs, Gamma=Gs``.

    Returns
    -------
    ErrorMap (see its docstring); maps have shape (len(axis_1), len(axis_2)).
    """
    for k in kinds:
        _check_kind(k)
    models, baths, ax = _grid(m, b, axes)
    P, S, mu, T = _prepare(models, baths, "error_map")
    # one pass over the band for every integral the map needs
    want = set()
    if not P.single:
        want.add("exact")
        if "asymptotic" in kinds:
            want.add("golden")
    if "redfield" in kinds and lamb_shift:
        want.add("pv")
    cache = _Integrals(P, S, mu, T, want)
    ref = _exact(P, baths, S, mu, T, cache)
    scale = P.lead("Gamma", S)                                         # currents are O(Gamma)
    escale = np.max(np.abs(P.lead("E", S)), axis=-1) + np.max(np.abs(mu), axis=-1) + 1.0
    out = {name: {} for name in ("C", "currents", "C_max", "trace_distance", "particle", "energy")}
    for k in kinds:
        me = _assemble(k, P, baths, S, mu, T, lamb_shift, cache)
        C = lyapunov_steady_state(me)
        J = reservoir_currents(me, C)
        cur = Currents(J.particle[..., 0], J.energy[..., 0])
        out["C"][k] = C
        out["currents"][k] = cur
        out["C_max"][k] = np.max(np.abs(C - ref.C), axis=(-2, -1))
        out["trace_distance"][k] = gaussian_trace_distance(C, ref.C)
        out["particle"][k] = _relative(cur.particle - ref.particle, ref.particle, scale)
        out["energy"][k] = _relative(cur.energy - ref.energy, ref.energy, scale * escale)
    return ErrorMap(ax, ref, **out)


# --------------------------------------------------------------------------- heat engine

def _engine_curve(bias, mu_L, JP, JE):
    power = bias * JP
    heat = JE - mu_L * JP
    engine = (power > 0) & (heat > 0)
    eff = np.where(engine, power / np.where(engine, heat, 1.0), 0.0)
    i = int(np.argmax(power))
    return EngineCurve(bias, power, heat, eff, float(power[i]), float(eff[i]), float(bias[i]))


def heat_engine(m, T_hot, T_cold, mu, bias, kinds=KINDS, lamb_shift=True):
    """A thermoelectric engine: hot reservoir L, cold R, particles driven from L to R up the bias.

    mu_L = mu - V/2 and mu_R = mu + V/2 for each bias V > 0 of the scan; power P = V J^P_L,
    heat from the hot reservoir J^Q_L = J^E_L - mu_L J^P_L, efficiency eta = P / J^Q_L.

    Parameters
    ----------
    m : Model
    T_hot, T_cold : float, T_hot > T_cold > 0
    mu : float, the mean chemical potential
    bias : 1-d array of V = mu_R - mu_L
    kinds : kinds to evaluate besides "exact"

    Returns
    -------
    dict with an EngineCurve for "exact" and each kind, and the floats "carnot" = 1 - T_cold/T_hot
    and "curzon_ahlborn" = 1 - sqrt(T_cold/T_hot)
    """
    if not (np.isfinite(T_hot) and np.isfinite(T_cold) and T_hot > T_cold > 0):
        raise ValueError(f"a heat engine needs T_hot > T_cold > 0, got T_hot={T_hot}, T_cold={T_cold}")
    V = np.atleast_1d(np.asarray(bias, dtype=float))
    if V.ndim != 1 or V.size == 0 or not np.all(np.isfinite(V)):
        raise ValueError("bias must be a non-empty 1-d array of finite values")
    b = Baths(T_hot, T_cold, mu - 0.5 * V, mu + 0.5 * V)
    out = {}
    ref = exact_reference(m, b)
    out["exact"] = _engine_curve(V, b.mu_L, ref.particle, ref.energy)
    for k in kinds:
        _check_kind(k)
        J = lindblad_currents(m, b, k, lamb_shift)
        out[k] = _engine_curve(V, b.mu_L, J.particle, J.energy)
    out["carnot"] = 1 - T_cold / T_hot
    out["curzon_ahlborn"] = 1 - np.sqrt(T_cold / T_hot)
    return out


# --------------------------------------------------------------------------- QuTiP

def to_qutip(superop):
    """A nadlib superoperator (n^2 x n^2, column stacking) as a `qutip.Qobj` superoperator.

    nadlib and QuTiP both stack columns (vec(A rho B) = (B^T kron A) vec(rho)), so the matrix is
    taken as it is, with dims [[[n], [n]], [[n], [n]]].  QuTiP is an optional dependency
    (``pip install nadlib[qutip]``).
    """
    try:
        import qutip
    except ImportError as exc:
        raise ImportError("to_qutip needs QuTiP, an optional dependency of nadlib: "
                          "pip install 'nadlib[qutip]' (or qutip>=5)") from exc
    S = np.asarray(superop, dtype=complex)
    if S.ndim != 2 or S.shape[0] != S.shape[1]:
        raise ValueError(f"superop must be a square 2-d array, got shape {S.shape}")
    n = int(round(np.sqrt(S.shape[0])))
    if n * n != S.shape[0]:
        raise ValueError(f"superop must act on n*n-dimensional vec(rho), got size {S.shape[0]}")
    if not np.all(np.isfinite(S)):
        raise ValueError("superop must be finite")
    return qutip.Qobj(S, dims=[[[n], [n]], [[n], [n]]], superrep="super")
