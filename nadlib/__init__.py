"""nadlib: the executable edition of Mitchison & Plenio, New J. Phys. 20, 033005 (2018).

The numerics import numpy and scipy only.  Plotting (`nadlib.figures`) needs matplotlib and the
explorers (`nadlib.widgets`) need ipywidgets: install the extras ``nadlib[plot]`` or
``nadlib[widgets]``; neither is imported here.
"""
from .model import (Model, Baths, spectral_density, fermi, bose, occupation, loss_rates, check_baths,
                    check_times, check_correlation_matrix, check_double_occupancy)

__version__ = "0.2.0"
from .spectral import propagator, residue_weight
from .exact import (correlation_matrix, double_occupancy, steady_state, tcl_generator,
                    equilibrium_populations)
from .epa import asymptotic_rates, lambda_plus, u_envelope, error_bound
from .transport import (Currents, transmission, transmission_weak, currents, current_from_coherence,
                        boundary_currents, entropy_production)
from .anm import nu, nu_infinity, nu_map_mu, nu_map_T
from .chain import FiniteChain
from . import fock
# The Fock-space layer keeps its own namespace: fock.steady_density_matrix (a 4x4 rho) and
# fock.dissipator_from_rates (a 16x16 superoperator) are distinct from nad.steady_state (the
# correlation matrix C(inf) of Eq. (32)) and from the module nad.dissipator.
from .fock import (annihilators, mode_operators, vec, unvec, spre, spost, sprepost, commutator_super,
                   lindblad_dissipator, adjoint, choi_matrix, hamiltonian_from_matrix, generator,
                   correlation_from_rho, double_occupancy_from_rho, gaussian_state,
                   state_from_correlations, fixed_points, CanonicalForm, canonical_form, expect,
                   von_neumann_entropy, relative_entropy_production)
from . import dissipator
from .dissipator import decompose, decompose_local
from . import markov
from .markov import (master_equation, lindblad_generator, lindblad_steady_state, lindblad_currents,
                     to_qutip)
from . import counting
from .counting import cumulants, noise, energy_cumulants, fano_factor, lindblad_cumulants
