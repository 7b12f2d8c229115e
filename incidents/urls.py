"""Pages of this app (not the admin, not the API)."""

urlpatterns: list = []
