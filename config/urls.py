from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

import accounts.api.urls
import compliance.api.urls
import core.api.urls
import incidents.api.urls
import organisation.api.urls
import privacy.api.urls
import reports.api.urls
from core.api.v2 import V2_NAMESPACE, ApiV2Router, without_trailing_slash
from core.views import health
from reports.admin_import import import_year_view
from reports.views import dossier_page, home

API_APPS = [
    organisation.api.urls,
    core.api.urls,
    compliance.api.urls,
    incidents.api.urls,
    privacy.api.urls,
    reports.api.urls,
    accounts.api.urls,
]

router = DefaultRouter()
for api_module in API_APPS:
    api_module.register(router)

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so no script runs inline; Swagger UI
    # does set style attributes, so this one page (which takes no personal data) allows them.
    path(
        "docs/",
        csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="docs",
    ),
    *[path("", include(api_module.urlpatterns)) for api_module in API_APPS],
    *router.urls,
]

# Version 2 (NL API Design Rules): the same viewsets and views, without trailing slashes.
router_v2 = ApiV2Router()
for api_module in API_APPS:
    api_module.register(router_v2)

api_v2 = [
    path("openapi.json", SpectacularAPIView.as_view(renderer_classes=[OpenApiJsonRenderer]), name="openapi"),
    *[pattern for api_module in API_APPS for pattern in without_trailing_slash(api_module.urlpatterns)],
    *router_v2.urls,
]

urlpatterns = [
    path("health/", health, name="health"),
    path("api/v1/", include(api_v1)),
    path("api/v2/", include((api_v2, V2_NAMESPACE))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/jaarimport/<slug:register>/", admin.site.admin_view(import_year_view), name="import-year"),
    path("admin/", admin.site.urls),
    path("", home, name="home"),
    path("controls/dossier/", dossier_page, name="dossier"),
    path("", include("accounts.urls")),
    path("", include("compliance.urls")),
    path("", include("incidents.urls")),
    path("", include("privacy.urls")),
    path("", include("reports.urls")),
]

handler500 = "core.views.server_error"
