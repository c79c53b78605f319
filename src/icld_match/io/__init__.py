"""Reading and writing files: JSON problems, allocations and changes."""
