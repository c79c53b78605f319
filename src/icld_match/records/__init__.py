"""Records: the pydantic schema, cross-record validation, errors and the result."""
