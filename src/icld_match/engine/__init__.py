"""The anytime engine: proven bounds and plans for problems of every size."""
