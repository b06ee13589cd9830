"""Tests of nadlib.quadrature: the feature-placed band rule against mpmath at 30 digits.

Each reference integral is computed by mpmath.quad in the variable u (w = -Omega cos u, which makes
the square-root band edges of J_N smooth), split at the model's features, with the integrand written
out here from the paper's equations at 30-digit precision.  nadlib's value is obtained through its
public integrators (band_rule, occupation_average) or through the public function that uses them
(steady_state, equilibrium_populations, propagator).

`mpmath_comparison()` is a module-level helper: it returns one row per integral
(name, nadlib value, mpmath value, relative error); `max_relative_error()` their maximum.  The book's
reproduction table can import it.
"""
from __future__ import annotations

import functools

import mpmath as mp
import numpy as np
import pytest

import nadlib as nad
from nadlib.quadrature import band_rule, occupation_average, gauss_legendre

from conftest import FIG4, FIG5_MODEL, fig3_model

REL_TOL = 1e-10


# --------------------------------------------------------------------------- 30-digit model

class MPModel:
    """phi_j, vartheta_j, J_N and f at mpmath precision, from Eqs. (16), (19), (35)-(37)."""

    def __init__(self, h, delta, g, Gamma, Omega):
        mpf = mp.mpf
        self.h, self.delta, self.g = mpf(h), mpf(delta), mpf(g)
        self.Gamma, self.Omega = mpf(Gamma), mpf(Omega)
        self.Delta = mp.sqrt(self.g ** 2 + self.delta ** 2)
        self.E = [self.h + self.Delta / 2, self.h - self.Delta / 2]
        r = self.r = self.Gamma / self.Omega
        self.Ep = [(1 - r / 2) / (1 - r) * E for E in self.E]
        self.Gj = [mp.sqrt(1 - r - (E / self.Omega) ** 2) / (1 - r) * self.Gamma for E in self.E]
        D, d = self.Delta, self.delta
        a, b = mp.sqrt(D + d), mp.sqrt(D - d)
        s = mp.sqrt(2 * D)
        self.R = [[a / s, -b / s], [b / s, a / s]]

    def w(self, u):
        return -self.Omega * mp.cos(u)

    def J_dw(self, u):
        """J_N(w) dw/du = Gamma Omega sin^2(u) / (2 pi)."""
        return self.Gamma * self.Omega * mp.sin(u) ** 2 / (2 * mp.pi)

    def lorentz(self, j, w):
        """phi_j / J_N, Eq. (35)."""
        return 1 / (1 - self.r) / ((w - self.Ep[j]) ** 2 + self.Gj[j] ** 2 / 4)

    def theta(self, j, w):
        """vartheta_j = [(1 - Gamma/2 Omega) w - E_j] phi_j / J_N inside the band, Eq. (37)."""
        return ((1 - self.r / 2) * w - self.E[j]) * self.lorentz(j, w)

    @staticmethod
    def fermi(w, mu, T):
        mu, T = mp.mpf(mu), mp.mpf(T)
        if T == 0:
            return mp.mpf(1) if w < mu else (mp.mpf(0) if w > mu else mp.mpf(0.5))
        return 1 / (mp.exp((w - mu) / T) + 1)

    def ubreaks(self, peaks=(), steps=(), n_uniform=16):
        pts = [mp.pi * k / n_uniform for k in range(n_uniform + 1)]
        feats = list(peaks) + list(steps)
        for c, wd in feats:
            c, wd = mp.mpf(c), mp.mpf(wd)
            offs = [0] if wd == 0 else [0] + [s * mp.mpf(2) ** e for e in range(-1, 11) for s in (-1, 1)]
            for k in offs:
                x = c + k * wd
                if abs(x) < self.Omega:
                    pts.append(mp.acos(-x / self.Omega))
        return sorted(set(pts))

    def quad(self, f, peaks=(), steps=(), n_uniform=16):
        """int_{-Omega}^{Omega} f(w) dw = int_0^pi f(w(u)) Omega sin(u) du, split at features.

        Gauss-Legendre (mpmath's, degree raised until converged at the working precision) on
        panels between the breakpoints; the integrand is smooth on each panel."""
        g = lambda u: f(self.w(u)) * self.Omega * mp.sin(u)   # noqa: E731
        return mp.quad(g, self.ubreaks(peaks, steps, n_uniform), method="gauss-legendre")

    def quad_J(self, f, peaks=(), steps=(), n_uniform=16):
        """int J_N(w) f(w) dw with the smooth u-form of J_N dw."""
        g = lambda u: self.J_dw(u) * f(self.w(u))             # noqa: E731
        return mp.quad(g, self.ubreaks(peaks, steps, n_uniform), method="gauss-legendre")


def _peaks(mm):
    return [(mm.Ep[j], mm.Gj[j]) for j in range(2)]


def _np_peaks(m):
    return [(m.E_shifted[j], m.Gamma_j[j]) for j in range(2)]


