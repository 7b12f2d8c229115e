"""Import frameworks in the framework-library YAML format (BIO2, NIST CSF 2.0, ISO 27001,
NIS2, …): one library with `objects.framework.requirement_nodes`, a flat list in
document order where `parent_urn` builds the tree.

All or nothing: the whole file is validated first, each bad node named by its number
and URN; then it is applied in one transaction. Importing the same file again changes
nothing; a newer version updates the framework in place and reports what changed.
`manage.py import_framework` and the admin's upload form both call import_framework().

Hostile files are refused before they cost anything: a file larger than
`settings.FRAMEWORK_MAX_BYTES`, YAML anchors and aliases (the format does not need them,
and an alias bomb of a few hundred bytes expands to gigabytes), nesting deeper than
`settings.FRAMEWORK_MAX_DEPTH`, a list or mapping where text belongs, text longer than its
column or with characters that cannot be stored. An error message never repeats a whole
value from the file, and at most MAX_ERRORS problems are listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from compliance.models import Framework, Requirement
from core.history import channel

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
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32
# Problems listed per refused file; the rest are counted.
MAX_ERRORS = 50
# How much of a value from the file an error message may show.
SHOWN_CHARS = 80
# Control characters a database column cannot hold (PostgreSQL refuses NUL) or that have
# no business in a framework's text; tab, newline and carriage return are allowed.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Largest values of the integer columns (depth is a small integer, version an integer).
MAX_DEPTH_VALUE = 32767
MAX_VERSION = 2_147_483_647


class FrameworkImportError(Exception):
    """The file was refused; `errors` names each problem (node number, URN and field)."""

    def __init__(self, errors: list[str]) -> None:
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            errors = [*errors[:MAX_ERRORS], f"… en nog {more}"]
        super().__init__("\n".join(errors))
        self.errors = errors


def shown(value: Any) -> str:
    """A value from the file as an error message may show it: cut short, never whole."""
    if isinstance(value, list):
        return "<lijst>"
    if isinstance(value, dict):
        return "<mapping>"
    text = _UNSTORABLE.sub("?", value if isinstance(value, str) else repr(value))
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


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
    """Text of a scalar. TypeError for a list or mapping, ValueError for characters that
    cannot be stored."""
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        text = str(value).strip()
        if _UNSTORABLE.search(text):
            raise ValueError
        return text
    raise TypeError


class _Validator:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, field_name: str, problem: str) -> None:
        self.errors.append(f"{where}: veld '{field_name}': {problem}")

    def text(
        self, where: str, data: dict[str, Any], key: str, required: bool = False, max_length: int | None = None
    ) -> str:
        return self.value(where, key, data.get(key), required=required, max_length=max_length)

    def value(self, where: str, key: str, raw: Any, required: bool = False, max_length: int | None = None) -> str:
        try:
            value = _text(raw)
        except TypeError:
            self.error(where, key, "moet tekst zijn")
            return ""
        except ValueError:
            self.error(where, key, "bevat een ongeldig teken")
            return ""
        if required and not value:
            self.error(where, key, "ontbreekt")
        if max_length is not None and len(value) > max_length:
            self.error(where, key, f"langer dan {max_length} tekens")
            return value[:max_length]
        return value

    def dutch(self, where: str, node: dict[str, Any], key: str, max_length: int | None = None) -> str:
        """`translations.nl.<key>` of a node, if any."""
        translations = node.get("translations") or {}
        nl = translations.get("nl") if isinstance(translations, dict) else None
        if not isinstance(nl, dict):
            return ""
        return self.value(where, f"translations.nl.{key}", nl.get(key), max_length=max_length)


class _FrameworkLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses anchors and aliases outright and stops at a
    nesting depth (it composes recursively: 3,000 levels would end in a RecursionError)."""

    max_depth = DEFAULT_MAX_DEPTH

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise FrameworkImportError(
                [
                    f"regel {line}: ankers en aliassen zijn niet toegestaan / "
                    f"line {line}: anchors and aliases are refused"
                ]
            )
        self._depth += 1
        if self._depth > self.max_depth:
            raise FrameworkImportError(
                [
                    f"regel {line}: nesting dieper dan {self.max_depth} niveaus / "
                    f"line {line}: nested deeper than {self.max_depth} levels"
                ]
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse(source: str | bytes) -> dict[str, Any]:
    limit = int(getattr(settings, "FRAMEWORK_MAX_BYTES", DEFAULT_MAX_BYTES))
    if len(source) > limit:
        raise FrameworkImportError([f"Het bestand is groter dan {limit} bytes"])
    loader = None
    try:
        loader = _FrameworkLoader(source)  # reads (and decodes) the start of the file already
        loader.max_depth = int(getattr(settings, "FRAMEWORK_MAX_DEPTH", DEFAULT_MAX_DEPTH))
        document = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise FrameworkImportError([f"Geen geldige YAML: {shown_error(exc)}"]) from None
    except RecursionError:  # a safety net; the depth limit stops well before this
        raise FrameworkImportError(["Het bestand is te diep genest"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(document, dict):
        raise FrameworkImportError(["Het bestand is geen framework-library"])
    return document


def shown_error(exc: yaml.YAMLError) -> str:
    """PyYAML's message (it quotes a snippet of the file), cut short."""
    text = _UNSTORABLE.sub("?", str(exc))
    return text if len(text) <= 300 else text[:300] + "…"


def validate(document: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check the whole document; return the framework's fields and one dict per node."""
    v = _Validator()
    framework = (document.get("objects") or {}).get("framework") if isinstance(document.get("objects"), dict) else None
    if not isinstance(framework, dict):
        raise FrameworkImportError(["bibliotheek: veld 'objects.framework' ontbreekt"])
    fields = _framework_fields(v, document, framework)
    raw_nodes = framework.get("requirement_nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        v.error("framework", "requirement_nodes", "moet een niet-lege lijst zijn")
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
    library = "bibliotheek"
    version = document.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= MAX_VERSION:
        v.error(library, "version", "moet een geheel getal zijn")
        version = 0
    groups = {}
    definitions = framework.get("implementation_groups_definition") or []
    if not isinstance(definitions, list):
        v.error(where, "implementation_groups_definition", "moet een lijst zijn")
        definitions = []
    for number, group in enumerate(definitions, start=1):
        if isinstance(group, dict) and group.get("ref_id"):
            at = f"{where} implementation_groups_definition {number}"
            ref_id = v.value(at, "ref_id", group["ref_id"], max_length=100)
            groups[ref_id] = {"name": v.text(at, group, "name", max_length=255), "name_nl": v.dutch(at, group, "name")}
    return {
        "urn": v.text(where, framework, "urn", required=True, max_length=255),
        "ref_id": v.text(where, framework, "ref_id", required=True, max_length=100),
        "name": v.text(where, framework, "name", required=True, max_length=255),
        "name_nl": v.dutch(where, framework, "name", max_length=255),
        "description": v.text(where, framework, "description"),
        "description_nl": v.dutch(where, framework, "description"),
        "library_urn": v.text(library, document, "urn", max_length=255),
        "version": version,
        "provider": v.text(library, document, "provider", max_length=120),
        "locale": v.text(library, document, "locale", max_length=10),
        "implementation_groups": groups,
    }


def _node(v: _Validator, index: int, raw: Any, seen: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        v.errors.append(f"knoop {index}: geen mapping")
        return None
    urn = raw.get("urn")
    where = f"knoop {index} ({shown(urn) if urn else '?'})"
    if not isinstance(urn, str) or not urn.strip():
        v.error(where, "urn", "ontbreekt of is geen tekst")
        return None
    urn = v.value(where, "urn", urn, max_length=255)
    if urn in seen:
        v.error(where, "urn", "komt dubbel voor")
    node: dict[str, Any] = {"urn": urn, "position": index}
    node["ref_id"] = v.text(where, raw, "ref_id", max_length=100)
    node["name"] = v.text(where, raw, "name", max_length=500)
    node["description"] = v.text(where, raw, "description")
    node["name_nl"] = v.dutch(where, raw, "name", max_length=500)
    node["description_nl"] = v.dutch(where, raw, "description")
    if not (node["name"] or node["description"] or node["name_nl"] or node["description_nl"]):
        v.error(where, "name", "naam of omschrijving ontbreekt")
    assessable = raw.get("assessable", False)
    if not isinstance(assessable, bool):
        v.error(where, "assessable", "moet true of false zijn")
    node["assessable"] = assessable is True
    parent_urn = raw.get("parent_urn")
    if parent_urn is not None and not isinstance(parent_urn, str):
        v.error(where, "parent_urn", "moet tekst zijn")
        parent_urn = None
    elif parent_urn is not None and parent_urn not in seen:
        v.error(where, "parent_urn", "verwijst niet naar een eerdere knoop")
    node["parent_urn"] = parent_urn
    depth = raw.get("depth", (seen[parent_urn]["depth"] + 1) if parent_urn in seen else 1)
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH_VALUE:
        v.error(where, "depth", "moet een geheel getal vanaf 1 zijn")
        depth = 1
    node["depth"] = depth
    groups = raw.get("implementation_groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) and not _UNSTORABLE.search(g) for g in groups):
        v.error(where, "implementation_groups", "moet een lijst van teksten zijn")
        groups = []
    node["implementation_groups"] = groups
    return node


def import_framework(source: str | bytes | Path | IO[Any]) -> ImportReport:
    """Import (or update) a framework from a file path, an open file, or YAML text."""
    limit = int(getattr(settings, "FRAMEWORK_MAX_BYTES", DEFAULT_MAX_BYTES))
    if isinstance(source, Path):
        with source.open("rb") as handle:
            source = handle.read(limit + 1)
    elif hasattr(source, "read"):
        source = source.read(limit + 1)  # never more than one byte beyond the limit
    fields, nodes = validate(parse(source))  # type: ignore[arg-type]
    with transaction.atomic(), channel("import"):
        return _apply(fields, nodes)


def _apply(fields: dict[str, Any], nodes: list[dict[str, Any]]) -> ImportReport:
    urn = fields.pop("urn")
    framework = Framework.objects.select_for_update().filter(urn=urn).first()
    report = ImportReport(framework=framework or Framework(urn=urn), created=framework is None)
    if framework is not None:
        report.old_version = framework.version
        if fields["version"] < framework.version:
            raise FrameworkImportError(
                [f"versie {fields['version']} is ouder dan de geïmporteerde versie {framework.version}"]
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
