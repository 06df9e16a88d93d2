"""URL patterns of the dispatch mechanism pages (included by mechanisms/urls.py)."""

urlpatterns: list = []
