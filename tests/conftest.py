"""Shared fixtures: two real tenants in their own schemas, clients on their hosts, a real worker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from saas.runner import stop_process
from saas.tenancy import provisioning
from saas.tenancy.context import use_public_schema
from saas.tenancy.models import Tenant, TenantKind, TenantStatus
from saas.tenancy.provisioning import delete_tenant_schema, provision_tenant, schema_name_for
from saas.tenancy.schemas import rename_schema
from saas.tenancy.services import ensure_public_tenant
from tenants.accounts.models import User
from tenants.structure.models import Establishment
from tests.schema_copies import PARKED_SPARE, spare_copy

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


@cache
def server_password_hash() -> str:
    """PASSWORD hashed with the product's hasher, for the users a server process signs in.

    The test process hashes with a fast hasher (pytest_configure); the web server checks with
    the product's, which costs about a second per hash by design. Hashed once per session and
    given to every such user: the server still checks each sign-in against it in full.
    """
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD, hasher="pbkdf2_sha256")


# Tenant B's data carries this marker: isolation tests look for it in every response.
B_MARKER = "SECRETB"
CLOSED_REFERENCE_API = "http://127.0.0.1:9/api/reference/v1/"


def create_tenant(subdomain: str, name: str, *, kind: str = TenantKind.HOSPITAL) -> Tenant:
    tenant = Tenant.objects.create(
        schema_name=schema_name_for(subdomain),
        name=name,
        kind=kind,
        finess="800000044",
        contact_email=f"admin@{subdomain}.test",
        status=TenantStatus.PROVISIONING,
    )
    result = provision_tenant(tenant.pk, subdomain=subdomain, admin_email=f"admin@{subdomain}.test")
    return result.tenant


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing every test user's password with the production cost would triple the run time.
    # The production hasher stays available for users that a server process must sign in.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    # No test reaches a reference server by accident (one on port 8000, say): those that sync
    # name theirs; the others find a closed port, as when the reference server is down.
    settings.REFERENCE_API_URL = CLOSED_REFERENCE_API
    # Uploads and exports of the tests (and of the worker they start) go to a throw-away folder.
    import tempfile

    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="test-media-")
    settings.MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
    # pytest-xdist's workers (dev.py test runs one per core) share the Redis database of the
    # cache, each with its own test database: the cache keys of one worker (and of the worker
    # and web server processes it starts, which inherit the environment) carry its id, so that
    # the same tenant's import progress or login counts of another worker are never read, and
    # _fresh_throttle_counters forgets only this worker's.
    worker = xdist_worker(config)
    if worker:
        os.environ["CACHE_KEY_PREFIX"] = f"test-{worker}"
        settings.CACHES["default"]["KEY_PREFIX"] = os.environ["CACHE_KEY_PREFIX"]


def xdist_worker(config: pytest.Config) -> str:
    """The pytest-xdist worker's id (gw0, gw1...) of this process; empty when tests run in
    the process pytest was started as (``-n 0``, ``-p no:xdist``)."""
    return str(getattr(config, "workerinput", {}).get("workerid", ""))


def is_walk(item: pytest.Item) -> bool:
    return item.nodeid.startswith("tests/browser/test_accessibility")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In one process, the accessibility walk runs last: its demo, built in the background from
    the start of the session, is then ready when its turn comes instead of keeping the walk
    waiting for minutes (its tests come first in file order). The others keep their order.

    Under pytest-xdist (``--dist loadfile --no-loadscope-reorder``: files are handed to the
    workers in this order), the walk, the longest file, comes first: the worker it goes to
    builds the demo from its own test database's set-up (pytest_runtest_setup below) while the
    other workers take the rest; given last, it would leave one worker walking alone at the
    end. Every worker sorts alike, as pytest-xdist requires."""
    walk = [item for item in items if is_walk(item)]
    if walk:
        rest = [item for item in items if not is_walk(item)]
        items[:] = walk + rest if xdist_worker(config) else rest + walk


