"""Headers every page carries: a Content-Security-Policy without inline scripts, a
Permissions-Policy, no caching of signed-in pages; and a clean ``check --deploy`` in production."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.test import Client

from saas.runner import production_example_env
from tests.conftest import client_for, host_of

ROOT = Path(__file__).resolve().parents[2]
# A <script> element with a body (not src=...), or an event handler attribute (onclick=...).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_forbid_inline_and_foreign_scripts(tenant, make_user):
    response = Client(HTTP_HOST=host_of(tenant)).get("/accounts/login/")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["default-src"]


def test_signed_in_pages_carry_no_inline_script(tenant, make_user):
    user = make_user(tenant)
    body = client_for(host_of(tenant), user, tenant).get("/").content.decode()
    assert 'src="/static/core/page.js"' in body
    assert INLINE_SCRIPT.findall(body) == []


def test_no_template_has_an_inline_script_or_handler():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in ("saas", "tenants", "shared_reference", "api")
        for path in (ROOT / folder).rglob("*.html")
        for match in INLINE_SCRIPT.finditer(path.read_text())
    ]
    assert found == [], "move scripts to a static file: the CSP refuses inline ones"


def test_every_page_has_a_permissions_policy(tenant):
    response = Client(HTTP_HOST=host_of(tenant)).get("/accounts/login/")
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_signed_in_pages_are_never_stored(tenant, make_user):
    user = make_user(tenant)
    response = client_for(host_of(tenant), user, tenant).get("/")
    assert response.status_code == 200
    assert set(re.split(r",\s*", response["Cache-Control"])) >= {"private", "no-store"}
    assert "public" not in response["Cache-Control"]


def test_check_deploy_is_clean_with_the_production_example():
    """HSTS, the HTTPS redirect, secure cookies...: Django's deployment checks, in production."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_example_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_api_documentation_loads_its_script_from_a_url(db, public_client):
    page = public_client.get("/api/reference/v1/docs/")
    assert page.status_code == 200
    assert INLINE_SCRIPT.findall(page.content.decode()) == []
    script = public_client.get("/api/reference/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
