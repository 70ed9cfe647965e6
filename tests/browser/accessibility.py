"""The accessibility walk's parts: sign in, crawl every page a person reaches, run axe-core on it.

The crawl follows links as a person would (plain HTTP, fast); axe-core then runs in Debian's
chromium on one page per URL pattern and person, so a new page is checked as soon as a link
leads to it. ``test_accessibility.py`` also fails on a page no link reaches.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from django.urls import Resolver404, resolve

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what RGAA 4 follows.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Links a crawl must not follow: they change state on GET or leave the pages.
NOT_FOLLOWED = re.compile(r"^/(static|media|i18n|api)/|/logout/|/favicon\.ico$")
# Query strings a crawl must not follow: an export starts a job on each GET.
NOT_FOLLOWED_QUERY = re.compile(r"(^|&)export=")
# Each URL pattern is opened at most this many times per person (different objects, filters):
# enough to reach the links only some states show, few enough to stay fast.
VISITS_PER_ROUTE = 2


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith(("#", "mailto:", "tel:", "javascript:")):
                self.hrefs.append(href)


class _Shape(HTMLParser):
    """The kinds of elements of a page, each with its parent's kind: what axe-core's rules
    depend on (classes, roles, types, ARIA attributes), not the words or the number of rows."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: set[str] = set()  # inside <main>: the page's own content
        self.frame: set[str] = set()  # outside: the navigation, the footer
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        kind = " ".join(
            [
                tag,
                *sorted((found.get("class") or "").split()),
                f"type={found.get('type', '')}",
                f"role={found.get('role', '')}",
                *sorted(name for name in found if name.startswith("aria-") or name == "for"),
            ]
        )
        inside = tag == "main" or any(k.split(" ", 1)[0] == "main" for k in self.stack)
        (self.kinds if inside else self.frame).add(
            f"{self.stack[-1] if self.stack else ''} > {kind}"
        )
        if tag not in VOID_ELEMENTS:
            self.stack.append(kind)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().split(" ", 1)[0] == tag:
                break


VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


def shape_of(html: str) -> str:
    """Two pages of one URL pattern with the same shape are built of the same kinds of
    elements: axe-core's rules on colours, names and roles judge them alike. (Rules that read
    the words, such as an empty link or a duplicate id, may not: the walk accepts that.)

    The shape is that of the page's own content (inside <main>) and, apart, that of its frame
    (navigation, footer), which differs between people (their menus) but not between pages."""
    parser = _Shape()
    parser.feed(html)
    return " ".join(
        hashlib.sha1("\n".join(sorted(kinds)).encode()).hexdigest()[:16]
        for kinds in (parser.kinds, parser.frame)
    )


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def session_for(base: str) -> requests.Session:
    """A plain HTTP session on ``base`` (http://<host>:<port>), whose host may be a tenant's
    sub-domain of localhost: connects to 127.0.0.1 and names the host in the Host header."""
    session = requests.Session()
    session.headers["Host"] = urlsplit(base).netloc
    return session


def local(base: str) -> str:
    """The address actually connected to: 127.0.0.1 on ``base``'s port."""
    return f"http://127.0.0.1:{urlsplit(base).port}"


