"""Favourites, lists, sharing with an UF or a person, and the order request export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tenants.catalogue import services
from tenants.catalogue.models import ListItem, Product, ProductList
from tenants.catalogue.selectors import lists_for, may_edit
from tests.tenants.catalogue.conftest import client_of


def product(code: str) -> Product:
    return Product.objects.get(code=code)


@pytest.fixture
def cardio_list(catalogue):  # type: ignore[no-untyped-def]
    owner = catalogue["users"]["cardio"]
    made = services.create_list(owner, "Réassort cardiologie")
    services.add_to_list(owner, made, product("ECG-001"), 10)
    services.add_to_list(owner, made, product("SPO-001"), 2)
    return made


def test_a_list_shared_with_an_uf_is_seen_by_its_people_only(catalogue, cardio_list):
    users = catalogue["users"]
    assert list(lists_for(users["cardio2"])) == []
    services.share_list(users["cardio"], cardio_list, uf=catalogue["cardio"])
    assert list(lists_for(users["cardio2"])) == [cardio_list]
    assert list(lists_for(users["neuro"])) == []
    assert list(lists_for(users["nobody"])) == []
    assert not may_edit(users["cardio2"], cardio_list)
    with pytest.raises(services.Refused) as refused:
        services.add_to_list(users["cardio2"], cardio_list, product("CIR-001"))
    assert refused.value.status == 403


def test_an_editing_share_lets_the_uf_edit_but_not_reshare_or_delete(catalogue, cardio_list):
    users = catalogue["users"]
    services.share_list(users["cardio"], cardio_list, uf=catalogue["cardio"], can_edit=True)
    services.add_to_list(users["cardio2"], cardio_list, product("ECG-001"), 5)
    assert ListItem.objects.get(product_list=cardio_list, product__code="ECG-001").quantity == 15
    with pytest.raises(services.Refused):
        services.share_list(users["cardio2"], cardio_list, person=users["neuro"])
    with pytest.raises(services.Refused):
        services.delete_list(users["cardio2"], cardio_list)


def test_a_list_shared_with_a_person(catalogue, cardio_list):
    users = catalogue["users"]
    services.share_list(users["cardio"], cardio_list, person=users["neuro"], can_edit=True)
    assert list(lists_for(users["neuro"])) == [cardio_list]
    assert may_edit(users["neuro"], cardio_list)
    assert list(lists_for(users["cardio2"])) == []


def test_another_ufs_user_can_neither_open_nor_change_the_list(tenant, catalogue, cardio_list):
    users = catalogue["users"]
    services.share_list(users["cardio"], cardio_list, uf=catalogue["cardio"])
    outsider = client_of(tenant, users["neuro"])
    assert outsider.get(reverse("catalogue:list_detail", args=[cardio_list.pk])).status_code == 404
    assert outsider.get(reverse("catalogue:list_export", args=[cardio_list.pk])).status_code == 404
    response = outsider.post(
        reverse("catalogue:list_act", args=[cardio_list.pk]), {"action": "delete"}
    )
    assert response.status_code == 404
    response = outsider.post(
        reverse("catalogue:list_add", args=[product("CIR-001").pk]), {"list": cardio_list.pk}
    )
    assert response.status_code == 404
    assert ProductList.objects.filter(pk=cardio_list.pk).exists()
    reader = client_of(tenant, users["cardio2"])
    page = reader.get(reverse("catalogue:list_detail", args=[cardio_list.pk]))
    assert page.status_code == 200 and "Électrode ECG adulte" in page.content.decode()
    response = reader.post(
        reverse("catalogue:list_act", args=[cardio_list.pk]),
        {"action": "remove", "item": cardio_list.items.first().pk},
    )
    assert response.status_code == 403
    assert cardio_list.items.count() == 2


def test_the_order_request_export(tenant, catalogue, cardio_list):
    users = catalogue["users"]
    client = client_of(tenant, users["cardio"])
    response = client.get(reverse("catalogue:list_export", args=[cardio_list.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:2] == ("UF", "3101 Cardiologie")
    assert rows[2][:2] == ("Requester", "Camille Cardio") or rows[2][1] == "Camille Cardio"
    assert rows[3][1] is not None
    lines = {row[0]: row for row in rows[6:8]}
    assert lines["ECG-001"][1:] == (
        "Électrode ECG adulte pré-gélifiée",
        "Ambu",
        "WS-00-S",
        "sachet de 50",
        10,
        12.4,
        124.0,
    )
    assert lines["SPO-001"][5:] == (2, 185.0, 370.0)
    assert rows[8][0] in ("Total", "Total") and rows[8][7] == 494.0


def test_user_text_stays_text_in_the_export(tenant, catalogue, cardio_list):
    Product.objects.filter(code="ECG-001").update(designation='=HYPERLINK("http://x","y")')
    buffer = io.BytesIO()
    header = services.OrderHeader(
        uf=None, requester=catalogue["users"]["cardio"], day=__import__("datetime").date(2027, 1, 4)
    )
    services.write_order_request(cardio_list, header, buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.cell(7, 2).data_type == "s"


def test_favourites_toggle_through_the_page(tenant, catalogue):
    client = client_of(tenant, catalogue["users"]["neuro"])
    target = product("BRA-001")
    url = reverse("catalogue:favourite", args=[target.pk])
    assert client.post(url).status_code == 302
    page = client.get(reverse("catalogue:search"), {"favourites": "1"})
    assert "BRA-001" in page.content.decode()
    client.post(url)
    page = client.get(reverse("catalogue:search"), {"favourites": "1"})
    assert "BRA-001" not in page.content.decode()


def test_search_page_answers_htmx_with_results_only(tenant, catalogue):
    client = client_of(tenant, catalogue["users"]["neuro"])
    page = client.get(reverse("catalogue:search"), {"q": "electorde"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert page.status_code == 200 and "ECG-001" in body and "<html" not in body
    for odd in ("\x00", "9" * 40, "-1", "é" * 300):
        response = client.get(
            reverse("catalogue:search"), {"q": odd, "page": odd, "supplier": odd, "market": odd}
        )
        assert response.status_code < 500


def test_who_may_search_and_who_may_import(tenant, catalogue):
    users = catalogue["users"]
    search, importing = reverse("catalogue:search"), reverse("catalogue:import")
    assert client_of(tenant, users["neuro"]).get(search).status_code == 200
    assert client_of(tenant, users["nobody"]).get(search).status_code == 403
    assert client_of(tenant, users["neuro"]).get(importing).status_code == 403
    assert client_of(tenant, users["buyer"]).get(importing).status_code == 200


def test_adding_from_the_search_and_bad_quantities(tenant, catalogue, cardio_list):
    client = client_of(tenant, catalogue["users"]["cardio"])
    url = reverse("catalogue:list_add", args=[product("CIR-001").pk])
    assert client.post(url, {"list": cardio_list.pk, "quantity": "3"}).status_code == 302
    assert cardio_list.items.get(product__code="CIR-001").quantity == 3
    item = cardio_list.items.get(product__code="CIR-001")
    act = reverse("catalogue:list_act", args=[cardio_list.pk])
    for bad in ("0", "-4", "99999999999999", "x", "\x00"):
        response = client.post(act, {"action": "quantity", "item": item.pk, "quantity": bad})
        assert response.status_code == 400, bad
    item.refresh_from_db()
    assert item.quantity == 3


def test_the_filters_agree_in_gender_and_nothing_found_is_not_said_corrected(tenant, catalogue):
    """Trial of issue 16: "Fournisseur : Toutes", "Marché : Toutes", and "0 produit
    (orthographe corrigée)" for a word nothing resembles."""
    client = client_of(tenant, catalogue["users"]["neuro"])
    page = client.get(reverse("catalogue:search")).content.decode()
    supplier = page[page.index('name="supplier">') :]
    market = page[page.index('name="market">') :]
    family = page[page.index('name="family">') :]
    assert supplier.startswith('name="supplier"><option value="">Tous</option>')
    assert market.startswith('name="market"><option value="">Tous</option>')
    assert family.startswith('name="family"><option value="">Toutes</option>')
    found = client.get(reverse("catalogue:search"), {"q": "zzzzqq"}, HTTP_HX_REQUEST="true")
    assert "orthographe corrig" not in found.content.decode()
    typo = client.get(reverse("catalogue:search"), {"q": "electorde"}, HTTP_HX_REQUEST="true")
    assert "(orthographe corrig\u00e9e)" in typo.content.decode()
