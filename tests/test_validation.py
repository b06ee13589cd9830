"""Bad input raises ValueError whose message names the broken condition (DESIGN.md, "Bad input").

Categories: Gamma >= Omega; a violated Eq. (34); Delta = 0 (R of Eq. (16) undefined); T < 0;
non-finite values (Model, Baths, times, C0); C0 not a valid correlation matrix (not Hermitian,
an eigenvalue outside [0, 1], wrong shape); D0 inconsistent with C0; negative times; an unknown
method or convention; array-valued Baths passed to a time-dependent function.
"""
import numpy as np
import pytest

import nadlib as nad
from nadlib.epa import arc_error, error_bound, lambda_plus, u_envelope
from nadlib.exact import bath_correlations
from nadlib.spectral import propagator_derivative, response_function

GOOD_MODEL = dict(h=1.0, delta=0.1, g=0.5, Gamma=0.2, Omega=10.0)


@pytest.fixture(scope="module")
def mb():
    return nad.Model(**GOOD_MODEL), nad.Baths(0.1, 0.1, 1.0, 0.0)


# --------------------------------------------------------------------------- Model

@pytest.mark.parametrize("Gamma", [10.0, 10.0 + 1e-12, 25.0])
def test_gamma_not_below_omega(Gamma):
    """Gamma >= Omega (Eqs. (19), (36): 1 - Gamma/Omega > 0) is rejected, naming Gamma < Omega."""
    with pytest.raises(ValueError, match=r"Gamma < Omega"):
        nad.Model(**dict(GOOD_MODEL, Gamma=Gamma))


@pytest.mark.parametrize("params", [
    dict(h=9.99, delta=0.0, g=0.01, Gamma=0.2, Omega=10.0),       # E_1 at the band edge
    dict(h=-9.8, delta=0.0, g=0.1, Gamma=1.0, Omega=10.0),        # E_2 beyond sqrt(Omega^2 - Gamma Omega)
    dict(h=0.0, delta=0.0, g=0.5, Gamma=9.999, Omega=10.0),       # Gamma Omega alone too large
])
def test_eq34_violated(params):
    """Eq. (34), sqrt(E_j^2 + Gamma Omega) < Omega, violated: the message cites Eq. (34)."""
    with pytest.raises(ValueError, match=r"Eq\. \(34\)"):
        nad.Model(**params)


def test_eq34_boundary_is_sharp():
    """Eq. (34): just inside is accepted; just outside is rejected."""
    Om, Gamma = 10.0, 0.1
    Ecrit = np.sqrt(Om ** 2 - Gamma * Om)
    nad.Model(h=Ecrit - 1e-6, delta=0.0, g=1e-7, Gamma=Gamma, Omega=Om)
    with pytest.raises(ValueError, match=r"Eq\. \(34\)"):
        nad.Model(h=Ecrit + 1e-6, delta=0.0, g=1e-7, Gamma=Gamma, Omega=Om)


def test_degenerate_levels_delta_zero():
    """Delta = sqrt(g^2 + delta^2) = 0: R of Eq. (16) is undefined; the message names Delta."""
    with pytest.raises(ValueError, match=r"Delta"):
        nad.Model(h=1.0, delta=0.0, g=0.0, Gamma=0.2, Omega=10.0)


