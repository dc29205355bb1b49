"""Physical constants of the accurate model: the same for every room (sources in docs/thermal.md)."""

GRAVITY_MS2 = 9.81
BETA_1K = 3.4e-3            # thermal expansion of air near 20 degC
NU_M2S = 1.516e-5           # kinematic viscosity of air
PR, PR_T = 0.7, 0.85        # molecular and turbulent Prandtl numbers
C_MU, C_1, C_2, SIGMA_K, SIGMA_EPS = 0.09, 1.44, 1.92, 1.0, 1.3   # Launder & Spalding (1974)
KAPPA, E_WALL = 0.41, 9.8   # log law
Y_PLUS_LAM = 11.225
# Inflow turbulence (tiles, rack exhausts, in-row supplies): k = 1.5 (I U)^2,
# epsilon = C_mu^0.75 k^1.5 / L, the CFD reference's own inlet values.
INLET_INTENSITY = 0.10      # turbulence intensity
INLET_LENGTH_M = 0.05       # mixing length
# The start of k and epsilon, as in the CFD reference's initial fields.
START_K_M2S2 = 1.35e-3      # initial k
START_EPS_M2S3 = 1.63009e-4 # initial epsilon
