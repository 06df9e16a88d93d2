"""Admin pages of the dispatch mechanism (imported by mechanisms/admin.py)."""
