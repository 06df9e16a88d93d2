"""URL patterns of the problems mechanism pages (included by mechanisms/urls.py)."""

urlpatterns: list = []
