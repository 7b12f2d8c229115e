"""The manual stays true: its links resolve and its settings table names every setting.

1. Every relative link in README.md and docs/*.md (``[text](path)``, ``[text](path#anchor)``,
   ``[text](#anchor)`` and reference definitions ``[label]: path``) points at a file that
   exists, and an anchor at a heading of that file (GitHub's slugs).
2. Every environment variable that config/settings.py reads appears in the settings table of
   docs/operations.md. The settings module is parsed (not imported), so a variable read in a
   branch that is not taken today is found too.

Each parser is also checked on a small sample, so that a parser that finds nothing cannot
pass by accident.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SETTINGS = ROOT / "config" / "settings.py"
OPERATIONS = DOCS / "operations.md"

REQUIRED_PAGES = [
    "README.md",
    "security-officer.md",
    "privacyfunctionaris.md",
    "workshopcoordinator.md",
    "auditor.md",
    "medewerker.md",
    "beheerder.md",
    "operations.md",
    "api.md",
    "architecture.md",
]

# ---------------------------------------------------------------------------
# markdown: code, links, headings, anchors
# ---------------------------------------------------------------------------

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (links and headings in code are not links)."""
    lines, fence = [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is None:
            lines.append(line)
    return lines


def find_links(text: str) -> list[str]:
    """Every link target outside code (inline links, images and reference definitions)."""
    targets = []
    for line in prose_lines(text):
        definition = REFERENCE_DEF.match(line)
        if definition:
            targets.append(definition.group(1))
            continue
        targets.extend(match.group(1) for match in INLINE_LINK.finditer(INLINE_CODE.sub("", line)))
    return targets


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lower-case, punctuation dropped, spaces as '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors of a page: a slug per heading (repeats get -1, -2, ...) and explicit <a id>."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in prose_lines(text):
        found.update(HTML_ANCHOR.findall(line))
        match = HEADING.match(line)
        if not match:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def broken_links(page: Path, root: Path) -> list[str]:
    """The relative links of `page` that do not resolve, each with the reason."""
    problems = []
    for target in find_links(page.read_text(encoding="utf-8")):
        if not target or SCHEME.match(target) or target.startswith("//"):
            continue  # absolute URLs (http:, mailto:) are not checked here
        path_part, _hash, anchor = target.partition("#")
        path_part = path_part.split("?", 1)[0]
        if path_part.startswith("/"):
            resolved = (root / path_part.lstrip("/")).resolve()
        elif path_part:
            resolved = (page.parent / path_part).resolve()
        else:
            resolved = page.resolve()
        label = f"{page.relative_to(root)}: {target}"
        if not resolved.is_relative_to(root.resolve()):
            problems.append(f"{label}: points outside the project")
            continue
        if not resolved.exists():
            problems.append(f"{label}: no such file")
            continue
        if anchor:
            if resolved.is_dir() or resolved.suffix.lower() != ".md":
                problems.append(f"{label}: an anchor on something that is not a markdown page")
            elif anchor.lower() not in anchors(resolved.read_text(encoding="utf-8")):
                problems.append(f"{label}: no heading with the anchor #{anchor}")
    return problems


def doc_pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


# ---------------------------------------------------------------------------
# settings: which environment variables config/settings.py reads
# ---------------------------------------------------------------------------


@dataclass
class EnvReads:
    names: set[str] = field(default_factory=set)
    # helpers that also read NAME_FILE for every NAME (secrets from a file)
    file_suffix_helpers: set[str] = field(default_factory=set)
    # reads whose variable name cannot be known from the source (to be fixed, not ignored)
    unresolved: list[str] = field(default_factory=list)


def _is_os_environ(node: ast.AST) -> bool:
    """os.environ, or environ imported from os."""
    if isinstance(node, ast.Name):
        return node.id == "environ"
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _constant_text(node: ast.AST) -> str | None:
    """The text of a string constant, also written as an f-string without placeholders."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values)  # type: ignore[attr-defined]
    return None


def _environ_key(node: ast.AST) -> ast.AST | None:
    """The key expression when `node` reads the environment directly, else None.

    os.environ.get(K, ...), os.environ.setdefault(K, ...), os.environ[K], os.getenv(K, ...),
    K in os.environ (also with environ or getenv imported from os).
    """
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        func = node.func
        if func.attr in {"get", "setdefault"} and _is_os_environ(func.value):
            return node.args[0]
        if func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os":
            return node.args[0]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getenv" and node.args:
        return node.args[0]
    if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
        return node.slice
    if (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], ast.In | ast.NotIn)
        and _is_os_environ(node.comparators[0])
    ):
        return node.left
    return None


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _name_argument(call: ast.Call, param: str) -> ast.AST | None:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg == param:
            return keyword.value
    return None


def _mentions(node: ast.AST, param: str) -> bool:
    return any(isinstance(sub, ast.Name) and sub.id == param for sub in ast.walk(node))


def _file_suffix_of(node: ast.AST, param: str) -> bool:
    """f"{param}_FILE": the helper reads the file variant of whatever name it is given."""
    if not isinstance(node, ast.JoinedStr) or len(node.values) != 2:
        return False
    head, tail = node.values
    return (
        isinstance(head, ast.FormattedValue)
        and isinstance(head.value, ast.Name)
        and head.value.id == param
        and isinstance(tail, ast.Constant)
        and tail.value == "_FILE"
    )


def parse_env_reads(source: str) -> EnvReads:
    """The environment variables a settings module reads, found in its syntax tree.

    A helper is a module-level function whose first parameter is (part of) the name of the
    variable it reads, directly or through another helper (env, envbool, envint, envlist).
    Every call of a helper or direct read with a constant name counts; a helper that also
    reads f"{name}_FILE" is noted, so the manual must explain NAME_FILE. A read whose name
    is not a constant (outside a helper's own body) is reported as unresolved.
    """
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef) and node.args.args}
    helpers: dict[str, str] = {}  # helper name -> its name parameter
    changed = True
    while changed:  # a helper may be built on another helper
        changed = False
        for name, func in functions.items():
            if name in helpers:
                continue
            param = func.args.args[0].arg
            for node in ast.walk(func):
                key = _environ_key(node)
                if key is None and isinstance(node, ast.Call) and _call_name(node) in helpers:
                    key = _name_argument(node, helpers[_call_name(node)])
                if key is not None and _mentions(key, param):
                    helpers[name] = param
                    changed = True
                    break

    reads = EnvReads()
    helper_bodies = {id(node) for name in helpers for node in ast.walk(functions[name])}
    for node in ast.walk(tree):
        key = _environ_key(node)
        if key is None and isinstance(node, ast.Call) and _call_name(node) in helpers:
            key = _name_argument(node, helpers[_call_name(node)])
        if key is None:
            continue
        text = _constant_text(key)
        if text is not None:
            reads.names.add(text)
            continue
        if id(node) in helper_bodies:
            owner = next(n for n in helpers if id(node) in {id(x) for x in ast.walk(functions[n])})
            if _file_suffix_of(key, helpers[owner]):
                reads.file_suffix_helpers.add(owner)
                continue
            if _mentions(key, helpers[owner]):
                continue  # the helper passing its own parameter on
        reads.unresolved.append(f"line {node.lineno}: {ast.unparse(node)}")
    # a helper that reads NAME_FILE passes that on to every helper built on it
    changed = True
    while changed:
        changed = False
        for name, param in helpers.items():
            if name in reads.file_suffix_helpers:
                continue
            for node in ast.walk(functions[name]):
                if isinstance(node, ast.Call) and _call_name(node) in reads.file_suffix_helpers:
                    argument = _name_argument(node, helpers[_call_name(node)])
                    if argument is not None and _mentions(argument, param):
                        reads.file_suffix_helpers.add(name)
                        changed = True
                        break
    return reads


SETTINGS_HEADING = "instellingen"
TABLE_NAME = re.compile(r"`([^`]+)`")
FILE_SUFFIX_ROW = re.compile(r"^<[^>]+>_FILE$")


def settings_table_names(markdown: str) -> set[str]:
    """The names in the first column of the tables in the section whose heading starts with
    "Instellingen" (down to the next heading of the same or a higher level)."""
    names: set[str] = set()
    level = None
    for line in prose_lines(markdown):
        heading = HEADING.match(line)
        if heading:
            depth = len(heading.group(1))
            if level is not None and depth <= level:
                break
            if level is None and github_slug(heading.group(2)).startswith(SETTINGS_HEADING):
                level = depth
            continue
        if level is None or not line.lstrip().startswith("|"):
            continue
        first_cell = line.strip().strip("|").split("|")[0]
        names.update(TABLE_NAME.findall(first_cell))
    return names


def missing_settings(reads: EnvReads, table: set[str]) -> list[str]:
    missing = sorted(reads.names - table)
    if reads.file_suffix_helpers and not any(FILE_SUFFIX_ROW.match(name) for name in table):
        helpers = ", ".join(sorted(reads.file_suffix_helpers))
        missing.append(f"<NAAM>_FILE (read by {helpers} for every variable)")
    return missing


# ---------------------------------------------------------------------------
# the parsers on samples: each can find a fault
# ---------------------------------------------------------------------------

SAMPLE_PAGE = """# Waarborg

## Eerste stappen (demo)

See [the manual](docs/index.md), [a section](docs/index.md#de-kamers), [here](#eerste-stappen-demo),
[an image](img/logo.png "logo") and [upstream](https://example.org/x.md#nowhere).
Not a link: `[code](nowhere.md)`.

```
[in a code block](nowhere.md)
```

[ref]: docs/missing.md
"""

SAMPLE_INDEX = """# Index

## De kamers

## De kamers
"""


def test_link_parser_finds_links_outside_code() -> None:
    assert find_links(SAMPLE_PAGE) == [
        "docs/index.md",
        "docs/index.md#de-kamers",
        "#eerste-stappen-demo",
        "img/logo.png",
        "https://example.org/x.md#nowhere",
        "docs/missing.md",
    ]


def test_slugs_follow_github() -> None:
    assert github_slug("Instellingen (omgeving)") == "instellingen-omgeving"
    assert github_slug("`make chaos`: storingen") == "make-chaos-storingen"
    assert github_slug("Privacyfunctionaris › DPIA's") == "privacyfunctionaris--dpias"
    assert github_slug("Werkt niet? Zo ga je verder") == "werkt-niet-zo-ga-je-verder"
    assert anchors(SAMPLE_INDEX) == {"index", "de-kamers", "de-kamers-1"}


def test_link_check_reports_missing_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(SAMPLE_INDEX, encoding="utf-8")
    page = tmp_path / "README.md"
    page.write_text(SAMPLE_PAGE, encoding="utf-8")
    assert broken_links(page, tmp_path) == [
        "README.md: img/logo.png: no such file",
        "README.md: docs/missing.md: no such file",
    ]
    page.write_text(SAMPLE_PAGE.replace("#de-kamers)", "#de-zalen)").replace("(#eerste", "(#laatste"))
    problems = broken_links(page, tmp_path)
    assert "README.md: docs/index.md#de-zalen: no heading with the anchor #de-zalen" in problems
    assert "README.md: #laatste-stappen-demo: no heading with the anchor #laatste-stappen-demo" in problems
    page.write_text("[out](../../etc/passwd)", encoding="utf-8")
    assert broken_links(page, tmp_path) == ["README.md: ../../etc/passwd: points outside the project"]


SAMPLE_SETTINGS = """
import os
from os import environ, getenv
from pathlib import Path

VAR_DIR = Path(os.environ.get("SAMPLE_VAR_DIR", "var"))


def env(name, default=""):
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text()
    return os.environ.get(name, default)


def envint(name, default):
    return int(env(name, str(default)))


def mail(url):
    return {"timeout": envint("SAMPLE_TIMEOUT", 30)}


DEBUG = env("SAMPLE_DEBUG")
SIZE = envint('SAMPLE_SIZE', 3)
KEY = env(name="SAMPLE_KEY")
HOME = os.environ["SAMPLE_HOME"]
if "SAMPLE_FLAG" in os.environ:
    pass
PLAIN = environ.get(f"SAMPLE_PLAIN") or getenv("SAMPLE_GETENV")
for level in ("LOW", "HIGH"):
    LIMIT = envint(f"SAMPLE_LIMIT_{level}", 1)
"""


def test_settings_parser_finds_every_kind_of_read() -> None:
    reads = parse_env_reads(SAMPLE_SETTINGS)
    assert reads.names == {
        "SAMPLE_VAR_DIR",
        "SAMPLE_TIMEOUT",
        "SAMPLE_DEBUG",
        "SAMPLE_SIZE",
        "SAMPLE_KEY",
        "SAMPLE_HOME",
        "SAMPLE_FLAG",
        "SAMPLE_PLAIN",
        "SAMPLE_GETENV",
    }
    assert reads.file_suffix_helpers == {"env", "envint"}
    assert reads.unresolved == ["line 32: envint(f'SAMPLE_LIMIT_{level}', 1)"]


def test_settings_table_check_names_what_is_missing() -> None:
    reads = parse_env_reads(SAMPLE_SETTINGS)
    table = """# Beheer

## Instellingen

| naam | standaard | betekenis |
| --- | --- | --- |
| `SAMPLE_VAR_DIR` | `var` | map |
| `SAMPLE_DEBUG`, `SAMPLE_SIZE` | | |

## Anders

| `SAMPLE_KEY` | not in the settings section | |
"""
    names = settings_table_names(table)
    assert names == {"SAMPLE_VAR_DIR", "SAMPLE_DEBUG", "SAMPLE_SIZE"}
    assert missing_settings(reads, names) == [
        "SAMPLE_FLAG",
        "SAMPLE_GETENV",
        "SAMPLE_HOME",
        "SAMPLE_KEY",
        "SAMPLE_PLAIN",
        "SAMPLE_TIMEOUT",
        "<NAAM>_FILE (read by env, envint for every variable)",
    ]
    complete = names | {"SAMPLE_FLAG", "SAMPLE_GETENV", "SAMPLE_HOME", "SAMPLE_KEY", "SAMPLE_PLAIN", "SAMPLE_TIMEOUT"}
    assert missing_settings(reads, complete) == ["<NAAM>_FILE (read by env, envint for every variable)"]
    complete.add("<NAAM>_FILE")
    assert missing_settings(reads, complete) == []


# ---------------------------------------------------------------------------
# the real README, docs/ and config/settings.py
# ---------------------------------------------------------------------------


def test_every_page_of_the_manual_exists() -> None:
    missing = [name for name in REQUIRED_PAGES if not (DOCS / name).is_file()]
    assert missing == []


@pytest.mark.parametrize("page", doc_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    assert broken_links(page, ROOT) == []


def test_readme_fits_on_a_screen_and_keeps_its_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 60
    assert "make run" in readme
    assert "make test" in readme


def test_settings_module_reads_are_all_resolved() -> None:
    reads = parse_env_reads(SETTINGS.read_text(encoding="utf-8"))
    assert reads.unresolved == [], "write these variable names out, so that the manual can name them"
    # the parser must see today's settings (a parser that finds nothing would pass the next test)
    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "WAARBORG_VAR_DIR", "EMAIL_TIMEOUT"} <= reads.names
    assert "env" in reads.file_suffix_helpers


def test_every_setting_is_in_the_operations_table() -> None:
    reads = parse_env_reads(SETTINGS.read_text(encoding="utf-8"))
    table = settings_table_names(OPERATIONS.read_text(encoding="utf-8"))
    assert missing_settings(reads, table) == []
