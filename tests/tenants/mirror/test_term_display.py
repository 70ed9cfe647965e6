"""Mirrored nomenclature codes read as labels a person reads, on the pages that show them."""

from __future__ import annotations

import uuid

from django_tenants.utils import tenant_context

from tenants.mirror.models import ReferenceTerm
from tenants.requests.models import EquipmentRequest
from tests.conftest import client_for, host_of


def test_a_requests_nomenclature_code_is_shown_with_its_label_in_sentence_case(tenant, chain):
    with tenant_context(tenant):
        ReferenceTerm.objects.create(
            uuid=uuid.uuid4(), system="emdn", code="Z120301", label_en="PULMONARY VENTILATORS"
        )
        request = chain["request"]
        EquipmentRequest.objects.filter(pk=request.pk).update(nomenclature_code="Z120301")
    client = client_for(host_of(tenant), chain["users"]["requester"], tenant)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Z120301 Pulmonary ventilators" in page
