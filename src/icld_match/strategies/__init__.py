"""Ways to find plans: greedy construction, decomposition, the exact model, solve()."""
