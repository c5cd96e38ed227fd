"""The layers of docs/architecture.md, checked on the source itself.

    tienlang.lib  <-  unions  <-  candidates  <-  classes  <-  reports

Each app imports only from its own layer or lower ones (imports inside functions count too);
`jobs` is infrastructure that knows no app (apps may use `jobs.runner`); `tienlang.lib`
imports no app at all. `tienlang` itself (settings, urls, admin site) is wiring and may
import anything. Views, exports and jobs reach a scoped model only through `for_user`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps

from unions.querysets import ScopedQuerySet

ROOT = Path(__file__).resolve().parent.parent

LAYERS = {"unions": 1, "candidates": 2, "classes": 3, "admission": 4, "reports": 5}
APPS = set(LAYERS) | {"jobs", "scale"}
# What of `jobs` an app may use: the runner that starts and reports a background job.
JOBS_API = {"jobs", "jobs.runner"}

RESTRUCTURING = pytest.mark.xfail(strict=False, reason="being restructured")


def _checked(name: str):
    return name


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> Iterator[tuple[str, Path]]:
    base = ROOT.joinpath(*package.split("."))
    for path in sorted(base.rglob("*.py")):
        yield module_name(path), path


def imports(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import of the file, at any depth."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            yield node.lineno, target
            if not node.module:  # `from . import signals`: the submodules themselves
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"


def top(target: str) -> str:
    return target.split(".", 1)[0]


def layer_violations(package: str) -> list[str]:
    found = []
    for module, path in modules(package):
        for line, target in imports(module, path):
            other = top(target)
            if other not in APPS and target != "tienlang" and not target.startswith("tienlang."):
                continue  # the standard library, Django, third-party packages
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if package == "tienlang.lib":
                if other in APPS or not (target == "tienlang.lib" or target.startswith("tienlang.lib.")):
                    found.append(where)
            elif package == "jobs":
                if other in APPS and other != "jobs":
                    found.append(where)
            elif other == "jobs":
                if target not in JOBS_API:
                    found.append(where)
            elif other in LAYERS and LAYERS[other] > LAYERS[package]:
                found.append(where)
            elif other == "scale" or (other == "tienlang" and not target.startswith("tienlang.lib")):
                found.append(where)  # the bench tool and the wiring sit above every app
    return found


@pytest.mark.parametrize(
    "package",
    ["tienlang.lib", *[_checked(name) for name in ["unions", "candidates", "classes", "admission", "reports", "jobs"]]],
)
def test_no_import_reaches_up_a_layer(package):
    assert layer_violations(package) == []


def test_the_layer_check_sees_imports_inside_functions(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("def f():\n    from reports.queries import x\n    from .models import y\n")
    assert list(imports("unions.views.probe", path)) == [(2, "reports.queries"), (3, "unions.views.models")]


# ---------------------------------------------------------------------------------------
# Scoped models in views, exports and jobs
# ---------------------------------------------------------------------------------------

# module -> why its unscoped `.objects.` is right there.
SCOPE_ALLOWED = {
    "unions.views.areas": "an area's merge history (AreaMerge) is reference data, shown with the area read",
    "candidates.exports": "the personal-data export hands a person everything held about them (their own "
    "nominations and every access-log entry naming them); the view checked the person is in scope first",
}
# One expression in a module: "module:line-text" → why it is right there.
SCOPE_ALLOWED_LINES = {
    "candidates.views.imports": {
        "NominationImport.objects.filter(": "expiring stale previews drops personal data of everyone's "
        "unconfirmed uploads: maintenance, nothing is read or shown",
    },
    "classes.exports": {
        "Federation.objects.filter(": "the issuer named in the document's header: the organisation tree",
        "PartyOrganization.objects.filter(": "the recipient named in the document's header: the organisation tree",
    },
    "reports.views": {
        "UnionQuota.objects.update_or_create(": "a quota of a union taken from the user's scoped unions",
    },
}


def scoped_models() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if hasattr(model, "objects") and isinstance(model.objects.all(), ScopedQuerySet)
    }


def screen_modules(app: str) -> Iterator[tuple[str, Path]]:
    for module, path in modules(app):
        parts = module.split(".")
        if len(parts) > 1 and parts[1] in {"views", "exports", "jobs"}:
            yield module, path


def _is_prefetch_queryset(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """`Prefetch("rel", queryset=…)`: the rows hang under a parent queryset that is scoped itself."""
    keyword = parents.get(node)
    call = parents.get(keyword)
    return (
        isinstance(keyword, ast.keyword)
        and keyword.arg == "queryset"
        and isinstance(call, ast.Call)
        and getattr(call.func, "id", getattr(call.func, "attr", None)) == "Prefetch"
    )


# Methods that write or return nothing: no row is read on the way.
NOT_READS = {"none", "create", "bulk_create"}
# Helpers that take a model's manager and scope it (`reports.queries.Scope.rows/totals`, the
# classes exports' `_visible`): the manager is handed to them, then read through for_user.
SCOPING_HELPERS = {"rows", "totals", "_visible"}


def _handed_to_scoping_helper(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    call = parents.get(node)
    if not isinstance(call, ast.Call) or node not in call.args:
        return False
    return getattr(call.func, "id", getattr(call.func, "attr", None)) in SCOPING_HELPERS


def _scoped_expression(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Does the expression built on `node` (calls and attributes on it) go through for_user,
    write without reading, or only prefetch the children of a scoped queryset?"""
    if _handed_to_scoping_helper(node, parents):
        return True
    parent = parents.get(node)
    if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in NOT_READS:
        return True
    while True:
        if isinstance(node, ast.Attribute) and node.attr == "for_user":
            return True
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute | ast.Subscript) and parent.value is node:
            node = parent
        elif isinstance(parent, ast.Call) and parent.func is node:
            node = parent
        else:
            return _is_prefetch_queryset(node, parents)


def _allowed_line(module: str, path: Path, node: ast.AST) -> bool:
    line = path.read_text(encoding="utf-8").splitlines()[node.lineno - 1]
    return any(text in line for text in SCOPE_ALLOWED_LINES.get(module, {}))


def unscoped_uses(module: str, path: Path, scoped: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in scoped
            and not _scoped_expression(node, parents)
            and not _allowed_line(module, path, node)
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.objects without for_user")
    return found


@pytest.mark.parametrize(
    "app", [_checked(name) for name in ["unions", "candidates", "classes", "admission", "reports", "jobs"]]
)
def test_views_exports_and_jobs_reach_scoped_models_through_for_user(app):
    scoped = scoped_models()
    found = [
        use
        for module, path in screen_modules(app)
        if module not in SCOPE_ALLOWED
        for use in unscoped_uses(module, path, scoped)
    ]
    assert found == []


def test_the_scope_check_knows_the_scoped_models():
    assert {"Enterprise", "GrassrootsUnion", "CommitteeMember", "AccessLog"} <= scoped_models()
