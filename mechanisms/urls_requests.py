"""URL patterns of the requests mechanism pages (included by mechanisms/urls.py)."""

urlpatterns: list = []
