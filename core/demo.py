"""The demo orchestrator: `manage.py load_demo` runs every loader that the apps register, in
order; each loader is idempotent (get_or_create / update_or_create on natural keys). Apps
also register who may log in to the demo, so that `load_demo` can print it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

Loader = Callable[[], None]
_loaders: list[tuple[int, str, Loader]] = []


def register_demo(order: int) -> Callable[[Loader], Loader]:
    """Decorator: run this loader in `load_demo`, after those with a lower order."""

    def decorator(func: Loader) -> Loader:
        name = f"{func.__module__}.{func.__qualname__}"
        if name not in {n for _o, n, _f in _loaders}:
            _loaders.append((order, name, func))
        return func

    return decorator


def load_all() -> None:
    for _order, _name, loader in sorted(_loaders, key=lambda item: item[:2]):
        with transaction.atomic():
            loader()


Logins = Callable[[], list[tuple[str, str, str, str]]]
_login_sources: list[Logins] = []


def register_logins(source: Logins) -> Logins:
    """Decorator: `source()` gives (username, password, role, start page) of demo users."""
    if source not in _login_sources:
        _login_sources.append(source)
    return source


def demo_logins() -> list[tuple[str, str, str, str]]:
    return [login for source in _login_sources for login in source()]
