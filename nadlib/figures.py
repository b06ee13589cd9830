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
           "fig4_data", "fig4_dynamics", "fig5_data", "fig5_anm", "fig6_network", "fig7_contours",
           "fig8_contour", "fig9_data", "fig9_bloch"]

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


# --------------------------------------------------------------------------- diagrams of the appendices

def _arrow(ax, xy_from, xy_to, color="k", lw=1.5, ms=12, **kw):
    ax.annotate("", xy=xy_to, xytext=xy_from,
                arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, mutation_scale=ms,
                                shrinkA=0, shrinkB=0, **kw))


def fig6_network(nx=6, ny=4):
    """Fig. 6 (App. A): a network S whose boundary regions V_1, V_2 couple to reservoirs B_1, B_2.

    Red arrows: a loop current, allowed in an energy eigenstate by the constraint (A10).
    Blue arrows: a source-to-sink current, which violates (A10) on the boundary sites and so
    needs coherence in the energy eigenbasis.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    X, Y = np.meshgrid(np.arange(nx), np.arange(ny))
    for x in range(nx):
        ax.plot([x, x], [0, ny - 1], color="0.75", lw=1, zorder=1)
    for y in range(ny):
        ax.plot([0, nx - 1], [y, y], color="0.75", lw=1, zorder=1)
    ax.plot(X, Y, "o", color="0.3", ms=6, zorder=3)
    for x0, name in ((0, "V_1"), (nx - 1, "V_2")):
        ax.add_patch(plt.Rectangle((x0 - 0.3, -0.35), 0.6, ny - 0.3, color="C1", alpha=0.18, zorder=0))
        ax.text(x0, -0.45, f"${name}$", ha="center", va="top", fontsize=11)
    for xc, name in ((-1.6, "B_1"), (nx - 0.4, "B_2")):
        ax.add_patch(plt.Rectangle((xc, 0), 1.0, ny - 1, color="0.55", alpha=0.35, zorder=0))
        ax.text(xc + 0.5, (ny - 1) / 2, f"${name}$", ha="center", va="center", fontsize=13)
    for y in range(ny):                                   # couplings to the reservoirs
        ax.plot([-0.6, 0], [y, y], color="0.4", lw=1, ls="--", zorder=1)
        ax.plot([nx - 1, nx - 0.4], [y, y], color="0.4", lw=1, ls="--", zorder=1)
    # red: a circulating loop around one plaquette (allowed in an eigenstate)
    cx, cy = 2, 0
    loop = [(cx, cy), (cx + 1, cy), (cx + 1, cy + 1), (cx, cy + 1), (cx, cy)]
    for p, q in zip(loop[:-1], loop[1:]):
        a = (0.8 * p[0] + 0.2 * q[0], 0.8 * p[1] + 0.2 * q[1])
        b = (0.2 * p[0] + 0.8 * q[0], 0.2 * p[1] + 0.8 * q[1])
        _arrow(ax, a, b, color="C3", lw=2)
    # blue: source-to-sink current from V_1 to V_2 along one row
    yb = ny - 1
    for x in range(nx - 1):
        _arrow(ax, (x + 0.2, yb), (x + 0.8, yb), color="C0", lw=2)
    _arrow(ax, (-0.55, yb), (-0.05, yb), color="C0", lw=2)
    _arrow(ax, (nx - 0.95, yb), (nx - 0.45, yb), color="C0", lw=2)
    ax.set_xlim(-1.8, nx + 0.8)
    ax.set_ylim(-1.0, ny - 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("network $S$: loop current (red) and boundary-driven current (blue)", fontsize=10)
    fig.tight_layout()
    return fig


def fig7_contours(Omega=1.0):
    """Fig. 7 (App. B): contours of the inverse Laplace transform (B10) in the complex z plane.

    Panel (a) shows the Bromwich line C_1 to the right of the branch cut [-i Omega, i Omega] (thick
    red).  Panel (b) shows the closed contour: C_1, the large arcs C_3 and C_5, the channel C_4 along the negative
    real axis, and C_2 around the cut (clockwise).  It encloses no singularity, and C_3 + C_4 + C_5
    vanish as R -> infinity, eps -> 0, so int_{C_1} = -int_{C_2}.
    """
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
    Rr, c, eps = 2.2 * Omega, 0.45 * Omega, 0.12 * Omega
    for ax, title in zip(axes, ("(a)", "(b)")):
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.plot([0, 0], [-Omega, Omega], color="red", lw=4, solid_capstyle="butt", zorder=3)
        ax.plot([0, 0], [-Omega, Omega], "o", color="red", ms=5, zorder=4)
        ax.text(-0.25 * Omega, Omega, r"$+i\Omega$", ha="right", va="center", fontsize=9)
        ax.text(-0.25 * Omega, -Omega, r"$-i\Omega$", ha="right", va="center", fontsize=9)
        ax.set_xlim(-1.25 * Rr, 1.25 * Rr)
        ax.set_ylim(-1.25 * Rr, 1.25 * Rr)
        ax.set_aspect("equal")
        ax.set_xlabel(r"$\mathrm{Re}\,z$")
        ax.set_ylabel(r"$\mathrm{Im}\,z$")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, loc="left")
    ax = axes[0]
    ax.plot([c, c], [-1.2 * Rr, 1.2 * Rr], color="C0", lw=2)
    _arrow(ax, (c, -0.2), (c, 0.35), color="C0")
    ax.text(c + 0.08, 0.6 * Rr, "$C_1$", color="C0", fontsize=12)
    ax = axes[1]
    h = np.sqrt(Rr ** 2 - c ** 2)
    ax.plot([c, c], [-h, h], color="C0", lw=2)                       # C_1
    _arrow(ax, (c, -0.2), (c, 0.35), color="C0")
    ax.text(c + 0.08, 0.45 * Rr, "$C_1$", color="C0", fontsize=12)
    a0, a1 = np.arctan2(h, c), np.pi - np.arcsin(eps / Rr)
    th = np.linspace(a0, a1, 100)
    ax.plot(Rr * np.cos(th), Rr * np.sin(th), color="C2", lw=2)      # C_3
    _arrow(ax, (Rr * np.cos(1.9), Rr * np.sin(1.9)), (Rr * np.cos(2.0), Rr * np.sin(2.0)), color="C2")
    ax.text(-0.9 * Rr, 0.85 * Rr, "$C_3$", color="C2", fontsize=12)
    th = np.linspace(-a1, -a0, 100)
    ax.plot(Rr * np.cos(th), Rr * np.sin(th), color="C2", lw=2)      # C_5
    _arrow(ax, (Rr * np.cos(-2.0), Rr * np.sin(-2.0)), (Rr * np.cos(-1.9), Rr * np.sin(-1.9)), color="C2")
    ax.text(-0.9 * Rr, -0.95 * Rr, "$C_5$", color="C2", fontsize=12)
    xl = -Rr * np.cos(np.arcsin(eps / Rr))
    for s in (1, -1):                                                  # C_4: the two channel lines
        ax.plot([xl, -eps], [s * eps, s * eps], color="C4", lw=2)
    _arrow(ax, (-0.7 * Rr, eps), (-0.55 * Rr, eps), color="C4")
    _arrow(ax, (-0.55 * Rr, -eps), (-0.7 * Rr, -eps), color="C4")
    ax.text(-0.62 * Rr, 0.25 * Omega, "$C_4$", color="C4", fontsize=12)
    # C_2: a racetrack around the cut, traversed clockwise, open where the channel joins
    th = np.linspace(0, np.pi, 60)
    top = np.column_stack([eps * np.cos(th), Omega + eps * np.sin(th)])
    bot = np.column_stack([-eps * np.cos(th), -Omega - eps * np.sin(th)])
    path = np.vstack([[[-eps, eps], [-eps, Omega]], top[::-1], [[eps, Omega], [eps, -Omega]],
                      bot[::-1], [[-eps, -Omega], [-eps, -eps]]])
    ax.plot(path[:, 0], path[:, 1], color="C1", lw=2)
    _arrow(ax, (-eps, 0.45 * Omega), (-eps, 0.6 * Omega), color="C1")
    _arrow(ax, (eps, 0.1 * Omega), (eps, -0.05 * Omega), color="C1")
    ax.text(0.25 * Omega, -0.55 * Omega, "$C_2$", color="C1", fontsize=12)
    ax.plot([0, Rr * np.cos(2.6)], [0, Rr * np.sin(2.6)], color="0.4", lw=0.8, ls="--")
    ax.text(0.5 * Rr * np.cos(2.6), 0.5 * Rr * np.sin(2.6) + 0.12, "$R$", fontsize=11)
    fig.tight_layout()
    return fig


def fig8_contour(m=None, j=0):
    """Fig. 8 (App. E): the contour behind the EPA in the complex omega plane.

    The band integral (24) along [-Omega, Omega] is closed by the lower semicircle C_err of radius
    Omega (traversed from +Omega to -Omega, so the closed loop runs clockwise).  The loop encloses
    the pole of the continued phi_j at E'_j - i Gamma_j/2 (solid circle), whose residue gives the
    EPA term; the arc gives err_j(t) of Eq. (E3).  The square root of J_N is continued with its
    principal branch, whose cuts run along the real axis outside the band (thin red).  The default
    model exaggerates Gamma/Omega so that the pole is visible.
    """
    if m is None:
        m = Model(h=3.5, delta=0.5, g=0.5, Gamma=1.5, Omega=10.0)
    Om = m.Omega
    w0 = m.E_shifted[j] - 0.5j * m.Gamma_j[j]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    for s in (1, -1):
        ax.plot([s * Om, s * 1.3 * Om], [0, 0], color="red", lw=2.5)
    ax.plot([-Om, Om], [0, 0], color="C0", lw=2.5)
    _arrow(ax, (-0.1 * Om, 0), (0.1 * Om, 0), color="C0", ms=16)
    th = np.linspace(0, np.pi, 200)
    ax.plot(Om * np.cos(th), -Om * np.sin(th), color="C1", lw=2.5)
    _arrow(ax, (Om * np.cos(1.45), -Om * np.sin(1.45)), (Om * np.cos(1.7), -Om * np.sin(1.7)),
           color="C1", ms=16)
    ax.text(0.62 * Om, -0.85 * Om, r"$C_{\rm err}$", color="C1", fontsize=13)
    ax.plot([w0.real], [w0.imag], "o", color="k", ms=8)
    ax.annotate(r"pole $E'_j - i\Gamma_j/2$", (w0.real, w0.imag), (w0.real + 0.12 * Om, w0.imag - 0.28 * Om),
                arrowprops=dict(arrowstyle="-", color="0.3"), fontsize=10)
    ax.text(Om, 0.06 * Om, r"$\Omega$", ha="center", fontsize=11)
    ax.text(-Om, 0.06 * Om, r"$-\Omega$", ha="center", fontsize=11)
    ax.set_xlim(-1.35 * Om, 1.35 * Om)
    ax.set_ylim(-1.15 * Om, 0.3 * Om)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\mathrm{Re}\,\omega$")
    ax.set_ylabel(r"$\mathrm{Im}\,\omega$")
    fig.tight_layout()
    return fig


def fig9_data(m=None, b=None):
    """Numbers behind Fig. 9: the Bloch vector v of the NESS and the flow u generated by L_int.

    The NESS is that of the asymptotic EPA master equation (`dissipator.steady_state_epa`).  The Bloch
    vector is that of the one-body matrix, C = (Tr C / 2) 1 + (1/2) v . sigma, in a frame turned about z
    so that C12 is real and positive (v in the xz plane): v = (2 abs(C12), 0, C11 - C22), norm(v) <= 1.  The
    paper's projections x = C12, z = (C11 - C22)/2 (A14) are v/2: the same direction.  L_int leaves C11,
    C22 unchanged and adds dC12/dt = Lambda^+_12 (Eq. (68)), so u = 2 (Re, Im) Lambda^+_12 (same frame),
    perpendicular to z.

    Returns dict with model, baths, C, v and u (3-vectors), the angle phi between u and the x axis, and
    arctan(2 Delta / Tr Gamma).
    """
    from .dissipator import steady_state_epa
    from .epa import asymptotic_rates
    if m is None:
        m = Model(h=1.0, delta=0.0, g=0.5, Gamma=0.3, Omega=10.0)
    if b is None:
        b = Baths(T_L=0.05, T_R=0.05, mu_L=2.0, mu_R=0.0)
    C = steady_state_epa(m, b)
    L12 = asymptotic_rates(m, b)[0, 1]
    rot = np.exp(-1j * np.angle(C[0, 1]))
    c12, l12 = C[0, 1] * rot, L12 * rot
    v = np.array([2 * c12.real, 2 * c12.imag, (C[0, 0] - C[1, 1]).real])
    u = np.array([2 * l12.real, 2 * l12.imag, 0.0])
    return dict(model=m, baths=b, C=C, v=v, u=u, phi=-np.angle(l12),
                phi_formula=np.arctan(2 * m.Delta / m.Gamma_golden.sum()))


def fig9_bloch(m=None, b=None, data=None):
    """Fig. 9 (App. F): the Bloch vector v of the NESS and the flow u generated by L_int.

    Left: the xz plane (v, and the x component of u drawn at its tip).  Right: the xy plane seen
    from +z, where u makes the angle phi = arctan(2 Delta / Tr Gamma) with v's projection.  u is
    scaled up for visibility.  See `fig9_data` for the normalisation.
    """
    d = data or fig9_data(m, b)
    v, u = d["v"], d["u"]
    s = 0.35 / max(np.linalg.norm(u), 1e-300)
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.4))
    th = np.linspace(0, 2 * np.pi, 300)
    for ax, (i, k), labels in ((axes[0], (0, 2), ("x", "z")), (axes[1], (0, 1), ("x", "y"))):
        ax.plot(np.cos(th), np.sin(th), color="0.5", lw=1)
        ax.axhline(0, color="0.85", lw=0.8)
        ax.axvline(0, color="0.85", lw=0.8)
        _arrow(ax, (0, 0), (v[i], v[k]), color="C0", lw=2)
        _arrow(ax, (v[i], v[k]), (v[i] + s * u[i], v[k] + s * u[k]), color="C3", lw=2)
        ax.text(v[i] / 2 - 0.12, v[k] / 2 + 0.06, r"$\mathbf{v}$", color="C0", fontsize=13)
        ax.text(v[i] + s * u[i] + 0.03, v[k] + s * u[k], r"$\mathbf{u}$", color="C3", fontsize=13)
        ax.set_xlim(-1.15, 1.15)
        ax.set_ylim(-1.15, 1.15)
        ax.set_aspect("equal")
        ax.set_xlabel(f"${labels[0]}$")
        ax.set_ylabel(f"${labels[1]}$")
    axes[0].set_title(r"(a) $xz$ plane: $\mathbf{u}\perp z$", fontsize=10)
    phi = d["phi"]
    arc = np.linspace(-phi, 0, 40)
    axes[1].plot(v[0] + 0.15 * np.cos(arc), 0.15 * np.sin(arc), color="k", lw=1)
    axes[1].text(v[0] + 0.18, -0.2, r"$\varphi$", fontsize=12)
    axes[1].set_title(rf"(b) $xy$ plane: $\varphi={np.degrees(phi):.0f}^\circ$ ($\mathbf{{u}}$ enlarged)",
                      fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- Sec. IV-V companions (chapters 4, 5)

__all__ += ["generator_departure_data", "fig_generator_departure", "fig5_mu_scan_data", "fig5_mu_scan"]


def generator_departure_data(panel="a", gt=None):
    """Exact gain matrix Lambda^+(t) of Eq. (47) against the EPA (54) up to late times, Fig. 4 parameters.

    The exact propagator G_j(t) carries a band-edge tail ~ t^{-3/2} that outlives the pole term
    p_j exp(-i E'_j t - Gamma_j t/2); G^{-1} in (47) then amplifies it and the exact generator leaves
    its plateau (book, chapter on Sec. IV).  Returns the Gamma t grid, both Lambda^+, their largest
    element-wise deviation, and |G_j|, the pole term and the tail |G_j - pole| (shape (2, nt)).
    """
    import warnings
    from .epa import lambda_plus
    from .exact import tcl_generator
    from .spectral import propagator, residue_weight
    prm = FIG4_PARAMS[panel]
    m, b = Model(**prm["model"]), Baths(**prm["baths"])
    gt = np.geomspace(0.05, 50.0, 40) if gt is None else np.asarray(gt, float)
    t = gt / m.Gamma
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)    # the tail warning is the point here
        gen = tcl_generator(m, b, t)
    Lp_epa = lambda_plus(m, b, t)
    G = propagator(m, t)
    pole = residue_weight(m)[:, None] * np.exp(-1j * np.multiply.outer(m.E_shifted - 0.5j * m.Gamma_j, t))
    k = 1j * np.diagonal(gen.H, axis1=-2, axis2=-1) + 0.5 * np.diagonal(gen.Gamma, axis1=-2, axis2=-1)
    k_epa = 1j * m.E_shifted + 0.5 * m.Gamma_j                   # -G^{-1} dG/dt of the EPA (53)
    return dict(model=m, baths=b, gt=gt, Lambda_plus=gen.Lambda_plus, Lambda_plus_epa=Lp_epa,
                deviation=np.abs(gen.Lambda_plus - Lp_epa).max(axis=(-1, -2)),
                rate_deviation=np.abs(k - k_epa).max(axis=-1),
                G=np.abs(G), pole=np.abs(pole), tail=np.abs(G - pole))


def fig_generator_departure(data=None):
    """Late-time departure of the exact generator (47): (a) pole term and band-edge tail of |G_j(t)|;
    (b) max |Lambda^+(t) - Lambda^+_EPA(t)| on log axes."""
    d = data or generator_departure_data()
    gt = d["gt"]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.8))
    m = d["model"]
    ax.semilogy(gt, d["pole"][0], "-", color="C0", label=r"pole term $|p_1e^{-iE'_1t-\Gamma_1t/2}|$")
    ax.semilogy(gt, d["tail"][0], ":", color="C0", lw=2, label=r"tail $|G_1-\mathrm{pole}|$")
    ax.semilogy(gt, m.Omega / abs(m.E_shifted[0] - 0.5j * m.Gamma_j[0]) * d["tail"][0], "--", color="C3",
                lw=1, label=r"tail $\times\,\Omega/|E'_1-i\Gamma_1/2|$")
    ax.set_xlabel(r"$\Gamma t$")
    ax.set_ylabel("magnitude")
    ax.set_title("(a) exact propagator $G_1(t)$", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    bx.loglog(gt, d["deviation"], "k.-", label=r"$\max|\Lambda^+(t)-\Lambda^+_{\rm EPA}(t)|$")
    bx.loglog(gt, d["rate_deviation"], ".-", color="C3",
              label=r"$\max_j|(i\mathbf{H}+\frac{1}{2}\boldsymbol{\Gamma})_{jj}-(iE'_j+\frac{1}{2}\Gamma_j)|$")
    bx.axhline(m.Gamma * m.Gamma / m.Omega, color="0.6", ls="--", lw=1, label=r"$\Gamma\cdot\Gamma/\Omega$")
    bx.set_xlabel(r"$\Gamma t$")
    bx.set_ylabel("deviation")
    bx.set_title("(b) exact generator (47) against the EPA", fontsize=10)
    bx.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def fig5_mu_scan_data(mu_c=None, T=None, params=FIG5_PARAMS, choices=FIG5_CHOICES):
    """Largest nu_inf/Gamma over a T_L x T_R grid (Fig. 5(c)'s window) as a function of mu_L = mu_R = mu_c.

    Default mu_c: 41 points on Fig. 5's mu range plus 13 points within +-3 Gamma of E_2.
    Returns dict(model, mu_c, T, nu_max (len(mu_c),), argmax_T (len(mu_c), 2)).
    """
    from .anm import nu_infinity
    m = Model(**params)
    if mu_c is None:
        mu_c = np.unique(np.concatenate([np.linspace(*choices["mu_range"], 41),
                                         m.E[1] + m.Gamma * np.linspace(-3, 3, 13)]))
    if T is None:
        T = np.geomspace(*choices["T_range"], 31)
    mu_c, T = np.asarray(mu_c, float), np.asarray(T, float)
    nu = nu_infinity(m, Baths(T[None, :, None], T[None, None, :], mu_c[:, None, None],
                              mu_c[:, None, None])) / m.Gamma
    flat = nu.reshape(len(mu_c), -1)
    i, k = np.unravel_index(flat.argmax(axis=1), nu.shape[1:])
    return dict(model=m, mu_c=mu_c, T=T, nu_max=flat.max(axis=1), argmax_T=np.stack([T[i], T[k]], -1))


def fig5_mu_scan(data=None):
    """max over (T_L, T_R) of nu_inf/Gamma against the common chemical potential mu_c; E_1,2 dotted."""
    d = data or fig5_mu_scan_data()
    m, mu, y = d["model"], d["mu_c"], d["nu_max"]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax.plot(mu, y, "k.-", ms=4)
    for E in m.E:
        ax.axvline(E, color="0.5", ls=":", lw=1)
    ax.set_xlabel(r"$\mu_L=\mu_R=\mu_c$")
    ax.set_ylabel(r"$\max_{T_L,T_R}\,\nu_\infty/\Gamma$")
    ax.set_title("(a) thermally driven ANM against $\\mu_c$", fontsize=10)
    near = np.abs(mu - m.E[1]) <= 3.01 * m.Gamma
    bx.plot((mu[near] - m.E[1]) / m.Gamma, y[near], "k.-")
    bx.axvline(0, color="0.5", ls=":", lw=1)
    bx.set_xlabel(r"$(\mu_c-E_2)/\Gamma$")
    bx.set_ylabel(r"$\max_{T_L,T_R}\,\nu_\infty/\Gamma$")
    bx.set_title("(b) zoom on $E_2$", fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- diagrams of Secs. II-III (chapters 2, 3)

__all__ += ["fig1_network", "fig2_model"]


def _site(ax, xy, label=None, color="0.3", r=0.22, fc="white", fontsize=11, zorder=4):
    ax.add_patch(plt.Circle(xy, r, ec=color, fc=fc, lw=1.6, zorder=zorder))
    if label:
        ax.text(xy[0], xy[1], label, ha="center", va="center", fontsize=fontsize, zorder=zorder + 1)


def _reservoir(ax, xy, w, h, label, color="0.55"):
    ax.add_patch(plt.Rectangle((xy[0] - w / 2, xy[1] - h / 2), w, h, color=color, alpha=0.3, zorder=0))
    ax.text(xy[0], xy[1], label, ha="center", va="center", fontsize=11)


def fig1_network():
    """Fig. 1 (Sec. II): an open network S of coupled sites, parts of its boundary attached to reservoirs B_alpha.

    A schematic only: each reservoir has its own temperature T_alpha and chemical potential mu_alpha, and
    exchanges energy and particles with the sites it touches (currents J_alpha into S).
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    sites = np.array([[0.0, 0.0], [1.0, 0.6], [1.0, -0.6], [2.0, 0.0], [3.0, 0.6], [3.0, -0.6], [2.0, 1.2]])
    bonds = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (3, 4), (3, 5), (4, 5), (1, 6), (6, 4)]
    ax.add_patch(plt.Rectangle((-0.45, -1.05), 3.9, 2.6, fc="C0", alpha=0.08, ec="C0", ls="--", zorder=0))
    ax.text(3.4, 1.4, "$S$", ha="right", va="top", fontsize=13, color="C0")
    for i, k in bonds:
        ax.plot(*sites[[i, k]].T, color="0.5", lw=1.2, zorder=1)
    for p in sites:
        _site(ax, p, r=0.13, fc="0.85")
    reservoirs = [((-1.6, 0.0), 0, r"$B_1$" "\n" r"$T_1,\ \mu_1$"),
                  ((4.6, 1.0), 4, r"$B_2$" "\n" r"$T_2,\ \mu_2$"),
                  ((4.6, -1.0), 5, r"$B_3$" "\n" r"$T_3,\ \mu_3$")]
    for xy, i, label in reservoirs:
        _reservoir(ax, xy, 1.2, 0.9, label)
        a = np.array(xy) + np.sign(sites[i, 0] - xy[0]) * np.array([0.62, 0.0])
        b = sites[i] - 0.18 * (sites[i] - a) / np.linalg.norm(sites[i] - a)
        _arrow(ax, a, b, color="C3", lw=1.6)
        mid = (a + b) / 2
        ax.text(mid[0], mid[1] + 0.1, rf"$J_{label[3]}$", color="C3", fontsize=10, ha="center", va="bottom")
    ax.set_xlim(-2.3, 5.3)
    ax.set_ylim(-1.6, 1.7)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig


def fig2_model():
    """Fig. 2 (Sec. III A): (a) the two-site system and its reservoirs; (b) the reservoirs as tight-binding chains.

    (a) Sites L and R with energies h_L, h_R and tunnelling g; reservoir B_alpha at T_alpha, mu_alpha feeds
    the currents J^{E,P}_alpha into S.  (b) Each reservoir is a chain A_{1,alpha}, A_{2,alpha}, ... with
    tunnelling energy Omega; the contact bond has tunnelling energy sqrt(Gamma Omega).  (The Hamiltonians
    (11) and (14) carry these as Omega/2 and sqrt(Gamma Omega)/2.)
    """
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(7.2, 3.9), gridspec_kw=dict(height_ratios=(1.15, 1)))
    # (a) system and reservoirs
    L, R = np.array([-0.8, 0.0]), np.array([0.8, 0.0])
    ax.plot([L[0], R[0]], [0, 0], color="0.3", lw=1.6, zorder=1)
    ax.text(0, 0.12, "$g$", ha="center", va="bottom", fontsize=12)
    _site(ax, L, "$h_L$", r=0.32)
    _site(ax, R, "$h_R$", r=0.32)
    ax.add_patch(plt.Rectangle((-1.35, -0.55), 2.7, 1.1, fc="C0", alpha=0.08, ec="C0", ls="--", zorder=0))
    ax.text(1.3, 0.5, "$S$", ha="right", va="top", fontsize=12, color="C0")
    _reservoir(ax, (-3.1, 0.0), 1.5, 1.1, r"$B_L$" "\n" r"$T_L,\ \mu_L$")
    _reservoir(ax, (3.1, 0.0), 1.5, 1.1, r"$B_R$" "\n" r"$T_R,\ \mu_R$")
    ax.plot([-2.35, -1.12], [0, 0], color="0.3", lw=1.2, ls="--", zorder=1)
    ax.plot([1.12, 2.35], [0, 0], color="0.3", lw=1.2, ls="--", zorder=1)
    _arrow(ax, (-2.3, 0.3), (-1.35, 0.3), color="C3")
    _arrow(ax, (2.3, 0.3), (1.35, 0.3), color="C3")
    ax.text(-1.82, 0.36, r"$J^{E,P}_L$", color="C3", ha="center", va="bottom", fontsize=10)
    ax.text(1.82, 0.36, r"$J^{E,P}_R$", color="C3", ha="center", va="bottom", fontsize=10)
    ax.set_xlim(-4.0, 4.0)
    ax.set_ylim(-0.75, 0.95)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("(a)", loc="left", fontsize=11)
    # (b) chains
    x_sys = (-0.5, 0.5)
    n_lead = 4
    xs_L = [-1.5 - k for k in range(n_lead)]
    xs_R = [1.5 + k for k in range(n_lead)]
    for xs, side in ((xs_L, "L"), (xs_R, "R")):
        for k, x in enumerate(xs):
            if k + 1 < len(xs):
                bx.plot([x, xs[k + 1]], [0, 0], color="0.5", lw=1.4, zorder=1)
                bx.text((x + xs[k + 1]) / 2, 0.1, r"$\Omega$", ha="center", va="bottom", fontsize=10)
            _site(bx, (x, 0), r=0.2, fc="0.85")
            bx.text(x, -0.3, rf"$A_{{{k + 1},{side}}}$", ha="center", va="top", fontsize=9)
        end = xs[-1] + (0.9 if side == "R" else -0.9)
        bx.text(end, 0, r"$\cdots$", ha="center", va="center", fontsize=13)
    for xc, xa in ((x_sys[0], xs_L[0]), (x_sys[1], xs_R[0])):
        bx.plot([xc, xa], [0, 0], color="C1", lw=1.8, zorder=1)
        bx.text((xc + xa) / 2, 0.1, r"$\sqrt{\Gamma\Omega}$", ha="center", va="bottom", fontsize=10, color="C1")
    bx.plot(list(x_sys), [0, 0], color="0.3", lw=1.6, zorder=1)
    bx.text(0, 0.1, "$g$", ha="center", va="bottom", fontsize=11)
    _site(bx, (x_sys[0], 0), "$c_L$", r=0.24, fontsize=10)
    _site(bx, (x_sys[1], 0), "$c_R$", r=0.24, fontsize=10)
    bx.text(-3.0, 0.62, "$B_L$", ha="center", fontsize=11)
    bx.text(3.0, 0.62, "$B_R$", ha="center", fontsize=11)
    bx.set_xlim(-6.0, 6.0)
    bx.set_ylim(-0.7, 0.9)
    bx.set_aspect("equal")
    bx.axis("off")
    bx.set_title("(b)", loc="left", fontsize=11)
    fig.tight_layout()
    return fig


