"""nadlib: the executable edition of Mitchison & Plenio, New J. Phys. 20, 033005 (2018)."""
from .model import Model, Baths, spectral_density, fermi

__version__ = "0.1.0"
from .spectral import propagator, residue_weight
from .exact import (correlation_matrix, double_occupancy, steady_state, tcl_generator,
                    equilibrium_populations)
from .epa import asymptotic_rates, lambda_plus, u_envelope, error_bound
from .transport import (Currents, transmission, transmission_weak, currents, current_from_coherence,
                        boundary_currents, entropy_production)
from .anm import nu, nu_infinity, nu_map_mu, nu_map_T
from .chain import FiniteChain
from . import fock
# fock.steady_state and fock.dissipator stay in the submodule: nad.steady_state is the exact C(inf) of
# Eq. (32), and nad.dissipator is the module dissipator.py.
from .fock import (annihilators, mode_operators, vec, unvec, spre, spost, sprepost, commutator_super,
                   lindblad_dissipator, adjoint, choi_matrix, hamiltonian_from_matrix, generator,
                   correlation_from_rho, double_occupancy_from_rho, gaussian_state,
                   state_from_correlations, fixed_points, CanonicalForm, canonical_form, expect,
                   von_neumann_entropy, relative_entropy_production)
from . import dissipator
from .dissipator import decompose, decompose_local