def pytest_collection_finish(session: pytest.Session) -> None:
    """The accessibility walk's demo takes a minute to build: the test database's set-up starts
    it in the background (from a copy of its migrated database), so that it is ready when the
    walk's turn comes. A pytest-xdist worker collects every test but runs only those it is
    given: it wants the demo once it is given the walk (pytest_runtest_setup)."""
    if session.config.option.collectonly or os.environ.get("ACCESSIBILITY_DEMO_PORT"):
        return
    if xdist_worker(session.config):
        return
    if any("demo_site" in getattr(item, "fixturenames", ()) for item in session.items):
        from tests.browser import demo_site

        demo_site.wanted = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A pytest-xdist worker given the walk wants its demo, before its fixtures are set up: when
    the walk is the first file this worker runs (as tests/conftest.py orders them), the test
    database's set-up is still to come and starts the build from its copy; otherwise the walk
    builds the demo from nothing when it needs it (demo_site.built_site)."""
    if not is_walk(item) or not xdist_worker(item.config):
        return
    if os.environ.get("ACCESSIBILITY_DEMO_PORT"):
        return
    from tests.browser import demo_site

    demo_site.wanted = True


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Whatever stopped the session (-x, Ctrl-C), the walk's demo leaves nothing behind."""
    from tests.browser.demo_site import stop_building

    stop_building()


def put_behind(schema_name: str) -> None:
    """Make a schema look like it predates the latest migration: the reconciliation's decisions
    (a leaf of the migration graph: two tables, undone by dropping them), undone."""
    from django.db.migrations.loader import MigrationLoader

    leaf = ("finance", "0002_asset_match")
    # Undone alone, a migration others depend on would leave an inconsistent history.
    assert not MigrationLoader(None).graph.node_map[leaf].children, f"{leaf} is no longer a leaf"
    # Inside the schema: the audit triggers write to the event table of the search_path's schema.
    with schema_context(schema_name), connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{schema_name}".finance_assetmatchaudit')
        cursor.execute(f'DROP TABLE "{schema_name}".finance_assetmatch')
        cursor.execute(
            f'DELETE FROM "{schema_name}".django_migrations WHERE app = %s AND name = %s', leaf
        )


def fill_bravo_inventory(member: User) -> None:
    """Tenant B's structure, inventory, lists and jobs, each carrying the marker."""
    from tenants.imports.models import ImportJob
    from tenants.inventory.models import Device, ModelMatch
    from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
    from tenants.structure.models import FunctionalUnit, Pole, Service
    from tenants.tables.models import ExportJob, SavedView, TablePreference

    site = Establishment.objects.order_by("pk")[0]
    pole = Pole.objects.create(establishment=site, code="P1", name=f"Pôle {B_MARKER}")
    service = Service.objects.create(pole=pole, code="S1", name=f"Service {B_MARKER}")
    unit = FunctionalUnit.objects.create(service=service, code="1101", name=f"UF {B_MARKER}")
    maker = ReferenceManufacturer.objects.create(uuid=uuid.uuid4(), name=f"Maker {B_MARKER}")
    model = ReferenceDeviceModel.objects.create(
        uuid=uuid.uuid4(), manufacturer=maker, commercial_name=f"Model {B_MARKER}"
    )
    Device.objects.create(
        inventory_number="INV-1",
        uf=unit,
        manufacturer_name=f"Maker {B_MARKER}",
        model_name=f"Model {B_MARKER}",
        serial_number=B_MARKER,
        reference_model=model,
        match_state="exact",
        attributes={"Note": B_MARKER},
    )
    ModelMatch.objects.create(
        match_key="MAKER|MODEL", manufacturer_name=B_MARKER, model_name=B_MARKER
    )
    SavedView.objects.create(page="inventory.devices", name=B_MARKER, owner=member, is_shared=True)
    TablePreference.objects.create(user=member, page="inventory.devices", query=f"q={B_MARKER}")
    ImportJob.objects.create(
        kind="inventory",
        filename=f"{B_MARKER}.csv",
        created_by=member,
        state="refused",
        problems=[[1, "UF", B_MARKER]],
    )
    ExportJob.objects.create(page="inventory.devices", query=f"q={B_MARKER}", created_by=member)
    from tenants.alerts.models import Alert
    from tenants.mirror.models import ModelOverlay, SentContribution

    ModelOverlay.objects.create(model=model, aliases=[B_MARKER], note=B_MARKER)
    SentContribution.objects.create(
        central_id=1, model=model, proposal={"commercial_name": B_MARKER}, source=B_MARKER
    )
    alert = Alert.objects.create(
        kind="end_of_support",
        key=f"eos:{model.uuid}:2027-01-01",
        reference_uuid=model.uuid,
        data={"model": B_MARKER, "manufacturer": B_MARKER, "date": "2027-01-01"},
        device_count=1,
    )
    alert.units.add(unit)
    fill_bravo_requests(member, unit)
    fill_bravo_markets(model.uuid)
    fill_bravo_catalogue(member, unit)


