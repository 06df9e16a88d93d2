"""Views of the branches app."""