# --------------------------------------------------------------------------- the integrals

def _case_normalisation():
    """Eq. (26): int phi_1 dw at the Fig. 5 parameters (Gamma/Omega = 1e-3, narrow peak)."""
    m = nad.Model(**FIG5_MODEL)
    mm = MPModel(**FIG5_MODEL)
    w, wts = band_rule(m.Omega, peaks=_np_peaks(m))
    val = np.sum(wts * m.phi(w)[0])
    ref = mm.quad_J(lambda x: mm.lorentz(0, x), peaks=_peaks(mm))
    return val, ref


def _case_fermi_T0():
    """int phi_2 Theta(mu - w) dw, T = 0, mu = E'_2 + 0.3 Gamma_2 (Fig. 5): occupation_average."""
    m = nad.Model(**FIG5_MODEL)
    mm = MPModel(**FIG5_MODEL)
    mu = float(m.E_shifted[1] + 0.3 * m.Gamma_j[1])
    val = occupation_average(m.phi, m.Omega, mu, 0.0, peaks=_np_peaks(m))[1]
    mu_mp = mp.mpf(mu)           # the step at exactly the double value nadlib uses
    ref = mm.quad_J(lambda x: mm.lorentz(1, x) * mm.fermi(x, mu_mp, 0), peaks=_peaks(mm),
                    steps=[(mu_mp, 0)])
    return val, ref


def _case_fermi_small_T():
    """Eq. (38): int phi_1 f dw at T = 0.002 (~ Gamma_1/5), mu = 1.25 ~ E_1 (Fig. 5):
    equilibrium_populations."""
    m = nad.Model(**FIG5_MODEL)
    mm = MPModel(**FIG5_MODEL)
    val = nad.equilibrium_populations(m, 0.002, 1.25)[0]
    ref = mm.quad_J(lambda x: mm.lorentz(0, x) * mm.fermi(x, 1.25, 0.002), peaks=_peaks(mm),
                    steps=[(1.25, 0.002)])
    return val, ref


def _steady_ref(mm, params, j, k):
    """Eq. (32): C_jk(inf) = int J F_jk (theta_j + i pi phi_j)(theta_k - i pi phi_k)."""
    mu = (params["mu_L"], params["mu_R"])
    T = (params["T_L"], params["T_R"])

    def f(x):
        # F_jk (theta_j + i pi phi_j)(theta_k - i pi phi_k); quad_J supplies the factor J dw
        Fjk = sum(mm.R[j][a] * mm.R[k][a] * mm.fermi(x, mu[a], T[a]) for a in range(2))
        J = mm.Gamma / (2 * mp.pi) * mp.sqrt(1 - (x / mm.Omega) ** 2)
        Aj = mm.theta(j, x) + 1j * mp.pi * J * mm.lorentz(j, x)
        Ak = mm.theta(k, x) - 1j * mp.pi * J * mm.lorentz(k, x)
        return Fjk * Aj * Ak

    return mm.quad_J(f, peaks=_peaks(mm), steps=[(mu[0], T[0]), (mu[1], T[1])])


def _case_steady_C12_fig4a():
    """Eq. (32), C_12(inf) at Fig. 4(a): steady_state (occupation_average of the (32) kernel)."""
    p = FIG4["a"]
    m, b = nad.Model(**p["model"]), nad.Baths(**p["baths"])
    mm = MPModel(**p["model"])
    return nad.steady_state(m, b)[0, 1], _steady_ref(mm, p["baths"], 0, 1)


def _case_steady_C22_fig4b():
    """Eq. (32), C_22(inf) at Fig. 4(b) (T_L = 10, T_R = 0.01): steady_state."""
    p = FIG4["b"]
    m, b = nad.Model(**p["model"]), nad.Baths(**p["baths"])
    mm = MPModel(**p["model"])
    return nad.steady_state(m, b)[1, 1].real, _steady_ref(mm, p["baths"], 1, 1).real


_T_OSC_GAMMA = 10.0    # Gamma_1 t: |G_1(t)| ~ exp(-5) ~ 7e-3; Omega t ~ 700


def _osc_setup():
    m = fig3_model(0.2)
    t = _T_OSC_GAMMA / m.Gamma_j[0]
    mm = MPModel(h=m.h, delta=m.delta, g=m.g, Gamma=m.Gamma, Omega=m.Omega)
    return m, mm, t


@functools.lru_cache(maxsize=None)
def _osc_reference():
    """Eq. (24): G_1(t) = int e^{-iwt} phi_1 dw at Omega t ~ 700 by mpmath (Gauss-Legendre panels
    of at most ~10 rad phase)."""
    m, mm, t = _osc_setup()
    tt = mp.mpf(t)
    n_uniform = int(np.ceil(m.Omega * t / np.pi))
    g = lambda u: mm.J_dw(u) * mm.lorentz(0, mm.w(u)) * mp.expj(-mm.w(u) * tt)   # noqa: E731
    return mp.quad(g, mm.ubreaks(_peaks(mm), (), n_uniform), method="gauss-legendre")