def fill_bravo_markets(model_uuid: uuid.UUID) -> None:
    """Tenant B's central market followed (a maintenance lot of its model) and local market,
    each used by its legal entity, carrying the marker."""
    from tenants.markets.models import Lot, Market, MarketUse, PurchasingBody, Supplier

    body = PurchasingBody.objects.create(
        central_uuid=uuid.uuid4(), code="resah", name=f"Body {B_MARKER}"
    )
    followed = Market.objects.create(
        origin="central",
        central_uuid=uuid.uuid4(),
        purchasing_body=body,
        reference=f"C-{B_MARKER}",
        title=f"Central {B_MARKER}",
    )
    own = Market.objects.create(origin="local", reference=f"L-{B_MARKER}", title=B_MARKER)
    for market in (followed, own):
        lot = Lot.objects.create(
            market=market,
            number="1",
            title=f"Lot {B_MARKER}",
            scopes=["maintenance"],
            device_models=[model_uuid],
        )
        lot.suppliers.add(Supplier.objects.create(name=f"Supplier {B_MARKER} {market.pk}"))
        MarketUse.objects.create(
            market=market, legal_entity_finess="800000044", local_reference=B_MARKER
        )


def fill_bravo_purchasing(member: User, line: Any) -> None:
    """Tenant B's off-contract exception, purchase file and purchase request, marked."""
    import datetime

    from tenants.markets.models import Supplier
    from tenants.purchasing.models import (
        ChecklistItem,
        DocumentJob,
        OffContractException,
        OrderLine,
        PurchaseFile,
        PurchaseRequest,
    )

    today = datetime.date.today()
    supplier = Supplier.objects.create(name=f"Purchasing supplier {B_MARKER}")
    exception = OffContractException.objects.create(
        code="HM4",
        supplier=supplier,
        valid_from=today,
        valid_until=today,
        note=B_MARKER,
        created_by=member,
    )
    file = PurchaseFile.objects.create(title=f"File {B_MARKER}", lead=member, created_by=member)
    file.plan_lines.set([line])
    ChecklistItem.objects.create(file=file, kind="fluids", note=B_MARKER)
    item = PurchaseRequest.objects.create(
        file=file,
        supplier=supplier,
        quote_date=today,
        quote_number=B_MARKER,
        exception=exception,
        created_by=member,
    )
    OrderLine.objects.create(
        request=item, plan_line=line, description=B_MARKER, quantity=1, unit_price=1, vat_rate=20
    )
    DocumentJob.objects.create(
        request=item, version=item.version, state="failed", reason=B_MARKER, requested_by=member
    )


def fill_bravo_catalogue(member: User, unit: Any) -> None:
    """Tenant B's catalogue: a product on a market, a favourite, a list shared with its UF."""
    from tenants.catalogue.models import (
        Family,
        Favourite,
        ListItem,
        ListShare,
        Product,
        ProductList,
    )
    from tenants.imports.models import ImportJob
    from tenants.markets.models import Lot, Market, Supplier

    market = Market.objects.create(origin="local", reference="CAT-B", title=f"Market {B_MARKER}")
    product = Product.objects.create(
        code="B-1",
        designation=f"Product {B_MARKER}",
        family=Family.objects.create(name=f"Family {B_MARKER}"),
        supplier=Supplier.objects.create(name=f"Supplier {B_MARKER} catalogue"),
        supplier_reference=B_MARKER,
        market=market,
        lot=Lot.objects.create(market=market, number="1", title=B_MARKER),
    )
    Favourite.objects.create(user=member, product=product)
    kept = ProductList.objects.create(name=f"List {B_MARKER}", owner=member, note=B_MARKER)
    ListItem.objects.create(product_list=kept, product=product, quantity=3, note=B_MARKER)
    ListShare.objects.create(product_list=kept, uf=unit, can_edit=True)
    ImportJob.objects.create(
        kind="catalogue",
        filename=f"{B_MARKER}.csv",
        created_by=member,
        state="refused",
        problems=[[1, "Marché", B_MARKER]],
    )


