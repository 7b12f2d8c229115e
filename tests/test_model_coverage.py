"""Every domain model has an admin, change history and an API endpoint, unless it is
exempted here with the reason."""

import importlib

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib import admin
from django_filters import FilterSet

from config.urls import router

DOMAIN_APPS = ["core", "organisation", "compliance", "incidents", "privacy", "reports"]

# model label -> why it has no admin of its own
NO_ADMIN: dict[str, str] = {}
# model label -> why it has no API endpoint of its own
NO_API = {
    "core.historyseal": "its hash is part of each record at /api/v1/history/",
}
# model label -> why it has no FilterSet
NO_FILTERSET = {
    "core.historyseal": "read through /api/v1/history/, which has the filters",
}
# model label -> why its changes are not in the change history
NO_HISTORY = {
    "core.event": "it is itself a record of what happened",
    "core.historyseal": "it seals the history itself",
    "core.reminder": "it is itself the record of each reminder sent",
}


def domain_models():
    for label in DOMAIN_APPS:
        yield from apps.get_app_config(label).get_models()


def model_ids():
    return [m._meta.label_lower for m in domain_models()]


@pytest.mark.parametrize("model", list(domain_models()), ids=model_ids())
def test_every_domain_model_has_an_admin(model):
    if model._meta.label_lower in NO_ADMIN:
        pytest.skip(NO_ADMIN[model._meta.label_lower])
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", list(domain_models()), ids=model_ids())
def test_every_domain_model_keeps_its_change_history(model):
    if model._meta.label_lower in NO_HISTORY or model._meta.app_label == "reports":
        pytest.skip(NO_HISTORY.get(model._meta.label_lower, "reports keeps no domain records"))
    assert auditlog.contains(model)


@pytest.mark.parametrize("model", list(domain_models()), ids=model_ids())
def test_every_domain_model_has_an_api_endpoint(model):
    if model._meta.label_lower in NO_API:
        pytest.skip(NO_API[model._meta.label_lower])
    served = set()
    for _prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        serializer = getattr(viewset, "serializer_class", None)
        served.add(queryset.model if queryset is not None else serializer.Meta.model)
    assert model in served


def filtersets():
    models = set()
    for label in DOMAIN_APPS:
        module = importlib.import_module(f"{label}.filters")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, FilterSet) and value._meta.model:
                models.add(value._meta.model)
    return models


@pytest.mark.parametrize("model", list(domain_models()), ids=model_ids())
def test_every_domain_model_has_a_filterset(model):
    if model._meta.label_lower in NO_FILTERSET:
        pytest.skip(NO_FILTERSET[model._meta.label_lower])
    assert model in filtersets()
