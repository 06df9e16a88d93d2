"""Writes of the mechanisms, one module per mechanism (keyword-only, atomic, audited)."""
