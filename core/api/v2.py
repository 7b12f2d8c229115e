"""Version 2 of the API, after the NL API Design Rules (ADR 2.1), served by the same viewsets
as version 1:

- paths without a trailing slash and in kebab-case (`ApiV2Router`, `without_trailing_slash`);
- query keys in lowerCamelCase, translated to the filters' snake_case names on the way in
  (`ApiVersionMiddleware`), a snake_case key is refused;
- an `API-Version` header with the full version on every response;
- every 4xx and 5xx as `application/problem+json` (RFC 9457), with `invalidParams` for
  validation errors;
- the OpenAPI schema with contact, https servers and all of the above (`versioned_schema`).

Version 1 stays as it was, with a `Deprecation` header and its operations marked deprecated.
Response and request bodies keep their snake_case field names in both versions."""

import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import URLPattern, path
from django.urls.resolvers import RoutePattern
from django.utils.translation import gettext as _
from drf_spectacular.settings import spectacular_settings
from rest_framework.routers import Route, SimpleRouter, escape_curly_brackets

from core.api.versioning import V2_NAMESPACE

API_V2_VERSION = "2.0.0"
V1_PREFIX = "/api/v1/"
V2_PREFIX = "/api/v2/"
# RFC 9745: the moment version 1 was deprecated (2026-11-30T00:00:00Z), as a structured date.
V1_DEPRECATION = "@1795996800"
PROBLEM_JSON = "application/problem+json"
_PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance"}

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


def to_snake(key: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", key).lower()


def to_camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# --- routing -------------------------------------------------------------------------------


class ApiV2Router(SimpleRouter):
    """The viewsets' routes without a trailing slash, and extra actions in kebab-case."""

    def __init__(self) -> None:
        super().__init__(trailing_slash=False)

    def _get_dynamic_route(self, route: Route, action: Any) -> Route:
        initkwargs = route.initkwargs.copy()
        initkwargs.update(action.kwargs)
        # underscores outside regular expression group names become hyphens
        url_path = re.sub(r"_(?![^<]*>)", "-", escape_curly_brackets(action.url_path))
        return Route(
            url=route.url.replace("{url_path}", url_path),
            mapping=action.mapping,
            name=route.name.replace("{url_name}", action.url_name),
            detail=route.detail,
            initkwargs=initkwargs,
        )


def without_trailing_slash(patterns: list) -> list:
    """The same views under the same names, without the trailing slash of their route."""
    result = []
    for pattern in patterns:
        assert isinstance(pattern, URLPattern) and isinstance(pattern.pattern, RoutePattern), pattern
        route = str(pattern.pattern).rstrip("/")
        result.append(path(route, pattern.callback, pattern.default_args, pattern.name))
    return result


# --- requests and responses ---------------------------------------------------------------


def _flatten(errors: Any, prefix: str, camel: bool) -> list[dict[str, str]]:
    """DRF's nested validation errors as a flat list of {name, reason}."""
    if isinstance(errors, dict):
        params = []
        for key, value in errors.items():
            name = to_camel(str(key)) if camel else str(key)
            params += _flatten(value, f"{prefix}.{name}" if prefix else name, camel)
        return params
    if isinstance(errors, list):
        if all(not isinstance(item, dict | list) for item in errors):
            return [{"name": prefix, "reason": str(item)} for item in errors]
        params = []
        for index, item in enumerate(errors):
            params += _flatten(item, f"{prefix}[{index}]", camel)
        return params
    return [{"name": prefix, "reason": str(errors)}]


def problem(status: int, request: HttpRequest, detail: str | None = None, **members: Any) -> dict[str, Any]:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail or title}
    body["instance"] = request.path
    body.update(members)
    return body


def _problem_from(response: HttpResponse, request: HttpRequest) -> dict[str, Any]:
    data = getattr(response, "data", None)
    if data is None and response.get("Content-Type", "").startswith("application/json"):
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
    status = response.status_code
    if isinstance(data, dict) and "detail" in data:
        extra = {to_camel(k): v for k, v in data.items() if to_camel(k) not in _PROBLEM_MEMBERS}
        return problem(status, request, str(data["detail"]), **extra)
    if isinstance(data, dict | list) and data:
        # validation errors of query parameters carry the filters' names: give them back in camelCase
        camel = request.method in ("GET", "HEAD")
        invalid = _flatten(data if isinstance(data, dict) else {"non_field_errors": data}, "", camel)
        return problem(status, request, _("Een of meer invoerwaarden zijn ongeldig."), invalidParams=invalid)
    return problem(status, request)


def problem_response(body: dict[str, Any], headers: Any = ()) -> HttpResponse:
    response = HttpResponse(json.dumps(body, default=str), status=body["status"], content_type=PROBLEM_JSON)
    for name, value in headers:
        if name.lower() not in ("content-type", "content-length", "content-disposition"):
            response[name] = value
    return response


