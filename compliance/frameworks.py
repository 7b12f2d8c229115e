"""Import frameworks in the framework-library YAML format (BIO2, NIST CSF 2.0, ISO 27001,
NIS2, …): one library with `objects.framework.requirement_nodes`, a flat list in
document order where `parent_urn` builds the tree.

All or nothing: the whole file is validated first, each bad node named by its number
and URN; then it is applied in one transaction. Importing the same file again changes
nothing; a newer version updates the framework in place and reports what changed.
`manage.py import_framework` and the admin's upload form both call import_framework().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml
from django.db import transaction
from django.utils import timezone

from compliance.models import Framework, Requirement

REQUIREMENT_FIELDS = (
    "ref_id",
    "name",
    "name_nl",
    "description",
    "description_nl",
    "assessable",
    "depth",
    "position",
    "implementation_groups",
)
FRAMEWORK_FIELDS = ("ref_id", "name", "name_nl", "description", "description_nl", "library_urn", "version")
FRAMEWORK_FIELDS += ("provider", "locale", "implementation_groups")


class FrameworkImportError(Exception):
    """The file was refused; `errors` names each problem (node number, URN and field)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    framework: Framework
    created: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    old_version: int | None = None

    def summary(self) -> str:
        head = f"{self.framework.ref_id} v{self.framework.version}"
        if self.old_version is not None and self.old_version != self.framework.version:
            head += f" (was v{self.old_version})"
        return f"{head}: {len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    raise TypeError


def _dutch(node: dict[str, Any], key: str) -> str:
    translations = node.get("translations") or {}
    nl = translations.get("nl") if isinstance(translations, dict) else None
    return _text(nl.get(key)) if isinstance(nl, dict) else ""


class _Validator:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, field_name: str, problem: str) -> None:
        self.errors.append(f"{where}: veld '{field_name}' / field '{field_name}': {problem}")

    def text(self, where: str, data: dict[str, Any], key: str, required: bool = False) -> str:
        try:
            value = _text(data.get(key))
        except TypeError:
            self.error(where, key, "moet tekst zijn / must be text")
            return ""
        if required and not value:
            self.error(where, key, "ontbreekt / missing")
        return value


def parse(source: str | bytes) -> dict[str, Any]:
    try:
        document = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise FrameworkImportError([f"Geen geldige YAML / invalid YAML: {exc}"]) from exc
    if not isinstance(document, dict):
        raise FrameworkImportError(["Het bestand is geen framework-library / not a framework library"])
    return document


