"""Views of the mechanisms app."""
