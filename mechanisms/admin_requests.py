"""Admin pages of the requests mechanism (imported by mechanisms/admin.py)."""