def validate(document: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check the whole document; return the framework's fields and one dict per node."""
    v = _Validator()
    framework = (document.get("objects") or {}).get("framework") if isinstance(document.get("objects"), dict) else None
    if not isinstance(framework, dict):
        raise FrameworkImportError(["bibliotheek / library: veld 'objects.framework' ontbreekt / missing"])
    fields = _framework_fields(v, document, framework)
    raw_nodes = framework.get("requirement_nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        v.error("framework", "requirement_nodes", "moet een niet-lege lijst zijn / must be a non-empty list")
        raise FrameworkImportError(v.errors)
    nodes: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(raw_nodes, start=1):
        node = _node(v, index, raw, seen)
        if node:
            nodes.append(node)
            seen[node["urn"]] = node
    if v.errors:
        raise FrameworkImportError(v.errors)
    return fields, nodes


def _framework_fields(v: _Validator, document: dict[str, Any], framework: dict[str, Any]) -> dict[str, Any]:
    where = "framework"
    version = document.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        v.error("bibliotheek / library", "version", "moet een geheel getal zijn / must be a whole number")
        version = 0
    groups = {}
    for group in framework.get("implementation_groups_definition") or []:
        if isinstance(group, dict) and group.get("ref_id"):
            groups[_text(group["ref_id"])] = {"name": _text(group.get("name")), "name_nl": _dutch(group, "name")}
    return {
        "urn": v.text(where, framework, "urn", required=True),
        "ref_id": v.text(where, framework, "ref_id", required=True),
        "name": v.text(where, framework, "name", required=True),
        "name_nl": _dutch(framework, "name"),
        "description": v.text(where, framework, "description"),
        "description_nl": _dutch(framework, "description"),
        "library_urn": v.text("bibliotheek / library", document, "urn"),
        "version": version,
        "provider": v.text("bibliotheek / library", document, "provider"),
        "locale": v.text("bibliotheek / library", document, "locale"),
        "implementation_groups": groups,
    }


def _node(v: _Validator, index: int, raw: Any, seen: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        v.errors.append(f"knoop {index} / node {index}: geen mapping / not a mapping")
        return None
    urn = raw.get("urn")
    where = f"knoop {index} / node {index} ({urn or '?'})"
    if not isinstance(urn, str) or not urn.strip():
        v.error(where, "urn", "ontbreekt / missing")
        return None
    if urn in seen:
        v.error(where, "urn", "komt dubbel voor / duplicate")
    node: dict[str, Any] = {"urn": urn, "position": index}
    for key in ("ref_id", "name", "description"):
        node[key] = v.text(where, raw, key)
    node["name_nl"] = _dutch(raw, "name")
    node["description_nl"] = _dutch(raw, "description")
    if not (node["name"] or node["description"] or node["name_nl"] or node["description_nl"]):
        v.error(where, "name", "naam of omschrijving ontbreekt / name or description missing")
    assessable = raw.get("assessable", False)
    if not isinstance(assessable, bool):
        v.error(where, "assessable", "moet true of false zijn / must be true or false")
    node["assessable"] = assessable is True
    parent_urn = raw.get("parent_urn")
    if parent_urn is not None and parent_urn not in seen:
        v.error(where, "parent_urn", "verwijst niet naar een eerdere knoop / does not name an earlier node")
    node["parent_urn"] = parent_urn
    depth = raw.get("depth", (seen[parent_urn]["depth"] + 1) if parent_urn in seen else 1)
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        v.error(where, "depth", "moet een geheel getal vanaf 1 zijn / must be a whole number from 1")
        depth = 1
    node["depth"] = depth
    groups = raw.get("implementation_groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        v.error(where, "implementation_groups", "moet een lijst van teksten zijn / must be a list of strings")
        groups = []
    node["implementation_groups"] = groups
    return node


def import_framework(source: str | bytes | Path | IO[Any]) -> ImportReport:
    """Import (or update) a framework from a file path, an open file, or YAML text."""
    if isinstance(source, Path):
        source = source.read_bytes()
    elif hasattr(source, "read"):
        source = source.read()
    fields, nodes = validate(parse(source))  # type: ignore[arg-type]
    with transaction.atomic():
        return _apply(fields, nodes)


def _apply(fields: dict[str, Any], nodes: list[dict[str, Any]]) -> ImportReport:
    urn = fields.pop("urn")
    framework = Framework.objects.select_for_update().filter(urn=urn).first()
    report = ImportReport(framework=framework or Framework(urn=urn), created=framework is None)
    if framework is not None:
        report.old_version = framework.version
        if fields["version"] < framework.version:
            raise FrameworkImportError(
                [f"versie {fields['version']} is ouder dan de geïmporteerde versie {framework.version} / older version"]
            )
    framework = report.framework
    if report.created or any(getattr(framework, k) != v for k, v in fields.items()):
        for key, value in fields.items():
            setattr(framework, key, value)
        framework.imported_at = timezone.now()
        framework.save()
    existing = {r.urn: r for r in Requirement.objects.filter(framework=framework)}
    by_urn: dict[str, Requirement] = {}
    for node in nodes:
        requirement = existing.pop(node["urn"], None)
        parent = by_urn.get(node["parent_urn"]) if node["parent_urn"] else None
        by_urn[node["urn"]] = _save_node(report, framework, requirement, node, parent)
    for requirement in sorted(existing.values(), key=lambda r: -r.depth):
        report.removed.append(requirement.urn)
        requirement.delete()
    return report


def _save_node(
    report: ImportReport,
    framework: Framework,
    requirement: Requirement | None,
    node: dict[str, Any],
    parent: Requirement | None,
) -> Requirement:
    values = {key: node[key] for key in REQUIREMENT_FIELDS}
    if requirement is None:
        report.added.append(node["urn"])
        return Requirement.objects.create(framework=framework, urn=node["urn"], parent=parent, **values)
    differs = requirement.parent_id != (parent.pk if parent else None) or any(
        getattr(requirement, k) != v for k, v in values.items()
    )
    if differs:
        report.changed.append(node["urn"])
        for key, value in values.items():
            setattr(requirement, key, value)
        requirement.parent = parent
        requirement.save()
    return requirement
