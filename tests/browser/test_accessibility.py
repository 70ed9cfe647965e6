"""Every page, as each person of the demo sees it, passes axe-core's WCAG 2.1 A and AA rules.

The walk signs in as the demo GHT's administrator and as its person of each role, follows every
link from the home page (tests/browser/accessibility.py), and runs axe-core in Debian's chromium
on each page it reaches; then the same anonymously on a tenant's host and on the public host,
and as platform staff on the public host (tenants, reference server). A form with required
fields is also submitted empty once, and the page that shows its errors is checked too.

A new page joins the walk as soon as a link leads to it. One that no link reaches fails
``test_every_page_is_reached`` until it is linked, reached by an action below, or named in
NOT_PAGES with the reason it is not a page.
"""

from __future__ import annotations

import email
import os
import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import get_resolver, reverse

from demo.people import BUYER, CAMPAIGN_PEOPLE, DEMO_PASSWORD, STAFF_EMAIL
from tenants.imports.registry import importer_for
from tests.browser.accessibility import (
    AXE_JS,
    Crawl,
    Page,
    axe_violations,
    crawl,
    csrf_token,
    describe,
    finish_axe,
    local,
    open_as_crawled,
    route_name,
    session_for,
    sign_in,
    start_axe,
)
from tests.browser.demo_site import DemoSite, built_site, stop_building
from tests.conftest import free_port
from tests.isolation.test_every_url import PUBLIC_URLCONF, TENANT_URLCONF, walk

pytestmark = pytest.mark.slow

GHT = "ght-somme"
# The administrator, one person per role of the census (the demo's second head of pôle and
# second expert see the same pages as the first ones), and the buyer (the exceptions' forms).
PEOPLE = ("admin", *dict((role, key) for key, _, role, *_ in CAMPAIGN_PEOPLE).values(), BUYER)
DEMO_FILES = Path(__file__).resolve().parent.parent.parent / "demo" / "files"

# URL patterns a GET answers with something other than a page (patterns that refuse a GET
# with 405 are found as such and need no entry here).
NOT_PAGES = {
    TENANT_URLCONF: {
        "favicon": "a redirect to the static icon",
        "tenant_api_v1:import_upload": "the tenant API's upload of a file, JSON, with an API key",
        "tenant_api_v1:import_job": "the tenant API's import job, JSON, with an API key",
        "plan:calendar_feed": "an iCalendar file for calendar clients, at a secret address",
        "set_language": "the language switch: a redirect back to the page",
        "suggest": "the suggestions of a field, inside the page of its form",
        "purchasing:request_documents_status": (
            "the documents' production under way, a part of the request's page it polls"
        ),
        "documents:download": "the document itself",
        "catalogue:product_photo": "the product's photo, an image shown on its page",
        "catalogue:list_export": "the list as an order request, an XLSX file",
        "mirror:market_document": "a central market's document, a file from the reference server",
        "wordtemplates:download_default": "the Word template shipped with the application, DOCX",
        "wordtemplates:download_version": "a Word template the tenant uploaded, DOCX",
        "wordtemplates:preview": "the template filled with its example, a DOCX or PDF file",
        "tables:export_download": "the exported XLSX file",
        "tables:view": "a redirect to the list the saved view filters",
        "notifications:open": "a redirect to the page the notification is about",
        "tenant_api_v1:me": "JSON of the tenant API",
        "tenant_api_v1:plan_lines": "JSON of the tenant API",
        "tenant_api_v1:plan_line": "JSON of the tenant API",
        "sso:login": "a redirect to the identity provider",
        "sso:callback": "the identity provider's way back: a redirect",
    },
    PUBLIC_URLCONF: {
        "favicon": "a redirect to the static icon",
        "set_language": "the language switch: a redirect back to the page",
        "tenancy:health": "JSON for the load balancer",
        "reference:codesystem_fhir": "the FHIR CodeSystem as JSON",
        "reference:market_document": "a market's document, the file itself",
        "reference_api_v1:market_document": "a market's document for subscribers, the file",
        **{
            name: "JSON of the reference API (its documentation page is checked)"
            for name in (
                "reference_api_v1:changes",
                "reference_api_v1:contributions",
                "reference_api_v1:device_models",
                "reference_api_v1:entity",
                "reference_api_v1:nomenclatures",
                "reference_api_v1:purchasing_bodies",
                "reference_api_v1:schema",
                "reference_api_v1:snapshot",
                "reference_api_v1:subscription_detail",
                "reference_api_v1:subscriptions",
                "reference_api_v1:terms",
            )
        },
    },
}