class ApiVersionMiddleware:
    """Version 2: camelCase query keys in, API-Version and problem+json out. Version 1: a
    Deprecation header, nothing else changes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(V1_PREFIX):
            response = self.get_response(request)
            response["Deprecation"] = V1_DEPRECATION
            response["Link"] = f'<{V2_PREFIX}openapi.json>; rel="successor-version"'
            return response
        if not request.path.startswith(V2_PREFIX):
            return self.get_response(request)
        refused = self._translate_query(request)
        response = refused or self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(PROBLEM_JSON):
            response = problem_response(_problem_from(response, request), response.items())
        response["API-Version"] = API_V2_VERSION
        return response

    @staticmethod
    def _translate_query(request: HttpRequest) -> HttpResponse | None:
        """pageSize=10&dueFrom=… reaches the views as page_size=10&due_from=…; the query string
        itself (and so the links in `next` and `previous`) keeps the client's keys."""
        snake = [key for key in request.GET if "_" in key]
        if snake:
            invalid = [
                {"name": key, "reason": _("Gebruik lowerCamelCase: %(name)s") % {"name": to_camel(key)}}
                for key in snake
            ]
            detail = _("Parameters in de query heten in lowerCamelCase.")
            return problem_response(problem(400, request, detail, invalidParams=invalid))
        translated = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            translated.setlist(to_snake(key), values)
        translated._mutable = False
        request.GET = translated
        return None


# --- schema --------------------------------------------------------------------------------

_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_PROBLEM_STATUSES = ("400", "401", "403", "404", "429", "500")


def versioned_schema(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular postprocessing hook: the v1 schema marked deprecated, the v2 schema
    after the ADR (`manage.py spectacular --api-version v2`, `/api/v2/openapi.json`)."""
    if getattr(generator, "api_version", None) == V2_NAMESPACE:
        return _schema_v2(result)
    result["info"]["version"] = spectacular_settings.VERSION  # not "1.0.0 (v1)": as before versioning
    for item in result.get("paths", {}).values():
        for method in _HTTP_METHODS:
            if method in item:
                item[method]["deprecated"] = True
    result["info"]["description"] = (
        result["info"].get("description", "") + " Deprecated: use /api/v2/ (see /api/v2/openapi.json)."
    ).strip()
    return result


def _schema_v2(result: dict) -> dict:
    result["info"]["version"] = API_V2_VERSION
    result["info"]["contact"] = {
        "name": settings.API_CONTACT_NAME,
        "url": settings.API_CONTACT_URL,
        "email": settings.API_CONTACT_EMAIL,
    }
    base = settings.API_SERVER_URL.rstrip("/") + V2_PREFIX.rstrip("/")
    result["servers"] = [{"url": base, "description": "Waarborg API v2"}]
    prefix = V2_PREFIX.rstrip("/")
    result["paths"] = {
        (p[len(prefix) :] if p.startswith(prefix) else p) or "/": item for p, item in result.get("paths", {}).items()
    }
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(_PROBLEM_SCHEMAS)
    components["headers"] = {
        "API-Version": {
            "description": "De volledige versie van de API",
            "required": True,
            "schema": {"type": "string", "example": API_V2_VERSION},
        }
    }
    version_header = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
    components["responses"] = {
        "Problem": {
            "description": "Probleem (RFC 9457)",
            "headers": version_header,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    }
    tags: set[str] = set()
    for item in result["paths"].values():
        for method in _HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tags.update(operation.get("tags", []))
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    parameter["name"] = to_camel(parameter["name"])
            responses = operation.setdefault("responses", {})
            for status, response in list(responses.items()):
                if status[:1] in ("4", "5"):
                    responses[status] = {"$ref": "#/components/responses/Problem"}
                elif "$ref" not in response:
                    response.setdefault("headers", {}).update(version_header)
            for status in _PROBLEM_STATUSES:
                responses.setdefault(status, {"$ref": "#/components/responses/Problem"})
    result["tags"] = [{"name": tag} for tag in sorted(tags)]
    # drf-spectacular's example links of a cursor page end in a stray quote
    for schema in components["schemas"].values():
        for link in ("next", "previous"):
            example = schema.get("properties", {}).get(link, {}).get("example")
            if isinstance(example, str):
                schema["properties"][link]["example"] = example.replace('"', "").replace("http://", "https://")
    return result


_PROBLEM_SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference", "example": "about:blank"},
            "title": {"type": "string", "example": "Bad Request"},
            "status": {"type": "integer", "format": "int32", "minimum": 400, "maximum": 599, "example": 400},
            "detail": {"type": "string"},
            "instance": {"type": "string", "format": "uri-reference"},
            "invalidParams": {"type": "array", "items": {"$ref": "#/components/schemas/InvalidParam"}},
        },
    },
    "InvalidParam": {
        "type": "object",
        "required": ["name", "reason"],
        "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
    },
}
