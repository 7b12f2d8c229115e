"""A provider module with a bug (it imports something that does not exist)."""

import nowhere_at_all  # noqa: F401


def figures(year: int) -> dict[str, int]:
    return {}
