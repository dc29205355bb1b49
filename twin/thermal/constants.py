"""Physical constants of the accurate model: the same for every room (sources in docs/thermal.md)."""

GRAVITY_MS2 = 9.81
BETA_1K = 3.4e-3            # thermal expansion of air near 20 degC
NU_M2S = 1.516e-5           # kinematic viscosity of air
PR, PR_T = 0.7, 0.85        # molecular and turbulent Prandtl numbers
C_MU, C_1, C_2, SIGMA_K, SIGMA_EPS = 0.09, 1.44, 1.92, 1.0, 1.3   # Launder & Spalding (1974)
KAPPA, E_WALL = 0.41, 9.8   # log law
Y_PLUS_LAM = 11.225
INLET_INTENSITY = 0.05      # turbulence intensity of tile supply and rack exhaust
INLET_LENGTH_M = 0.02      # inflow eddy size: the scale of tile perforations and fan outlets
