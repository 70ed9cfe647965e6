"""Attacks on the catalogue: hostile search parameters and list forms, other tenants' ids,
files that are not what they say, and people without the right trying purchasing's actions."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context
from openpyxl import Workbook

from tenants.catalogue import services
from tenants.catalogue.models import ListItem, Product, ProductList
from tests.conftest import B_MARKER
from tests.fuzzing import HOSTILE, fuzz
from tests.tenants.catalogue.conftest import client_of

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def own_list(catalogue):  # type: ignore[no-untyped-def]
    owner = catalogue["users"]["cardio"]
    made = services.create_list(owner, "Réassort")
    services.add_to_list(owner, made, Product.objects.get(code="ECG-001"), 2)
    return made


def test_hostile_search_parameters_never_give_a_500(catalogue, tenant):
    client = client_of(tenant, catalogue["users"]["cardio"])
    for name in ("q", "supplier", "market", "family", "favourites", "page"):
        for value in HOSTILE:
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = client.get("/catalogue/", {name: value}, **headers)
                # A NUL byte in a URL is turned away (400) before any view.
                expected = 400 if "\x00" in value else 200
                assert response.status_code == expected, (name, repr(value[:20]))


def test_hostile_posts_to_the_list_forms(catalogue, tenant, own_list):
    client = client_of(tenant, catalogue["users"]["cardio"])
    item = ListItem.objects.get(product_list=own_list)
    product = Product.objects.get(code="SPO-001")
    fuzz(client, "/catalogue/lists/", {"name": "Nouvelle"})
    act = f"/catalogue/lists/{own_list.pk}/act/"
    fuzz(client, act, {"action": "rename", "name": "Autre"})
    fuzz(client, act, {"action": "quantity", "item": str(item.pk), "quantity": "3"})
    fuzz(client, act, {"action": "share", "uf": "3102", "email": "", "can_edit": "on"})
    fuzz(client, act, {"action": "unshare", "share": "1"})
    fuzz(client, f"/catalogue/products/{product.pk}/add/", {"list": "new", "name": "N"})
    add = f"/catalogue/products/{product.pk}/add/"
    fuzz(client, add, {"list": str(own_list.pk), "quantity": "1"})
    fuzz(client, f"/catalogue/products/{product.pk}/favourite/", {"next": "/catalogue/"})
    for value in HOSTILE:
        response = client.get(f"/catalogue/lists/{own_list.pk}/order.xlsx", {"uf": value})
        assert response.status_code == (400 if "\x00" in value else 200), repr(value[:20])


def test_a_requester_manages_nothing_of_the_catalogue(catalogue, tenant, own_list):
    client = client_of(tenant, catalogue["users"]["cardio"])
    product = Product.objects.get(code="ECG-001")
    photo = SimpleUploadedFile("p.png", PNG, "image/png")
    response = client.post(f"/catalogue/products/{product.pk}/photo/new/", {"photo": photo})
    assert response.status_code == 403
    assert client.get("/catalogue/import/").status_code == 403
    assert client.post("/catalogue/import/1/apply/").status_code == 403
    product.refresh_from_db()
    assert not product.photo


def test_someone_else_s_list_is_neither_seen_nor_changed(catalogue, tenant, own_list):
    client = client_of(tenant, catalogue["users"]["neuro"])
    for url in (f"/catalogue/lists/{own_list.pk}/", f"/catalogue/lists/{own_list.pk}/order.xlsx"):
        assert client.get(url).status_code == 404
    for action in ("rename", "delete", "share", "quantity", "remove"):
        response = client.post(
            f"/catalogue/lists/{own_list.pk}/act/", {"action": action, "name": "Volée"}
        )
        assert response.status_code == 404
    product = Product.objects.get(code="CIR-001")
    response = client.post(
        f"/catalogue/products/{product.pk}/add/", {"list": str(own_list.pk), "quantity": "1"}
    )
    assert response.status_code == 404
    own_list.refresh_from_db()
    assert own_list.name == "Réassort" and own_list.items.count() == 1


def test_another_tenant_s_products_lists_and_jobs_are_not_found(catalogue, tenant, other_tenant):
    from tenants.imports.models import ImportJob

    with tenant_context(other_tenant):
        products = list(Product.objects.values_list("pk", flat=True))
        lists = list(ProductList.objects.values_list("pk", flat=True))
        jobs = list(ImportJob.objects.values_list("pk", flat=True))
    connection.set_tenant(tenant)  # type: ignore[attr-defined]
    mine = set(Product.objects.values_list("pk", flat=True))
    my_lists = set(ProductList.objects.values_list("pk", flat=True))
    my_jobs = set(ImportJob.objects.values_list("pk", flat=True))
    buyer = client_of(tenant, catalogue["users"]["buyer"])
    for pk in [p for p in products if p not in mine]:
        for path in ("", "photo/"):
            response = buyer.get(f"/catalogue/products/{pk}/{path}")
            assert response.status_code == 404
        assert buyer.post(f"/catalogue/products/{pk}/favourite/").status_code == 404
    for pk in [p for p in lists if p not in my_lists]:
        assert buyer.get(f"/catalogue/lists/{pk}/").status_code == 404
        assert buyer.get(f"/catalogue/lists/{pk}/order.xlsx").status_code == 404
        assert buyer.post(f"/catalogue/lists/{pk}/act/", {"action": "delete"}).status_code == 404
    for pk in [p for p in jobs if p not in my_jobs]:
        response = buyer.get(f"/catalogue/import/{pk}/")
        assert response.status_code == 404
        assert buyer.post(f"/catalogue/import/{pk}/apply/").status_code == 404
    for url in ("/catalogue/", "/catalogue/lists/", "/catalogue/?q=Product"):
        assert B_MARKER not in buyer.get(url).content.decode()
    with tenant_context(other_tenant):
        assert ProductList.objects.count() == len(lists)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", b"MZ\x90\x00 not an image"),
        ("photo.jpg", b"<svg onload=alert(1)></svg>"),
        ("photo.svg", b"<svg onload=alert(1)></svg>"),
        ("photo.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("photo", PNG),
        ("photo.png", b""),
    ],
)
def test_a_photo_that_is_not_an_image_is_refused(catalogue, tenant, name, data):
    buyer = client_of(tenant, catalogue["users"]["buyer"])
    product = Product.objects.get(code="ECG-001")
    upload = SimpleUploadedFile(name, data, "image/png")
    response = buyer.post(f"/catalogue/products/{product.pk}/photo/new/", {"photo": upload})
    assert response.status_code in (302, 400)
    product.refresh_from_db()
    assert not product.photo


def test_a_product_code_cannot_place_its_photo_outside_the_tenant_s_folder(catalogue, tenant):
    buyer = client_of(tenant, catalogue["users"]["buyer"])
    product = Product.objects.get(code="ECG-001")
    Product.objects.filter(pk=product.pk).update(code="../../t_bravo/catalogue/B-1")
    upload = SimpleUploadedFile("p.png", PNG, "image/png")
    response = buyer.post(f"/catalogue/products/{product.pk}/photo/new/", {"photo": upload})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.photo.name.startswith(f"{tenant.schema_name}/catalogue/")
    assert ".." not in product.photo.name


def test_an_import_file_with_formulas_or_not_a_spreadsheet_never_gives_a_500(catalogue, tenant):
    buyer = client_of(tenant, catalogue["users"]["buyer"])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Code article", "Désignation", "Prix unitaire HT"])
    sheet.append(["=1+1", '=HYPERLINK("http://evil","x")', "=A2*1e308"])
    sheet.append(["X-1", "\u200b", "1e30"])
    out = io.BytesIO()
    book.save(out)
    for name, data in (
        ("c.xlsx", out.getvalue()),
        ("c.xlsx", b"PK\x03\x04 broken"),
        ("c.csv", b"\xff\xfe\x00\x00"),
        ("c.csv", b"Code article;D\x00\n"),
        ("c.exe", b"MZ"),
    ):
        upload = SimpleUploadedFile(name, data)
        response = buyer.post("/catalogue/import/", {"file": upload})
        assert response.status_code < 500, name


def test_a_list_exported_keeps_formulas_typed_in_the_catalogue_as_text(catalogue, tenant):
    from openpyxl import load_workbook

    owner = catalogue["users"]["cardio"]
    product = Product.objects.get(code="ECG-001")
    Product.objects.filter(pk=product.pk).update(designation='=HYPERLINK("http://x","y")')
    made = services.create_list(owner, "=1+1")
    services.add_to_list(owner, made, product, 1)
    response = client_of(tenant, owner).get(f"/catalogue/lists/{made.pk}/order.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=")]
    assert cells and all(cell.data_type == "s" for cell in cells)