# Pages a person lands on after sending a form (the message that a link was sent, the password
# changed): opened directly.
ACCOUNT_PAGES = [
    reverse("accounts:password_reset_sent", urlconf=TENANT_URLCONF),
    reverse("accounts:set_password_done", urlconf=TENANT_URLCONF),
]


# Pages the walk reaches but axe-core does not judge, each with its reason; the accessibility
# statement lists them among the content that is not accessible (saas/accessibility.py).
NOT_JUDGED = {
    "reference_api_v1:docs": "Swagger UI, a third-party page for developers, with known faults",
}


@dataclass
class Walk:
    checked: int = 0
    crawl_seconds: float = 0.0
    browser_seconds: float = 0.0
    skipped_as_alike: int = 0
    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # 5xx met by the crawl
    reached: dict[str, set[str]] = field(default_factory=dict)  # urlconf -> route names
    error_pages: list[str] = field(default_factory=list)  # forms shown with their errors
    shapes: set[tuple[str, str]] = field(default_factory=set)

    def note(self, urlconf: str, found: Crawl) -> None:
        self.crawl_seconds += found.seconds
        self.reached.setdefault(urlconf, set()).update(found.pages)
        self.errors += found.errors


def browser_context(browser: Any, base: str, session: Any) -> Any:
    """A chromium context carrying ``session``'s cookies (axe is injected: CSP bypassed)."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 800}, bypass_csp=True
    )
    context.add_cookies([{"name": k, "value": v, "url": base} for k, v in session.cookies.items()])
    context.set_default_timeout(30_000)
    return context


def browser_page(browser: Any, base: str, session: Any) -> Any:
    return browser_context(browser, base, session).new_page()


# A form to submit empty: its required text fields cleared, the browser's own checks off, so
# that the server answers with the page showing its errors. False when the page has no such
# form (or only forms whose required fields are choices, which cannot be emptied); else what
# kind of form it is.
EMPTYABLE_FORM = """() => {
  const text = 'input[required]:not([type=hidden]):not([type=checkbox]):not([type=radio])'
    + ':not([type=file]):not([type=submit]), textarea[required]';
  const form = [...document.querySelectorAll('form')].find(
    (f) => f.method === 'post' && f.querySelector(text));
  if (!form) return false;
  form.setAttribute('data-walk-submit', '');
  form.noValidate = true;
  form.querySelectorAll(text).forEach((field) => { field.value = ''; });
  // What the form is (its action without ids, its fields): one sending per kind of form.
  const fields = [...form.elements].map((e) => e.name).filter(Boolean).sort().join(',');
  return new URL(form.action, location.href).pathname.replace(/\\d+/g, 'N') + ' ' + fields;
}"""


# Sent with its own button, as a person would (a view may tell its forms apart by the button).
SEND_EMPTIED_FORM = """() => {
  const form = document.querySelector('[data-walk-submit]');
  const button = [...form.querySelectorAll('button, input[type=submit]')].find(
    (b) => b.type === 'submit' && !b.formNoValidate);
  form.requestSubmit(button || null);
}"""


# On a page shown again with errors, what a screen reader needs: each invalid field described by
# its message, the errors announced (a role=alert summary) and the focus brought to them.
ERRORS_ANNOUNCED = """() => {
  const problems = [];
  const invalid = [...document.querySelectorAll('[aria-invalid=true]')];
  for (const field of invalid) {
    // A group of boxes is described as a whole: its fieldset names the message.
    const described = field.closest('[aria-describedby]') || field;
    const ids = (described.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const said = ids.map((id) => document.getElementById(id))
      .filter((element) => element && element.textContent.trim());
    if (!said.length) problems.push(`${field.name || field.id}: invalid, described by no message`);
  }
  // Each error the summary links to is on a field marked invalid.
  const marked = '[aria-invalid=true]';
  for (const link of document.querySelectorAll('a[data-error-link]')) {
    const target = document.getElementById(link.getAttribute('href').slice(1));
    if (!target) problems.push(`${link.textContent.trim()}: links to no field`);
    else if (!target.closest(marked) && !target.querySelector(marked)) {
      problems.push(`${link.textContent.trim()}: its field is not marked invalid`);
    }
  }
  const alert = document.querySelector('[role=alert], [aria-live=assertive]');
  if (!alert) problems.push('no error announced (role=alert)');
  else if (!alert.contains(document.activeElement)) problems.push('the focus is not on the errors');
  return problems;
}"""


def check_pages(
    result: Walk, browser: Any, base: str, session: Any, found: Crawl, who: str
) -> None:
    """axe-core on each page of ``found`` unlike those already checked, two pages at a time (one
    loads while the other's rules run); then each kind of form sent empty once."""
    started = time.monotonic()
    context = browser_context(browser, base, session)
    tabs = [context.new_page(), context.new_page()]
    pending: dict[int, Page] = {}

    def finish(slot: int) -> None:
        crawled = pending.pop(slot)
        result.violations += describe(finish_axe(tabs[slot]), f"{who} {crawled.path}")
        send_empty(result, tabs[slot], f"{who} {crawled.path}")

    try:
        todo = []
        for crawled in found.distinct:
            if crawled.route in NOT_JUDGED:
                continue
            content, frame = crawled.shape.split()
            if (crawled.route, content) in result.shapes and ("frame", frame) in result.shapes:
                # Its content was judged on another page of its pattern, its frame (this
                # person's menus) on another page: nothing on it is new.
                result.skipped_as_alike += 1
                continue
            result.shapes.update({(crawled.route, content), ("frame", frame)})
            todo.append(crawled)
        for index, crawled in enumerate(todo):
            slot = index % len(tabs)
            if slot in pending:
                finish(slot)
            open_as_crawled(tabs[slot], base + crawled.path, crawled.html, crawled.status)
            start_axe(tabs[slot])
            result.checked += 1
            pending[slot] = crawled
        for slot in sorted(pending):
            finish(slot)
    finally:
        context.close()
        result.browser_seconds += time.monotonic() - started


def send_empty(result: Walk, page: Any, where: str) -> None:
    """The page's first form with required text fields, sent empty (once per kind of form):
    the page showing its errors passes axe-core and announces them."""
    kind = page.evaluate(EMPTYABLE_FORM)
    if not kind or kind in result.error_pages:
        return
    with page.expect_navigation():
        page.evaluate(SEND_EMPTIED_FORM)
    result.error_pages.append(kind)
    where = f"{where}, submitted empty"
    result.violations += describe(axe_violations(page), where)
    result.violations += [f"{where}: {problem}" for problem in page.evaluate(ERRORS_ANNOUNCED)]


def link_in_mail(site: DemoSite, address: str, pattern: str) -> str:
    """The path of the newest link matching ``pattern`` in an e-mail sent to ``address``."""
    for mail in sorted(site.mail_dir.glob("*.log"), key=os.path.getmtime, reverse=True):
        text = mail.read_text()
        body = str(email.message_from_string(text).get_payload(decode=False))
        found = re.search(rf"https?://\S+{pattern}\S+", body)
        if found and address in text:
            return urlsplit(found.group(0)).path
    raise AssertionError(f"no e-mail with {pattern} for {address} in {site.mail_dir}")


def password_reset_link(site: DemoSite, base: str, address: str) -> str:
    """Ask for a password reset as a person would; returns the link the e-mail carries."""
    session = session_for(base)
    form = f"{local(base)}/accounts/password-reset/"
    answer = session.post(
        form,
        data={"csrfmiddlewaretoken": csrf_token(session, form), "email": address},
        headers={"Referer": form},
        timeout=60,
    )
    assert answer.status_code == 200, answer.status_code
    return link_in_mail(site, address, "/accounts/set-password/")


def signup_confirmation_link(site: DemoSite, base: str) -> str:
    """Sign a hospital up as its contact would; returns the confirmation link of the e-mail
    (opening it queues the provisioning, which no worker of the walk runs)."""
    session = session_for(base)
    form = f"{local(base)}/signup/"
    address = f"contact-{uuid.uuid4().hex[:8]}@walk.localhost"
    answer = session.post(
        form,
        data={
            "csrfmiddlewaretoken": csrf_token(session, form),
            "name": "Hôpital du parcours (démo)",
            "kind": "hospital",
            "finess": "600000103",
            "contact_email": address,
            "subdomain": f"walk-{uuid.uuid4().hex[:6]}",
        },
        headers={"Referer": form},
        timeout=60,
    )
    assert answer.status_code == 200 and "/signup/sent/" in answer.url, answer.status_code
    return link_in_mail(site, address, "/signup/confirm/")


def import_page(kind: str) -> str:
    """The upload page of an import: its app's own, or the imports app's for a tabular one."""
    importer = importer_for(kind)
    if importer.page:
        return reverse(importer.page, urlconf=TENANT_URLCONF)
    return reverse("imports:upload", args=[kind], urlconf=TENANT_URLCONF)


def import_job_path(browser: Any, site: DemoSite, session: Any, kind: str) -> str:
    """An import's dry run, uploaded through its page: the job page it lands on."""
    base = site.url(GHT)
    page = browser_page(browser, base, session)
    try:
        page.goto(f"{base}{import_page(kind)}")
        page.locator("input[type=file]").set_input_files(next(DEMO_FILES.glob(f"{GHT}-{kind}.*")))
        with page.expect_navigation():
            page.locator("form[enctype] button[type=submit], form[enctype] button").last.click()
        return urlsplit(page.url).path
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def demo_site(browser) -> Iterator[DemoSite]:  # type: ignore[no-untyped-def]
    port = os.environ.get("ACCESSIBILITY_DEMO_PORT")
    if port:
        # A demo already running (python3 dev.py start): quicker while fixing pages, but the
        # walk acts on it (import dry runs, an export, password reset e-mails in var/mail).
        from django.conf import settings

        yield DemoSite("", Path(settings.EMAIL_FILE_PATH), int(port))
        return
    try:
        yield built_site(free_port())
    finally:
        stop_building()


@dataclass
class Visit:
    """One person's crawl: who, on which host and URLconf, signed in how, from where."""

    who: str
    base: str
    urlconf: str
    email: str = ""  # signs in with the demo password; anonymous when empty
    starts: tuple[str, ...] = ("/",)


def crawl_for(visit: Visit, site: DemoSite) -> tuple[Any, Crawl]:
    session = sign_in(visit.base, visit.email, DEMO_PASSWORD) if visit.email else None
    session = session or session_for(visit.base)
    starts = [
        # A link an e-mail carries, once the person asked for it: to set a password, to
        # confirm a sign-up.
        password_reset_link(site, visit.base, start.removeprefix("mail:"))
        if start.startswith("mail:")
        else signup_confirmation_link(site, visit.base)
        if start == "signup"
        else start
        for start in visit.starts
    ]
    return session, crawl(session, visit.base, visit.urlconf, starts, NOT_PAGES[visit.urlconf])


# Where a person's crawl starts besides the home page. The buyer's first market pages are the
# GHT's own (their edit and lot pages are only linked from those): the central markets it follows
# come first in the list, and the crawl opens two pages of a pattern at most.
STARTS = {BUYER: ("/", "/markets/?origin=local")}


@pytest.fixture(scope="module")
def walked(demo_site, browser) -> Walk:  # type: ignore[no-untyped-def]
    site = demo_site
    tenant, public = site.url(GHT), site.url()
    admin = sign_in(tenant, f"admin@{GHT}.localhost", DEMO_PASSWORD)
    # Pages reached by sending a form: an import's dry run, an export (the crawl follows no
    # export link: each would start a job).
    # A tabular import's (the finance system's order lines) has its page in the imports app.
    actions = [
        import_job_path(browser, site, admin, kind)
        for kind in ("structure", "inventory", "finance_orders")
    ]
    actions.append("/inventory/?export=xlsx")
    visits = [
        Visit(
            who,
            tenant,
            TENANT_URLCONF,
            f"{who}@{GHT}.localhost",
            ("/", *actions) if who == "admin" else STARTS.get(who, ("/",)),
        )
        for who in PEOPLE
    ]
    visits += [
        # Anonymous on the GHT's host: signing in, and resetting a password through its e-mail.
        Visit(
            "anonymous",
            tenant,
            TENANT_URLCONF,
            starts=("/accounts/login/", *ACCOUNT_PAGES, f"mail:cadre.chu@{GHT}.localhost"),
        ),
        # The public host: anonymous, then platform staff (tenants and the reference server).
        Visit(
            "anonymous (public)",
            public,
            PUBLIC_URLCONF,
            starts=(
                "/",
                "/accounts/login/",
                *ACCOUNT_PAGES,
                f"mail:{STAFF_EMAIL}",
                reverse("tenancy:signup_sent", urlconf=PUBLIC_URLCONF),
                "signup",
                # A link whose token is unknown: the page that says so.
                reverse("tenancy:signup_confirm", args=["unknown"], urlconf=PUBLIC_URLCONF),
                reverse("reference_api_v1:docs", urlconf=PUBLIC_URLCONF),
            ),
        ),
        Visit("staff", public, PUBLIC_URLCONF, STAFF_EMAIL, ("/", "/reference/")),
    ]
    result = Walk()
    # The next person's crawl (HTTP, the web server's work) runs while chromium checks the
    # pages of the previous one (the browser's work): two processes, two cores.
    crawler = ThreadPoolExecutor(max_workers=1)
    try:
        crawls = [crawler.submit(crawl_for, visit, site) for visit in visits]
        for visit, crawled in zip(visits, crawls, strict=True):
            session, found = crawled.result()
            result.note(visit.urlconf, found)
            check_pages(result, browser, visit.base, session, found, visit.who)
    finally:
        crawler.shutdown(cancel_futures=True)
    print(
        f"\naccessibility walk: {result.checked} pages checked, {result.skipped_as_alike} alike"
        f" skipped, {len(result.error_pages)} forms with errors;"
        f" crawl {result.crawl_seconds:.0f} s, browser {result.browser_seconds:.0f} s"
    )
    return result


def test_axe_core_is_installed():
    assert AXE_JS.exists(), "npm ci --prefix tests/browser/axe (dev.py test does it)"


def test_every_page_passes_axe_core_wcag_2_1_aa(walked):
    assert walked.checked > 40
    assert not walked.violations, "\n".join(walked.violations)


def test_no_page_of_the_walk_fails(walked):
    assert not walked.errors, walked.errors


def test_forms_are_checked_with_their_errors_shown(walked):
    assert len(walked.error_pages) > 5, walked.error_pages


def unreached(urlconf: str, reached: set[str], session: Any, base: str) -> list[str]:
    """URL patterns of ``urlconf`` that are GET pages (not in NOT_PAGES, not refusing a GET
    with 405) and that the walk never opened with a 200."""
    missing = []
    for route in walk(get_resolver(urlconf)):
        if route.name in reached or route.name in NOT_PAGES[urlconf]:
            continue
        kwargs = {n: "1" if "Int" in type(c).__name__ else "x" for n, c in route.converters.items()}
        try:
            path = reverse(route.name, kwargs=kwargs or None, urlconf=urlconf)
        except Exception:
            path = ""
        if path and session.get(local(base) + path, allow_redirects=False).status_code == 405:
            continue  # an action (POST only), not a page
        missing.append(route.name)
    return sorted(set(missing))


@pytest.mark.parametrize("urlconf", [TENANT_URLCONF, PUBLIC_URLCONF])
def test_every_page_is_reached(walked, demo_site, urlconf):
    """A GET page of the URLconf that the walk never opened is a page nobody checked."""
    if urlconf == TENANT_URLCONF:
        base = demo_site.url(GHT)
        session = sign_in(base, f"admin@{GHT}.localhost", DEMO_PASSWORD)
    else:
        base = demo_site.url()
        session = sign_in(base, STAFF_EMAIL, DEMO_PASSWORD)
    missing = unreached(urlconf, walked.reached.get(urlconf, set()), session, base)
    assert not missing, (
        f"pages of {urlconf} the accessibility walk never opened: link them from a page, reach "
        f"them by an action in the walk, or name them in NOT_PAGES: {missing}"
    )
    # The check itself: a page the walk did not open is found.
    assert unreached(urlconf, walked.reached[urlconf] - {"accounts:login"}, session, base) == [
        "accounts:login"
    ]


def test_not_pages_name_url_patterns_that_exist():
    for urlconf, names in NOT_PAGES.items():
        assert set(names) <= {r.name for r in walk(get_resolver(urlconf))}, urlconf
    assert set(NOT_JUDGED) <= {r.name for r in walk(get_resolver(PUBLIC_URLCONF))}


def test_axe_core_is_the_locked_version(browser):
    import json

    lock = json.loads((AXE_JS.parent.parent.parent / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/axe-core"]["version"]
    page = browser.new_page()
    try:
        page.evaluate(AXE_JS.read_text())
        assert page.evaluate("axe.version") == locked
    finally:
        page.close()


def test_route_name_knows_the_tenant_pages():
    assert route_name("/requests/mine/", TENANT_URLCONF) == "requests:my_requests"


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_the_readme_pictures_of_purchasing_are_the_demo_s(demo_site, browser):
    """The README shows the markets list and a purchase request as the demo's buyer sees them."""
    base = demo_site.url(GHT)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Adresse e-mail").fill(f"{BUYER}@{GHT}.localhost")
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        page.goto(f"{base}/markets/")
        assert page.locator("table.list-table tbody tr").count() >= 4
        # The central markets the GHT follows (its sync brought them), beside its own.
        assert page.get_by_text("UGAP").count() and page.get_by_text("RESAH").count()
        page.screenshot(path=str(SCREENSHOTS / "markets-list.png"))
        page.goto(f"{base}/purchasing/requests/")
        page.locator("table.list-table tbody tr a").first.click()
        page.wait_for_url(re.compile(r"/purchasing/requests/\d+/"))
        assert "DRA-" in page.title() + page.content()
        page.screenshot(path=str(SCREENSHOTS / "purchase-request.png"), full_page=True)
    finally:
        context.close()
