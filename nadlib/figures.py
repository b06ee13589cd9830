"""One function per figure of the paper; each returns a matplotlib Figure.

The book and the tests call these, so a figure is computed in exactly one place.
Parameter sets are the paper's (captions of Figs. 3-5); where the paper is silent
(Fig. 5's fixed temperatures and chemical potentials) the defaults are the
book's stated choices, see the chapter on Sec. V.
"""
from __future__ import annotations

import numpy as np

import matplotlib.pyplot as plt  # noqa: E402

from .anm import nu_map_mu, nu_map_T  # noqa: E402
from .exact import correlation_matrix  # noqa: E402
from .model import Baths, Model  # noqa: E402
from .transport import transmission, transmission_weak  # noqa: E402

__all__ = ["FIG3_PARAMS", "FIG4_PARAMS", "FIG5_PARAMS", "FIG5_CHOICES", "fig3_transmission",
           "fig4_data", "fig4_dynamics", "fig5_data", "fig5_anm"]

#: Parameters of the Fig. 3 caption (h = 1, g = delta = 0.5, Omega = 10; Gamma = 0.02, 0.2, 2 Delta).
FIG3_PARAMS = dict(h=1.0, delta=0.5, g=0.5, Omega=10.0, ratios=(0.02, 0.2, 2.0))

#: Parameters of the two Fig. 4 panels (common Gamma = 0.2, Omega = 100, delta = 0.1, g = 0.5).
FIG4_PARAMS = {
    "a": dict(model=dict(h=1.0, delta=0.1, g=0.5, Gamma=0.2, Omega=100.0),
              baths=dict(T_L=0.1, T_R=0.1, mu_L=1.0, mu_R=0.0)),
    "b": dict(model=dict(h=50.0, delta=0.1, g=0.5, Gamma=0.2, Omega=100.0),
              baths=dict(T_L=10.0, T_R=0.01, mu_L=49.0, mu_R=49.0)),
}

#: Parameters of the Fig. 5 caption (h = 1, delta = 0, g = 0.5, Gamma = 0.01, Omega = 10).
FIG5_PARAMS = dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)

#: The book's choices for what the Fig. 5 caption leaves unstated (see Sec. V C).
FIG5_CHOICES = dict(T_a=0.01, T_b=0.1, mu_c=0.75, mu_range=(0.0, 2.0), T_range=(1e-3, 1.0))

_COMPONENTS = (("C_{11}", lambda C: C[..., 0, 0].real, "C0", "o"),
               ("C_{22}", lambda C: C[..., 1, 1].real, "C1", "s"),
               (r"\mathrm{Re}\,C_{12}", lambda C: C[..., 0, 1].real, "C2", "^"),
               (r"\mathrm{Im}\,C_{12}", lambda C: C[..., 0, 1].imag, "C3", "D"))


def fig3_transmission(n=1201, params=FIG3_PARAMS):
    """Fig. 3: transmission T(w) of Eq. (45) against w/Omega, with the weak-coupling form (46)."""
    p = dict(params)
    ratios = p.pop("ratios")
    Delta = np.hypot(p["g"], p["delta"])
    x = np.linspace(0.04, 0.18, n)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for r in ratios:
        m = Model(Gamma=r * Delta, **p)
        ax.plot(x, transmission(m, x * m.Omega), label=rf"$\Gamma={r:g}\Delta$")
    m = Model(Gamma=ratios[0] * Delta, **p)
    ax.plot(x, transmission_weak(m, x * m.Omega), ":", color="green", lw=2,
            label=rf"Eq. (46), $\Gamma={ratios[0]:g}\Delta$")
    ax.set_xlabel(r"$\omega/\Omega$")
    ax.set_ylabel(r"$\mathcal{T}(\omega)$")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, None)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def fig4_data(panel, n_exact=41, n_epa=401, t_end=5.0):
    """Exact points and EPA lines of Fig. 4 for panel "a" or "b".

    Returns dict with Gamma t grids and the (…, 2, 2) correlation matrices.
    """
    if panel not in FIG4_PARAMS:
        raise ValueError(f"panel must be 'a' or 'b', got {panel!r}")
    prm = FIG4_PARAMS[panel]
    m, b = Model(**prm["model"]), Baths(**prm["baths"])
    gt_exact = np.linspace(0, t_end, n_exact)
    gt_epa = np.linspace(0, t_end, n_epa)
    C_exact = correlation_matrix(m, b, gt_exact / m.Gamma)
    C_epa = correlation_matrix(m, b, gt_epa / m.Gamma, method="epa")
    C_epa_at_exact = correlation_matrix(m, b, gt_exact / m.Gamma, method="epa")
    return dict(model=m, baths=b, gt_exact=gt_exact, gt_epa=gt_epa, C_exact=C_exact,
                C_epa=C_epa, deviation=np.abs(C_exact - C_epa_at_exact).max(axis=(-1, -2)))


