"""The layers' import rules (DESIGN.md section 6), read from the code's own imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("saas", "tenants", "shared_reference", "api", "demo")


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(folder: str) -> list[Path]:
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("path", sources("shared_reference"), ids=lambda p: p.name)
def test_the_reference_server_imports_nothing_from_the_tenants(path):
    wrong = sorted(m for m in imports_of(path) if m.split(".")[0] == "tenants")
    assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_the_form_base_classes_import_nothing_of_the_product():
    wrong = sorted(m for m in imports_of(ROOT / "saas/forms.py") if m.split(".")[0] in PRODUCT)
    assert not wrong


@pytest.mark.parametrize("path", sources("tenants"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_tenant_app_links_tenants_to_the_reference_server(path):
    """Subscribers, keys and the fan-out are the platform's (saas/reference_sync)."""
    wrong = sorted(m for m in imports_of(path) if m.startswith("saas.reference_sync"))
    assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


@pytest.mark.parametrize("path", sources("tenants"), ids=lambda p: str(p.relative_to(ROOT)))
def test_tenants_reach_the_reference_server_only_through_its_api(path):
    """A tenant reads its own mirror, never the public schema's reference tables."""
    wrong = sorted(m for m in imports_of(path) if m.split(".")[0] == "shared_reference")
    assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


@pytest.mark.parametrize("path", sources("tenants/core"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_tenants_core_imports_no_other_tenant_app(path):
    """The shared pieces of every page sit below the apps: each app registers its suggestion
    sources with tenants.core, never the other way round."""
    wrong = sorted(
        m for m in imports_of(path) if m.startswith("tenants.") and not m.startswith("tenants.core")
    )
    assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


# Apps built on others register with them (sections, row annotations, suggestion sources);
# the apps below never import them, so each can be left out or changed on its own.
NOT_IMPORTED_BY = {
    "tenants/plan": ("tenants.trials", "tenants.loans"),
    "tenants/inventory": ("tenants.loans",),
    # The markets app registers its appliers with the mirror (tenants.mirror.appliers).
    "tenants/mirror": ("tenants.markets",),
    # Purchasing and the catalogue build on the markets (sections, foreign keys).
    "tenants/markets": ("tenants.purchasing", "tenants.catalogue"),
}


@pytest.mark.parametrize(
    ("path", "forbidden"),
    [(p, forbidden) for folder, forbidden in NOT_IMPORTED_BY.items() for p in sources(folder)],
    ids=lambda value: str(value.relative_to(ROOT)) if isinstance(value, Path) else "",
)
def test_the_plan_and_the_inventory_import_none_of_the_apps_built_on_them(path, forbidden):
    wrong = sorted(m for m in imports_of(path) if m.startswith(forbidden))
    assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


@pytest.mark.parametrize(
    ("path", "forbidden"),
    [
        (p, forbidden)
        for folder, forbidden in NOT_IMPORTED_BY.items()
        for p in (ROOT / folder).rglob("*.html")
    ],
    ids=lambda value: str(value.relative_to(ROOT)) if isinstance(value, Path) else "",
)
def test_their_templates_load_no_tag_library_of_those_apps(path, forbidden):
    libraries = {
        name
        for line in re.findall(r"{%\s*load\s+([^%]*)%}", path.read_text())
        for name in line.split()
    }
    wrong = sorted(libraries & {app.rsplit(".", 1)[-1] for app in forbidden})
    assert not wrong, f"{path.relative_to(ROOT)} loads {wrong}"