def fill_bravo_requests(member: User, unit: Any) -> None:
    """Tenant B's campaign, envelope, granted request with its plan line, notification,
    document and comment, each carrying the marker."""
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    from tenants.campaigns.models import Campaign, Envelope
    from tenants.documents.models import Comment, Document
    from tenants.notifications.models import Notification
    from tenants.plan.models import PlanLine
    from tenants.requests.models import EquipmentRequest, RequestEvent

    today = datetime.date.today()
    campaign = Campaign.objects.create(
        name=f"Campaign {B_MARKER}",
        nature="equipment",
        year=today.year + 1,
        opens=today - datetime.timedelta(days=10),
        closes=today + datetime.timedelta(days=10),
    )
    campaign.establishments.set([unit.service.pole.establishment])
    Envelope.objects.create(
        campaign=campaign, pole=unit.service.pole, amount=1000, source="own_funds", label=B_MARKER
    )
    request = EquipmentRequest.objects.create(
        campaign=campaign,
        uf=unit,
        nature="equipment",
        title=f"Request {B_MARKER}",
        argument=B_MARKER,
        state="granted",
        granted_amount=900,
        requested_by=member,
    )
    request.parts.create(kind="investment", quantity=1, unit_price=900, description=B_MARKER)
    RequestEvent.objects.create(
        request=request,
        action="submit",
        from_state="draft",
        to_state="submitted",
        actor=member,
        reason=B_MARKER,
    )
    line = PlanLine.objects.create(
        request=request,
        campaign=campaign,
        year=campaign.year,
        uf=unit,
        nature="equipment",
        title=f"Line {B_MARKER}",
        amount=900,
        created_by=member,
    )
    fill_bravo_purchasing(member, line)
    Notification.objects.create(recipient=member, subject=B_MARKER, url="/", body=B_MARKER)
    target = {
        "content_type": ContentType.objects.get_for_model(EquipmentRequest),
        "object_id": request.pk,
    }
    Comment.objects.create(author=member, text=B_MARKER, **target)
    document = Document(
        name=f"{B_MARKER}.txt", size=7, mime_type="text/plain", uploaded_by=member, **target
    )
    document.file.save("note.txt", ContentFile(B_MARKER.encode()), save=False)
    document.save()


def start_demo_build(test_database: str) -> None:
    """The accessibility walk's demo, when the walk was collected, starts from a copy of the
    test database as it is now: the public schema migrated and one spare schema in the pool."""
    from tests.browser import demo_site

    if demo_site.wanted:
        connection.close()  # a database is copied only when nobody is connected to it
        demo_site.start_building(template=test_database)