def fig4_dynamics(panels=("a", "b"), data=None):
    """Fig. 4: exact C(t) (points) and EPA (lines) from the vacuum, both panels, with the deviation."""
    data = data or {p: fig4_data(p) for p in panels}
    fig, axes = plt.subplots(2, len(panels), figsize=(5.2 * len(panels), 5.6), sharex=True,
                             gridspec_kw=dict(height_ratios=(3, 1)), squeeze=False)
    for col, p in enumerate(panels):
        d = data[p]
        ax, axd = axes[0, col], axes[1, col]
        for name, get, color, marker in _COMPONENTS:
            ax.plot(d["gt_epa"], get(d["C_epa"]), color=color, lw=1.4)
            ax.plot(d["gt_exact"], get(d["C_exact"]), marker, color=color, ms=3.5, ls="none",
                    label=f"${name}$")
        ax.set_title(f"({p})")
        ax.set_ylabel("correlation")
        axd.semilogy(d["gt_exact"][1:], d["deviation"][1:], "k.-", ms=3)
        axd.set_xlabel(r"$\Gamma t$")
        axd.set_ylabel(r"$\max|C-C_{\rm EPA}|$")
    axes[0, 0].legend(frameon=False, ncol=2, fontsize=8)
    fig.tight_layout()
    return fig


def fig5_data(n=201, choices=FIG5_CHOICES):
    """nu_inf / Gamma maps of Fig. 5: (a), (b) over mu_L x mu_R at T_a, T_b; (c) over T_L x T_R at mu_c."""
    m = Model(**FIG5_PARAMS)
    mu = np.linspace(*choices["mu_range"], n)
    T = np.geomspace(*choices["T_range"], n)
    return dict(model=m, mu=mu, T=T,
                a=nu_map_mu(m, mu, mu, choices["T_a"]) / m.Gamma,
                b=nu_map_mu(m, mu, mu, choices["T_b"]) / m.Gamma,
                c=nu_map_T(m, T, T, choices["mu_c"]) / m.Gamma, choices=choices)


def fig5_anm(data=None, n=201):
    """Fig. 5: asymptotic non-Markovianity nu_inf/Gamma, three panels, E_1,2 marked by dotted lines."""
    d = data or fig5_data(n)
    m, ch = d["model"], d["choices"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9))
    for ax, key, title in ((axes[0], "a", rf"(a) $T_L=T_R={ch['T_a']:g}$"),
                           (axes[1], "b", rf"(b) $T_L=T_R={ch['T_b']:g}$")):
        im = ax.pcolormesh(d["mu"], d["mu"], d[key].T, shading="auto", cmap="viridis")
        for E in m.E:
            ax.axvline(E, color="w", ls=":", lw=1)
            ax.axhline(E, color="w", ls=":", lw=1)
        ax.set_xlabel(r"$\mu_L$")
        ax.set_ylabel(r"$\mu_R$")
        ax.set_title(title)
        fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$")
    ax = axes[2]
    im = ax.pcolormesh(d["T"], d["T"], d["c"].T, shading="auto", cmap="viridis")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$T_L$")
    ax.set_ylabel(r"$T_R$")
    ax.set_title(rf"(c) $\mu_L=\mu_R={ch['mu_c']:g}$")
    fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$")
    fig.tight_layout()
    return fig
