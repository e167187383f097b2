"""Organizations, users, roles and tokens."""
