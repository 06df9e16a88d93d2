"""Admin pages of the problems mechanism (imported by mechanisms/admin.py)."""
