"""A paginator for the admin lists of very large tables (takedowns, fraud removals).

Django's admin counts the rows of the list on every page (SELECT COUNT(*) over the
whole, possibly filtered, table): at a million rows that is the slowest query of the
page. This paginator counts at most `limit` rows (a COUNT over a LIMITed subquery, which
stops early) so a page costs the same at a thousand rows or at ten million; beyond the
limit the list offers the pages up to the limit, and filters narrow it down.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        limit = settings.INCIDENTS_ADMIN_COUNT_LIMIT
        return self.object_list[: limit + 1].count()

    @property
    def limit(self) -> int:
        return settings.INCIDENTS_ADMIN_COUNT_LIMIT

    @property
    def capped(self) -> bool:
        return self.count > self.limit
