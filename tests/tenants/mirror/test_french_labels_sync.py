"""French labels a curator imports reach tenants by sync and are found by their words."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from shared_reference.french_labels import import_french_labels
from shared_reference.models import NomenclatureSystem
from shared_reference.services import publish_release
from tenants.mirror import sync
from tenants.mirror.models import ReferenceTerm
from tests.conftest import client_for, host_of

pytestmark = pytest.mark.usefixtures("reference_server", "without_fan_out")


def test_imported_french_labels_reach_the_tenant_and_are_found_without_accents(hospital, make_user):
    with tenant_context(hospital):
        sync.sync_reference()
    system = NomenclatureSystem.objects.get(code="codes-test")
    import_french_labels(
        system, "Z11;Ventilateurs de réanimation\n".encode(), status="confirmed", by="c@ref.test"
    )
    publish_release(notes="Libellés français", by="c@ref.test")
    with tenant_context(hospital):
        assert sync.sync_reference().applied == 1
        assert ReferenceTerm.objects.get(code="Z11").label == "Ventilateurs de réanimation"
    client = client_for(host_of(hospital), make_user(hospital), hospital)
    found = client.get("/suggest/nomenclature/", {"field": "n", "n": "REANIMATION"})
    assert 'data-suggestion="Z11"' in found.content.decode()
