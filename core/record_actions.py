"""Actions on a record's own admin page: a button per workflow step the user may take now,
each opening a small page with what the step needs (a reason, a level) and what the system
proposes, then calling the app's domain function. The views stay thin: the permission and
the availability of a step are asked of the action, the decision is the domain function's.

An admin declares `get_record_actions(request, obj) -> list[RecordAction]`; the mixin adds
the URL `<id>/actie/<name>/`, the buttons on the change page and the page of each action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse


@dataclass
class RecordAction:
    name: str  # in the URL
    label: Any  # the button
    form_class: type[forms.Form]
    run: Callable[[Any, Any, dict[str, Any]], Any]  # (obj, user, cleaned_data): the domain function
    success: Any  # the message after it
    intro: list[Any] = field(default_factory=list)  # lines shown above the form (a proposal, its reasons)
    initial: dict[str, Any] = field(default_factory=dict)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """A domain function's refusal, on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class RecordActionsMixin:
    """For a WaarborgAdmin: the record's workflow steps as buttons on its change page."""

    change_form_template = "admin/waarborg/change_form_actions.html"

    def get_record_actions(self, request: HttpRequest, obj: Any) -> list[RecordAction]:
        return []

    def _url_name(self, suffix: str) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        return f"{opts.app_label}_{opts.model_name}_{suffix}"

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<path:object_id>/actie/<slug:action>/",
                self.admin_site.admin_view(self.record_action_view),  # type: ignore[attr-defined]
                name=self._url_name("record_action"),
            )
        ]
        return own + super().get_urls()  # type: ignore[misc]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        buttons = []
        if obj is not None:
            name = self._url_name("record_action")
            buttons = [
                (action.label, reverse(f"admin:{name}", args=[obj.pk, action.name]))
                for action in self.get_record_actions(request, obj)
            ]
        extra_context = {**(extra_context or {}), "record_actions": buttons}
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def record_action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)  # type: ignore[attr-defined]
        if not self.has_view_or_change_permission(request, obj):  # type: ignore[attr-defined]
            raise PermissionDenied
        chosen = next((a for a in self.get_record_actions(request, obj) if a.name == action), None)
        if chosen is None:
            raise PermissionDenied  # a step this user may not take, or not now (a crafted URL or POST)
        form = chosen.form_class(request.POST if request.method == "POST" else None, initial=chosen.initial)
        if request.method == "POST" and form.is_valid():
            try:
                chosen.run(obj, request.user, form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                self.message_user(request, chosen.success, messages.SUCCESS)  # type: ignore[attr-defined]
                opts = self.model._meta  # type: ignore[attr-defined]
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": self.model._meta,  # type: ignore[attr-defined]
            "original": obj,
            "form": form,
            "action": chosen,
            "title": chosen.label,
        }
        return TemplateResponse(request, "admin/waarborg/record_action.html", context)
