from rest_framework.pagination import CursorPagination


class TakedownCursor(CursorPagination):
    """No COUNT at all: the next page starts after the last row seen (index takedown_reported_idx)."""

    ordering = ("-reported_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 1000


class FraudRemovalCursor(CursorPagination):
    """No COUNT at all: the next page starts after the last row seen (index fraud_removed_idx)."""

    ordering = ("-removed_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 1000
