"""Every model of the app has an admin, an API endpoint and a FilterSet (NetBox's meta-test)."""

import pytest
from django.apps import apps
from django.contrib import admin
from rest_framework.routers import DefaultRouter

from incidents import filters
from incidents.api.urls import register

MODELS = list(apps.get_app_config("incidents").get_models())


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_has_an_admin_an_api_endpoint_and_a_filterset(model):
    assert admin.site.is_registered(model)
    router = DefaultRouter()
    register(router)
    assert model in {viewset.queryset.model for _prefix, viewset, _name in router.registry}
    assert any(getattr(getattr(f, "Meta", None), "model", None) is model for f in vars(filters).values())