# =========================================================================== bosonic reservoirs
# The chapter "Bosonic reservoirs" (beyond the paper): the bosonic counterparts of Fig. 5, also the
# data, figure and readout of nadlib.widgets.bose_anm_explorer.

__all__ += ["BOSE_ANM_DEFAULTS", "bose_anm_data", "bose_anm_figure", "bose_anm_readout"]

#: Defaults of the bosonic ANM explorer (Fig. 5's network moved to h = -9, E_j = -8.75, -9.25 near the
#: band bottom; mu-map at T = 0.1, T-map at mu = -Omega - 1e-3; 61 x 61 grids).
BOSE_ANM_DEFAULTS = dict(h=-9.0, T=0.1, gap=1e-3, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0,
                         gap_range=(1e-4, 3.0), T_range=(1e-2, 10.0), n=61)


def bose_anm_data(h=-9.0, T=0.1, gap=1e-3, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0,
                  gap_range=(1e-4, 3.0), T_range=(1e-2, 10.0), n=61):
    """nu_inf / Gamma (Eq. (82), EPA rates (55), bosonic loss Gamma + Lambda^+) with bosonic reservoirs.

    Two maps, the bosonic counterparts of Fig. 5: over the chemical potentials below the band,
    mu_alpha = -Omega - gap_alpha (log grid of gaps in `gap_range`), at T_L = T_R = T; and over
    T_L x T_R (log grid in `T_range`) at mu_L = mu_R = -Omega - gap.

    Returns
    -------
    dict with model, T, gap, gaps (n,), temps (n,), nu_mu (n, n) [gap_L, gap_R], nu_T (n, n)
    [T_L, T_R] (both nu_inf / Gamma), and the maxima with their positions
    """
    m = Model(h=h, delta=delta, g=g, Gamma=Gamma, Omega=Omega)
    gaps = np.geomspace(gap_range[0], gap_range[1], int(n))
    temps = np.geomspace(T_range[0], T_range[1], int(n))
    mu = -Omega - gaps
    nu_mu = nu_map_mu(m, mu, mu, T, statistics="bose") / m.Gamma
    nu_T = nu_map_T(m, temps, temps, -Omega - gap, statistics="bose") / m.Gamma
    i, k = np.unravel_index(int(np.argmax(nu_mu)), nu_mu.shape)
    p, q = np.unravel_index(int(np.argmax(nu_T)), nu_T.shape)
    return dict(model=m, T=float(T), gap=float(gap), gaps=gaps, temps=temps, nu_mu=nu_mu, nu_T=nu_T,
                max_mu=float(nu_mu.max()), argmax_mu=(float(gaps[i]), float(gaps[k])),
                max_T=float(nu_T.max()), argmax_T=(float(temps[p]), float(temps[q])))