def _case_oscillatory_band_rule():
    """Eq. (24) at large t with band_rule(t_max=t): the oscillatory band integral."""
    m, mm, t = _osc_setup()
    w, wts = band_rule(m.Omega, peaks=_np_peaks(m), t_max=t)
    return np.sum(wts * m.phi(w)[0] * np.exp(-1j * w * t)), _osc_reference()


def _case_oscillatory_contour():
    """Eq. (24) at large t with the contour (pole + arc) propagator of spectral.py."""
    m, mm, t = _osc_setup()
    return nad.propagator(m, t)[0], _osc_reference()


CASES = {
    "Eq. (26) normalisation of phi_1 (Fig. 5)": _case_normalisation,
    "phi_2 x step, T = 0 (Fig. 5)": _case_fermi_T0,
    "Eq. (38) phi_1 x Fermi, T = 0.002 (Fig. 5)": _case_fermi_small_T,
    "Eq. (32) C_12(inf), Fig. 4(a)": _case_steady_C12_fig4a,
    "Eq. (32) C_22(inf), Fig. 4(b)": _case_steady_C22_fig4b,
    "Eq. (24) G_1(t), Gamma_1 t = 10, band rule": _case_oscillatory_band_rule,
    "Eq. (24) G_1(t), Gamma_1 t = 10, contour": _case_oscillatory_contour,
}


def mpmath_comparison(dps=30):
    """Rows (name, nadlib value, mpmath value, relative error) for every case in CASES."""
    rows = []
    with mp.workdps(dps):
        for name, case in CASES.items():
            val, ref = case()
            ref_c = complex(ref)
            err = abs(complex(val) - ref_c) / abs(ref_c)
            rows.append((name, complex(val), ref_c, err))
    return rows


def max_relative_error(dps=30):
    return max(r[3] for r in mpmath_comparison(dps))


# --------------------------------------------------------------------------- tests

@pytest.fixture(scope="module")
def comparison():
    return mpmath_comparison()


@pytest.mark.parametrize("name", list(CASES))
def test_band_integrals_against_mpmath(comparison, name):
    """Feature-placed quadrature vs mpmath (30 digits): relative error < 1e-10 for each integral
    (Eqs. (24), (26), (32), (38))."""
    row = dict((r[0], r) for r in comparison)[name]
    _, val, ref, err = row
    assert err < REL_TOL, f"{name}: nadlib {val!r} vs mpmath {ref!r}, relative error {err:.2e}"


def test_report_max_error_against_mpmath(comparison, report):
    """Summary of the mpmath comparison (the figure quoted in the book)."""
    for name, val, ref, err in comparison:
        print(f"{name:45s} rel. err {err:.2e}")
    worst = max(r[3] for r in comparison)
    report("quadrature: max relative error vs mpmath (dps=30)", worst)
    assert worst < REL_TOL


def test_occupation_average_array_equals_loop_of_band_rule_calls():
    """Fermi integrals of Eq. (38): occupation_average over an array of (mu, T) equals a loop of
    band_rule calls with one Fermi step each (same integrals, different node sets): relative 1e-12."""
    m = nad.Model(**FIG5_MODEL)
    mu = np.array([[0.0, 0.75, 1.0], [1.25, 1.25, 3.0]])
    T = np.array([[0.0, 0.01, 0.3], [0.002, 0.0, 0.05]])
    got = occupation_average(m.phi, m.Omega, mu, T, peaks=_np_peaks(m))       # (2, 2, 3)
    assert got.shape == (2,) + mu.shape
    for idx in np.ndindex(mu.shape):
        w, wts = band_rule(m.Omega, peaks=_np_peaks(m), steps=[(mu[idx], T[idx])])
        ref = np.sum(m.phi(w) * nad.fermi(w, mu[idx], T[idx]) * wts, axis=-1)
        np.testing.assert_allclose(got[(slice(None),) + idx], ref, rtol=1e-12, atol=1e-15)


def test_band_rule_integrates_polynomials_in_u_exactly():
    """The band rule is Gauss-Legendre in u (w = -Omega cos u): int_{-Omega}^{Omega} dw = 2 Omega and,
    with the Newns density (19), int J_N(w) w^2 dw = Gamma Omega^3 / 16 to rounding."""
    Omega, Gamma = 7.0, 0.3
    w, wts = band_rule(Omega, peaks=[(1.0, 0.01)], steps=[(0.5, 0.0)])
    np.testing.assert_allclose(np.sum(wts), 2 * Omega, rtol=1e-14)
    np.testing.assert_allclose(np.sum(wts * nad.spectral_density(w, Gamma, Omega) * w ** 2),
                               Gamma * Omega ** 3 / 16, rtol=1e-13)
    x, gw = gauss_legendre(16)
    np.testing.assert_allclose(np.sum(gw * x ** 30), 2 / 31, rtol=1e-14)
