"""Two adds of one product to one list at the same moment (a double click), on two connections."""

from __future__ import annotations

import threading
import time

from django.db import connection, transaction
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.catalogue import services
from tenants.catalogue.models import ListItem, Product, ProductList


def test_two_adds_of_one_product_at_once_make_one_line(django_db_setup, live_db, make_user):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        owner = make_user(alpha)
        kept = ProductList.objects.create(name="Bloc", owner=owner)
        product = Product.objects.create(code="RACE-1", designation="Électrode ECG adulte")
    database = connection.settings_dict["NAME"]
    first_holds_lock = threading.Event()
    failures: list[BaseException] = []

    def connect() -> None:
        connection.settings_dict["NAME"] = database
        connection.set_tenant(alpha)  # type: ignore[attr-defined]

    def first() -> None:
        connect()
        try:
            with transaction.atomic():
                services.add_to_list(owner, kept, product, 2)
                first_holds_lock.set()
                time.sleep(0.5)  # the second arrives while this one is not committed
        except BaseException as exc:
            failures.append(exc)
        finally:
            first_holds_lock.set()
            connection.close()

    def second() -> None:
        connect()
        first_holds_lock.wait(5)
        try:
            services.add_to_list(owner, kept, product, 3)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    connect()
    assert failures == []
    with tenant_context(alpha):
        assert list(
            ListItem.objects.filter(product_list=kept).values_list("quantity", flat=True)
        ) == [5]