def bose_anm_figure(data=None, axes=None, **params):
    """The two bosonic ANM maps side by side (log axes), nu_inf = 0 in white. Returns a Figure.

    `axes` (two Axes) draws into an existing figure, e.g. one row of a larger grid.
    """
    d = data if data is not None else bose_anm_data(**params)
    m = d["model"]
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.2))
    else:
        fig = axes[0].figure
    cmap = plt.get_cmap("viridis").with_extremes(under="white")     # nu_inf = 0: white
    panels = [(d["gaps"], d["nu_mu"], r"$-\Omega-\mu_L$", r"$-\Omega-\mu_R$",
               rf"$T_L=T_R={d['T']:.3g}$"),
              (d["temps"], d["nu_T"], r"$T_L$", r"$T_R$", rf"$\mu_L=\mu_R=-\Omega-{d['gap']:.3g}$")]
    for ax, (x, nu, xl, yl, title) in zip(axes, panels):
        vmax = max(float(nu.max()), 1e-12)
        im = ax.pcolormesh(x, x, nu.T, shading="auto", cmap=cmap, vmin=1e-9 * vmax, vmax=vmax)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.set_title(rf"$h={m.h:.3g}$: {title}", fontsize=10)
        ax.set_aspect("equal")
        fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$", format="%.1e")
    fig.tight_layout()
    return fig


def bose_anm_readout(d):
    """HTML readout: the maxima of nu_inf / Gamma on both maps and where they are."""
    gl, gr = d["argmax_mu"]
    tl, tr = d["argmax_T"]
    return (f"h = {d['model'].h:.3g}, levels E<sub>j</sub> = {d['model'].E[0]:.3g}, {d['model'].E[1]:.3g}: "
            f"max &nu;<sub>&infin;</sub>/&Gamma; = {d['max_mu']:.3g} on the &mu; map (gaps {gl:.3g}, {gr:.3g}; "
            f"&gt; 0 on {100 * float(np.mean(d['nu_mu'] > 0)):.0f}%), {d['max_T']:.3g} on the T map "
            f"(T<sub>L</sub> = {tl:.3g}, T<sub>R</sub> = {tr:.3g}; "
            f"&gt; 0 on {100 * float(np.mean(d['nu_T'] > 0)):.0f}%)")