@pytest.mark.parametrize("field", ["h", "delta", "g", "Gamma", "Omega"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_model_non_finite(field, bad):
    """Non-finite Model parameters (Eqs. (10), (14), (19)) are rejected, naming finiteness and the
    parameter."""
    with pytest.raises(ValueError, match=rf"{field}.*finite"):
        nad.Model(**dict(GOOD_MODEL, **{field: bad}))


@pytest.mark.parametrize("field,value,pattern", [
    ("Gamma", 0.0, r"Gamma.*positive"),
    ("Gamma", -0.1, r"Gamma.*positive"),
    ("Omega", -10.0, r"Omega.*positive"),
    ("g", -0.5, r"g must be >= 0"),
    ("h", np.array([1.0, 2.0]), r"scalar"),
])
def test_model_other_bad_values(field, value, pattern):
    """Gamma <= 0, Omega <= 0, g < 0 (Eq. (16) assumes g >= 0) and array-valued parameters are
    rejected by name."""
    with pytest.raises(ValueError, match=pattern):
        nad.Model(**dict(GOOD_MODEL, **{field: value}))


# --------------------------------------------------------------------------- Baths

@pytest.mark.parametrize("kw", [dict(T_L=-0.1), dict(T_R=-1e-300), dict(T_L=np.array([0.1, -0.2]))])
def test_negative_temperature(kw):
    """T < 0 in the lead states of Eq. (20) is rejected, naming T >= 0."""
    args = dict(T_L=0.1, T_R=0.1, mu_L=0.0, mu_R=0.0)
    args.update(kw)
    with pytest.raises(ValueError, match=r"T >= 0"):
        nad.Baths(**args)


@pytest.mark.parametrize("field", ["T_L", "T_R", "mu_L", "mu_R"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_baths_non_finite(field, bad):
    """Non-finite temperatures or chemical potentials (Eq. (20)) are rejected, naming finiteness."""
    args = dict(T_L=0.1, T_R=0.1, mu_L=0.0, mu_R=0.0)
    args[field] = bad
    with pytest.raises(ValueError, match=rf"{field}.*finite"):
        nad.Baths(**args)


def test_entropy_production_needs_positive_temperature(mb):
    """Eq. (2) divides by T: T = 0 is rejected there, naming T > 0."""
    m, _ = mb
    with pytest.raises(ValueError, match=r"T > 0"):
        nad.entropy_production(m, nad.Baths(0.0, 0.1, 1.0, 0.0))


# --------------------------------------------------------------------------- times

TIME_FUNCS = {
    "correlation_matrix": lambda m, b, t: nad.correlation_matrix(m, b, t),
    "correlation_matrix_epa": lambda m, b, t: nad.correlation_matrix(m, b, t, method="epa"),
    "double_occupancy": lambda m, b, t: nad.double_occupancy(m, b, t),
    "bath_correlations": lambda m, b, t: bath_correlations(m, b, t),
    "tcl_generator": lambda m, b, t: nad.tcl_generator(m, b, t),
    "propagator_derivative": lambda m, b, t: propagator_derivative(m, t),
    "response_function": lambda m, b, t: response_function(m, np.array([0.5]), t),
    "lambda_plus": lambda m, b, t: lambda_plus(m, b, t),
    "arc_error": lambda m, b, t: arc_error(m, t),
    "error_bound": lambda m, b, t: error_bound(m, t),
}


@pytest.mark.parametrize("fname", list(TIME_FUNCS))
def test_negative_times(mb, fname):
    """Negative times are rejected by every forward-in-time function (Eqs. (29)-(31), (47), (54),
    (E1)-(E5)), naming t >= 0."""
    m, b = mb
    with pytest.raises(ValueError, match=r"t >= 0"):
        TIME_FUNCS[fname](m, b, np.array([0.0, 1.0, -0.5]))


@pytest.mark.parametrize("fname", list(TIME_FUNCS) + ["propagator"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_times(mb, fname, bad):
    """nan or inf among the times (Eqs. (24), (29)-(31), (47), (54), (E1)-(E5)) is rejected, naming
    finiteness."""
    m, b = mb
    f = TIME_FUNCS.get(fname, lambda m, b, t: nad.propagator(m, t))
    with pytest.raises(ValueError, match=r"finite"):
        f(m, b, np.array([0.0, bad]))


def test_u_envelope_rejects_negative_or_non_finite_tau():
    """u(tau) of Eq. (E6) needs finite tau >= 0."""
    for bad in (-1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match=r"tau >= 0"):
            u_envelope(np.array([1.0, bad]))


# --------------------------------------------------------------------------- C0 and D0

BAD_C0 = {
    "not Hermitian": (np.array([[0.5, 0.1], [0.2, 0.5]]), r"Hermitian"),
    "complex not Hermitian": (np.array([[0.5, 0.1j], [0.1j, 0.5]]), r"Hermitian"),
    "eigenvalue above 1": (np.diag([1.2, 0.3]), r"0 <= C.*<= 1"),
    "eigenvalue below 0": (np.diag([0.4, -0.05]), r"0 <= C.*<= 1"),
    "coherence too large": (np.array([[0.5, 0.6], [0.6, 0.5]]), r"0 <= C.*<= 1"),
    "shape 3x3": (np.eye(3) * 0.5, r"shape"),
    "shape (2,)": (np.array([0.5, 0.5]), r"shape"),
    "nan": (np.array([[0.5, np.nan], [np.nan, 0.5]]), r"finite"),
}


@pytest.mark.parametrize("case", list(BAD_C0))
@pytest.mark.parametrize("func", ["correlation_matrix", "double_occupancy"])
def test_invalid_C0(mb, case, func):
    """C0 of Eq. (21) must be a valid correlation matrix: Hermitian, 0 <= C0 <= 1, shape (2, 2),
    finite."""
    m, b = mb
    C0, pattern = BAD_C0[case]
    f = nad.correlation_matrix if func == "correlation_matrix" else nad.double_occupancy
    with pytest.raises(ValueError, match=pattern):
        f(m, b, [0.0, 1.0], C0=C0)


@pytest.mark.parametrize("C0,D0", [
    (np.diag([0.3, 0.6]), 0.4),              # D0 > min(C11, C22)
    (np.diag([0.8, 0.7]), 0.2),              # D0 < C11 + C22 - 1
    (np.diag([0.3, 0.6]), -0.01),            # D0 < 0
    (np.array([[0.6, 0.2 + 0.1j], [0.2 - 0.1j, 0.3]]), 0.29),   # |C12|^2 > (C11 - D0)(C22 - D0)
    (None, 0.2),                             # vacuum C0 needs D0 = 0
    (np.diag([0.3, 0.6]), np.nan),
])
def test_D0_inconsistent_with_C0(mb, C0, D0):
    """D0 (Eq. (22)) must be a double occupancy of a two-mode state with correlation matrix C0
    (Eq. (31) needs both)."""
    m, b = mb
    with pytest.raises(ValueError, match=r"D0 inconsistent with C0"):
        nad.double_occupancy(m, b, [0.0, 1.0], C0=C0, D0=D0)


def test_consistent_extreme_D0_accepted(mb):
    """Eq. (31) at t = 0: the D0 bounds are inclusive, D0 = min(C11, C22) and D0 = C11 + C22 - 1
    (when |C12| allows) are accepted and returned."""
    m, b = mb
    C0 = np.diag([0.8, 0.7])
    for D0 in (0.5, 0.7):
        D = nad.double_occupancy(m, b, [0.0], C0=C0, D0=D0)
        np.testing.assert_allclose(D, [D0], atol=1e-14)


# --------------------------------------------------------------------------- method strings, batch Baths

@pytest.mark.parametrize("call", [
    lambda m, b: nad.propagator(m, [0.0, 1.0], method="exakt"),
    lambda m, b: nad.correlation_matrix(m, b, [0.0, 1.0], method="EPA "),
    lambda m, b: nad.double_occupancy(m, b, [0.0, 1.0], method="markov"),
    lambda m, b: nad.tcl_generator(m, b, [1.0], method="none"),
])
def test_unknown_method(mb, call):
    """An unknown method string is rejected, naming the allowed 'exact' (Eq. (24)) and 'epa'
    (Eq. (53))."""
    m, b = mb
    with pytest.raises(ValueError, match=r"method must be 'exact' or 'epa'"):
        call(m, b)


@pytest.mark.parametrize("call", [
    lambda m, b: nad.propagator(m, [1.0], method="epa", convention="gold"),
    lambda m, b: nad.correlation_matrix(m, b, [1.0], method="epa", convention="Shifted"),
    lambda m, b: nad.asymptotic_rates(m, b, convention="exact"),
    lambda m, b: nad.nu_infinity(m, b, convention="x"),
    lambda m, b: lambda_plus(m, b, [1.0], convention="bare"),
])
def test_unknown_convention(mb, call):
    """An unknown EPA convention is rejected, naming 'shifted' (Eq. (36)) and 'golden'
    (Gamma_j = 2 pi J_N(E_j), Eq. (55))."""
    m, b = mb
    with pytest.raises(ValueError, match=r"convention must be 'shifted'.*'golden'"):
        call(m, b)


@pytest.mark.parametrize("call", [
    lambda m, b: nad.correlation_matrix(m, b, [0.0, 1.0]),
    lambda m, b: nad.double_occupancy(m, b, [0.0, 1.0]),
    lambda m, b: nad.tcl_generator(m, b, [1.0]),
    lambda m, b: lambda_plus(m, b, [1.0]),
])
def test_batch_baths_rejected_by_time_dependent_functions(mb, call):
    """Array-valued Baths (a parameter grid) in a time-dependent function (Eqs. (29)-(31), (47),
    (54)): rejected, naming scalar Baths (the steady-state functions (32), (43) accept grids)."""
    m, _ = mb
    grid = nad.Baths(0.1, 0.1, np.array([0.0, 1.0, 2.0]), 0.0)
    with pytest.raises(ValueError, match=r"scalar Baths"):
        call(m, grid)
    # the same grid is fine for the vectorised steady-state functions
    assert nad.steady_state(m, grid).shape == (3, 2, 2)
    assert nad.currents(m, grid).particle.shape == (3,)


@pytest.mark.parametrize("call", [
    lambda m: nad.steady_state(m, {"T_L": 0.1}),
    lambda m: nad.currents(m, None),
    lambda m: nad.asymptotic_rates(m, (0.1, 0.1, 0.0, 0.0)),
    lambda m: nad.correlation_matrix(m, "baths", [0.0]),
])
def test_baths_must_be_a_Baths_instance(mb, call):
    """A non-Baths object where the lead states of Eq. (20) are expected is rejected by name."""
    m, _ = mb
    with pytest.raises(ValueError, match=r"Baths"):
        call(m)
