"""The CP-SAT formulation: model context, one module per rule, bounds."""
