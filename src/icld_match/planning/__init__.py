"""Changes to a planned season: change records, re-planning and what-if."""