def csrf_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form at ``url`` (its cookie is kept by ``session``)."""
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url, timeout=60).text
    )
    assert token, f"no CSRF token on {url}"
    return token.group(1)


def sign_in(base: str, email: str, password: str) -> requests.Session:
    """A session signed in through the login form, as a person would."""
    session = session_for(base)
    login = f"{local(base)}/accounts/login/"
    answer = session.post(
        login,
        data={
            "csrfmiddlewaretoken": csrf_token(session, login),
            "username": email,
            "password": password,
        },
        headers={"Referer": login},
        timeout=30,
    )
    assert "/accounts/login/" not in answer.url, f"{email} could not sign in on {base}"
    assert answer.status_code == 200, (email, answer.status_code)
    return session


@dataclass
class Page:
    route: str
    path: str
    status: int
    html: str
    shape: str


@dataclass
class Crawl:
    """What a person reaches by following links: for each URL pattern, the pages opened."""

    pages: dict[str, list[str]] = field(default_factory=dict)  # route name -> paths answered 200
    distinct: list[Page] = field(default_factory=list)  # each page unlike its route's others
    errors: list[str] = field(default_factory=list)  # 5xx, and links leading to a 4xx
    seconds: float = 0.0


def route_name(path: str, urlconf: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path, urlconf=urlconf)
    except Resolver404:
        return None
    return match.view_name


def relative(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def fetch(session: requests.Session, base: str, path: str) -> tuple[str, requests.Response] | None:
    """GET ``path``, following the redirects that stay on the host; None for one that leaves."""
    own = {urlsplit(base).netloc, urlsplit(local(base)).netloc, ""}
    for _hop in range(5):
        answer = session.get(local(base) + path, timeout=60, allow_redirects=False)
        if not answer.is_redirect:
            return path, answer
        target = urlsplit(urljoin(path, answer.headers["Location"]))
        if target.netloc not in own:
            return None
        path = relative(target.geturl())
    return None


def crawl(
    session: requests.Session,
    base: str,
    urlconf: str,
    start: Iterable[str] = ("/",),
    not_pages: Iterable[str] = (),
) -> Crawl:
    """Breadth first over same-host links, from ``start``; HTML answers only. Links to the
    URL patterns ``not_pages`` names (downloads, redirects) are not followed.

    A page of ``start`` may answer 4xx (the page that says a link has expired): it is checked
    like the others but does not count as its URL pattern reached. A link that leads to a 4xx
    is an error: the person was offered a page they cannot open."""
    skipped = set(not_pages)
    started = time.monotonic()
    found = Crawl()
    starts = list(start)
    queue: deque[tuple[str, str]] = deque((path, "") for path in starts)
    seen: set[str] = set(starts)
    shapes: set[tuple[str, str]] = set()
    while queue:
        path, linked_from = queue.popleft()
        name = route_name(path, urlconf)
        if name is None or name in skipped or len(found.pages.get(name, [])) >= VISITS_PER_ROUTE:
            continue
        fetched = fetch(session, base, path)
        if fetched is None:
            continue  # a redirect off the host (an identity provider, say)
        path, answer = fetched
        where = f"{path}{f' (linked from {linked_from})' if linked_from else ''}"
        if answer.status_code >= 500 or (linked_from and answer.status_code >= 400):
            found.errors.append(f"{where} answers {answer.status_code}")
            continue
        if "text/html" not in answer.headers.get("Content-Type", ""):
            continue
        name = route_name(path, urlconf)  # the page it landed on, after a redirect
        if name is None or name in skipped or path in found.pages.get(name, []):
            continue
        if answer.status_code == 200:
            if len(found.pages.get(name, [])) >= VISITS_PER_ROUTE:
                continue
            found.pages.setdefault(name, []).append(path)
        shape = shape_of(answer.text)
        if (name, shape) not in shapes:
            shapes.add((name, shape))
            found.distinct.append(Page(name, path, answer.status_code, answer.text, shape))
        for href in links_in(answer.text):
            target = urlsplit(urljoin(path, href))
            if target.netloc not in {urlsplit(base).netloc, urlsplit(local(base)).netloc, ""}:
                continue
            if NOT_FOLLOWED.search(target.path) or NOT_FOLLOWED_QUERY.search(target.query):
                continue
            link = relative(target.geturl())
            if link not in seen:
                seen.add(link)
                queue.append((link, path))
    found.seconds = time.monotonic() - started
    return found


def open_as_crawled(page: Any, url: str, html: str, status: int = 200) -> None:
    """Open ``url`` in the browser with the HTML the crawl received for it: the server does
    not render the page a second time (its styles, scripts and later requests are real)."""

    def fulfil(route: Any) -> None:
        if route.request.method == "GET" and route.request.is_navigation_request():
            route.fulfill(status=status, content_type="text/html; charset=utf-8", body=html)
        else:
            route.fallback()

    page.route(url, fulfil)
    try:
        page.goto(url)
    finally:
        page.unroute(url, fulfil)


def start_axe(page: Any) -> None:
    """Start axe-core's WCAG 2.1 A/AA rules on the page as it is now, without waiting: another
    page's run can go on meanwhile (each page has its own renderer process)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    page.evaluate(
        "(tags) => { window.axeRun = axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}); }",
        WCAG_TAGS,
    )


def finish_axe(page: Any) -> list[dict[str, Any]]:
    """The violations of the run ``start_axe`` started on the page."""
    return list(page.evaluate("() => window.axeRun.then((result) => result.violations)"))


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    start_axe(page)
    return finish_axe(page)


def describe(violations: list[dict[str, Any]], where: str) -> list[str]:
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            lines.append(
                f"{where}: {violation['id']} ({violation['impact']}) {node['target']}: "
                f"{node.get('failureSummary', '').splitlines()[-1:]}"
            )
        if len(violation["nodes"]) > 5:
            lines.append(f"{where}: {violation['id']}: {len(violation['nodes']) - 5} more")
    return lines
