"""Who is calling: bearer tokens (and later sessions), the principal, and the guards."""
