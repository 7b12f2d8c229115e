"""Every list of core, organisation, compliance, incidents, privacy and reports can be exported: each ModelAdmin
has the export buttons on its changelist, each API list viewset streams `?format=`."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from config.urls import router
from core.admin_export import ExportMixin
from core.api.export import ExportListMixin

APPS = {"core", "organisation", "compliance", "incidents", "privacy", "reports"}

# ModelAdmins deliberately without an export, with the reason. None at the moment.
ADMINS_WITHOUT_EXPORT: dict[str, str] = {}
# List viewsets deliberately without the streamed export, with the reason. None at the moment.
VIEWSETS_WITHOUT_EXPORT: dict[str, str] = {}

MODEL_ADMINS = sorted(
    (f"{model._meta.app_label}.{model._meta.model_name}", model_admin)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in APPS
)
LIST_VIEWSETS = sorted((prefix, viewset) for prefix, viewset, _basename in router.registry if hasattr(viewset, "list"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_lists_are_found():
    assert len(MODEL_ADMINS) > 30
    assert len(LIST_VIEWSETS) > 30
    assert {name.split(".")[0] for name, _ma in MODEL_ADMINS} == APPS


@pytest.mark.parametrize(("name", "model_admin"), MODEL_ADMINS, ids=[name for name, _ma in MODEL_ADMINS])
def test_every_model_admin_exports_its_changelist(name, model_admin, admin_client):
    if name in ADMINS_WITHOUT_EXPORT:
        pytest.skip(ADMINS_WITHOUT_EXPORT[name])
    assert isinstance(model_admin, ExportMixin)
    app_label, model_name = name.split(".")
    page = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert page.status_code == 200
    # The buttons are on the page, whichever changelist template the admin uses.
    assert f"/admin/{app_label}/{model_name}/export/?_format=csv" in page.content.decode()


@pytest.mark.parametrize(("prefix", "viewset"), LIST_VIEWSETS, ids=[prefix for prefix, _v in LIST_VIEWSETS])
def test_every_list_viewset_streams_its_exports(prefix, viewset):
    if viewset.__module__.split(".")[0] not in APPS or prefix in VIEWSETS_WITHOUT_EXPORT:
        pytest.skip(VIEWSETS_WITHOUT_EXPORT.get(prefix, "not one of the four apps"))
    assert issubclass(viewset, ExportListMixin)