@pytest.fixture(scope="session")
def django_db_setup(  # type: ignore[no-untyped-def]
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """Test database plus the public host and two tenants, created once and committed.

    Replaces pytest-django's fixture, which creates no database when the collected tests only
    use committed data (browser and worker suites) and would leave them on the dev database.
    Like it, asks for ``django_db_modify_db_settings``: each pytest-xdist worker's test database
    is named after it (test_<name>_gw0...).
    """
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    worker = xdist_worker(request.config)
    database = settings.DATABASES["default"]
    test_name = database.get("TEST", {}).get("NAME") or f"test_{database['NAME']}"
    # Two workers on one test database would each drop it under the other at set-up.
    assert not worker or test_name.endswith(f"_{worker}"), f"{worker} would share {test_name}"
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
        name = connection.settings_dict["NAME"]
        assert name.startswith("test_"), f"refusing to create test tenants in {name}"
        # One schema migrated from scratch for the session; the tenants are provisioned from
        # spares copied from it (tests/schema_copies.py: seconds, where migrating takes a
        # minute), and it is parked for the tests that need a spare of their own.
        made = provisioning.create_spare_schema()
        start_demo_build(name)
        rename_schema(made.schema_name, PARKED_SPARE)
        Tenant.objects.filter(pk=made.pk).delete()
        ensure_public_tenant()
        spare_copy(PARKED_SPARE)
        alpha = create_tenant("alpha", "Hôpital Alpha")
        spare_copy(PARKED_SPARE)
        bravo = create_tenant("bravo", "Hôpital Bravo", kind=TenantKind.GHT)
        with tenant_context(alpha):
            Establishment.objects.create(
                name="Site Alpha",
                finess="800000259",
                legal_entity_name="Alpha",
                legal_entity_finess="800000044",
            )
        with tenant_context(bravo):
            member = User.objects.create_user(
                f"member-{B_MARKER.lower()}@bravo.test", full_name=B_MARKER
            )
            for i, finess in enumerate(("800000051", "800000077")):
                Establishment.objects.create(
                    name=f"Site Bravo {i} {B_MARKER}",
                    finess=finess,
                    legal_entity_name=f"Bravo {B_MARKER}",
                    legal_entity_finess="800000044",
                )
            fill_bravo_inventory(member)
    yield
    with django_db_blocker.unblock():
        use_public_schema()
        with connection.cursor() as cursor:  # connections other threads or greenlets opened
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(db_cfg, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> Iterator[None]:
    """The login and e-mail limits count in Redis, which outlives each test's transaction:
    forget this test's counts (only theirs: the cache's Redis database may be shared, by
    pytest-xdist's other workers too, whose keys carry their own prefix)."""
    yield
    from django.core.cache import cache

    client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    # Keys are "<schema>:<prefix>:<version>:<key>" (django_tenants.cache.make_key).
    pattern = f"*:{cache.key_prefix}:*throttle:*"
    keys = list(client.scan_iter(match=pattern, count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _public_schema_between_tests() -> Iterator[None]:
    """Requests leave the connection on their tenant's schema (as in production); reset it."""
    use_public_schema()
    yield
    use_public_schema()


@pytest.fixture
def tenant(db) -> Tenant:  # type: ignore[no-untyped-def]
    return Tenant.objects.get(schema_name="t_alpha")


@pytest.fixture
def other_tenant(db) -> Tenant:  # type: ignore[no-untyped-def]
    return Tenant.objects.get(schema_name="t_bravo")


@pytest.fixture(scope="session")
def parked_spare(django_db_setup) -> str:  # type: ignore[no-untyped-def]
    """The session's freshly migrated schema, committed under a name that is no spare's,
    without its registry row (dropped with the test database)."""
    return PARKED_SPARE


@pytest.fixture
def spare(db, parked_spare: str) -> Tenant:  # type: ignore[no-untyped-def]
    """The session's spare, in the pool as ``create_spare_schema`` leaves one: under a spare's
    name, with its row. Inside the test's transaction, so that whatever the test does to it
    (claim, put behind, migrate) is undone for the next test."""
    schema_name = provisioning.SPARE_PREFIX + uuid.uuid4().hex[:20]
    rename_schema(parked_spare, schema_name)
    return Tenant.objects.create(
        schema_name=schema_name, name="spare", kind=TenantKind.PLATFORM, status=TenantStatus.SPARE
    )


def host_of(tenant: Tenant) -> str:
    domain = tenant.get_primary_domain()
    assert domain is not None
    return domain.domain


@pytest.fixture
def make_user() -> Callable[..., User]:
    def make(tenant: Tenant | None = None, email: str | None = None, **extra: object) -> User:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.org"
        if tenant is None:
            with schema_context("public"):
                return User.objects.create_user(email, PASSWORD, **extra)
        with tenant_context(tenant):
            return User.objects.create_user(email, PASSWORD, **extra)

    return make


def client_for(host: str, user: User | None = None, tenant: Tenant | None = None) -> Client:
    """A test client speaking to ``host``, logged in as ``user`` (stored in ``tenant``'s schema)."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        if tenant is None:
            with schema_context("public"):
                client.force_login(user)
        else:
            with tenant_context(tenant):
                client.force_login(user)
    use_public_schema()
    return client


@pytest.fixture
def public_client() -> Client:
    return Client(HTTP_HOST="localhost")


# --- committed data and a real Celery worker ---------------------------------------------------


@pytest.fixture
def live_db(django_db_blocker) -> Iterator[list[Tenant]]:  # type: ignore[no-untyped-def]
    """Database access without a wrapping transaction, for what another process must see.

    Tenants appended to the yielded list are dropped (schema and row) afterwards.
    """
    created: list[Tenant] = []
    with django_db_blocker.unblock():
        yield created
        use_public_schema()
        for tenant in created:
            delete_tenant_schema(tenant)


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return Path(tmp_path_factory.mktemp("worker-mail"))


def database_url(name: str | None = None) -> str:
    """The URL of the suite's database server with database ``name`` (by default the one the
    connection uses: the test database once created), for the processes the tests start."""
    db = connection.settings_dict
    options = db.get("OPTIONS", {})
    host = db.get("HOST") or options.get("host", "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    query = f"?host={quote(host, safe='')}" if host.startswith("/") else ""
    netloc = "" if query else f"{host}{port}"
    return f"postgres://{user}{password}@{netloc}/{quote(name or db['NAME'], safe='')}{query}"


def test_database_url() -> str:
    """The URL of the test database, for the processes the tests start (worker, web server)."""
    return database_url()


def process_env(mail_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SPARE_SCHEMA_POOL_SIZE": "0",
        # The suite's workers rarely convert a PDF: LibreOffice starts on the first one instead
        # of costing each worker ~6 s of CPU and ~125 MB as it starts.
        "WORD_PDF_WARM_AT_START": "0",
        **extra,
    }


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, mail_dir) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A real ``celery worker`` process on the test database and a queue of its own."""
    from saas.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    # Tenants that sync through this worker name their reference server (SyncState.api_url);
    # those that do not reach a closed port rather than whatever listens on the default one.
    env = process_env(mail_dir, CELERY_QUEUE=queue, REFERENCE_API_URL=CLOSED_REFERENCE_API)
    worker = start_worker(queue, env)
    yield queue
    stop_process(worker, timeout=20)


def start_worker(queue: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A ``celery worker`` process consuming ``queue``, once it answers a ping."""
    from saas.celery import app

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "saas",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-l",
            "WARNING",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            return worker
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker died at start-up")
    worker.kill()
    raise RuntimeError("the Celery worker did not answer within 60 s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server_queue() -> Iterator[str]:
    """The Celery queue of the test web server's tasks: its own, consumed only by
    ``live_server_worker`` (for the pages whose work a worker does), deleted after."""
    import redis
    from django.conf import settings

    queue = f"web-{uuid.uuid4().hex[:8]}"
    yield queue
    redis.Redis.from_url(settings.REDIS_URL).delete(queue)


@pytest.fixture(scope="session")
def live_server_worker(live_server_queue: str, mail_dir: Path) -> Iterator[str]:
    """A real ``celery worker`` consuming the test web server's tasks."""
    env = process_env(
        mail_dir, CELERY_QUEUE=live_server_queue, REFERENCE_API_URL=CLOSED_REFERENCE_API
    )
    worker = start_worker(live_server_queue, env)
    yield live_server_queue
    stop_process(worker, timeout=20)


@pytest.fixture(scope="session")
def live_server_port(  # type: ignore[no-untyped-def]
    django_db_setup, mail_dir: Path, live_server_queue: str
) -> Iterator[int]:
    """``manage.py runserver`` on the test database, as the product would answer a browser."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=process_env(mail_dir, PUBLIC_URL_PORT=str(port), CELERY_QUEUE=live_server_queue),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(
                f"http://127.0.0.1:{port}/health/", headers={"Host": "localhost"}, timeout=10
            )
            break
        except (requests.ConnectionError, requests.Timeout):  # not up, or slow to first answer
            if server.poll() is not None:
                raise RuntimeError("the web server died at start-up") from None
            time.sleep(0.2)
    yield port
    stop_process(server)


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[str]:
    """A real OpenID Connect provider (oidc-provider-mock) on a thread of the test process."""
    from oidc_provider_mock import run_server_in_thread

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the mock speaks plain HTTP on localhost
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def make_provider(
    tenant: Tenant, oidc_server: str, slug: str, client_id: str, *rules: tuple[str, str, str]
):  # type: ignore[no-untyped-def]
    """A provider of ``tenant`` on the test OIDC server; rules are (groups value, role, scope)."""
    from tenants.sso.models import ClaimRoleMapping, IdentityProvider

    with tenant_context(tenant):
        provider = IdentityProvider(
            name="Keycloak CHU",
            slug=slug,
            discovery_url=f"{oidc_server}/.well-known/openid-configuration",
            client_id=client_id,
        )
        provider.client_secret = f"{client_id}-secret"
        provider.save()
        for value, role, scope in rules:
            ClaimRoleMapping.objects.create(
                provider=provider, claim_path="groups", value=value, role=role, scope=scope
            )
    return provider


def set_claims(base: str, sub: str, **claims: object) -> None:
    """What the provider will say about ``sub`` at its next login."""
    import requests

    requests.put(f"{base}/users/{sub}", json=claims, timeout=5).raise_for_status()
