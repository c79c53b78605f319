"""Reading problems and plans: the independent check, pre-checks, diagnosis, explanation."""
