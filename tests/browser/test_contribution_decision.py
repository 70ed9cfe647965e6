"""A curator amends a hospital's proposal in chromium: French fields, not JSON."""

from __future__ import annotations

import re

import pytest
import requests

from shared_reference.models import Contribution
from tests.browser.test_reference_journal import CURATOR, reference_world
from tests.conftest import PASSWORD

__all__ = ["reference_world"]
pytestmark = pytest.mark.slow


def test_a_curator_amends_a_date_typed_the_french_way(browser, live_server_port, reference_world):
    proposed = requests.post(
        f"http://127.0.0.1:{live_server_port}/api/reference/v1/contributions/",
        json={
            "kind": "correction",
            "target": str(reference_world["evita"].uuid),
            "proposal": {"end_of_support": "2032-06-30", "expected_life_years": 10},
            "source": "Notice technique, révision C",
        },
        headers={"Host": "localhost", "Authorization": f"Api-Key {reference_world['key']}"},
        timeout=10,
    )
    assert proposed.status_code == 201, proposed.text
    base = f"http://localhost:{live_server_port}"
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{base}/reference/contributions/{proposed.json()['id']}/")
        page.get_by_label("Adresse e-mail").fill(CURATOR)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/reference/contributions/\d+/$"))
        support = page.get_by_label("Fin de support", exact=True)
        assert support.input_value() == "30/06/2032"
        support.fill("31/09/2032")
        page.get_by_role("button", name="Accepter").click()
        page.wait_for_selector(".invalid-feedback")
        error = page.locator('[data-field="end_of_support"]').inner_text()
        assert "jj/mm/aaaa" in error
        hospitals = page.locator(".form-text", has_text="proposait").inner_text()
        assert hospitals.startswith("L\u2019établissement proposait\u00a0: 30/06/2032")
        page.get_by_label("Fin de support", exact=True).fill("30/09/2032")
        page.get_by_role("button", name="Accepter").click()
        page.wait_for_url(f"{base}/reference/contributions/")
    finally:
        context.close()
    contribution = Contribution.objects.get(pk=proposed.json()["id"])
    assert contribution.status == Contribution.Status.AMENDED
    assert str(contribution.result.end_of_support) == "2032-09-30"
