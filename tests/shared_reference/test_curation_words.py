"""The curation pages speak French: kinds and fields by name, values readable, plurals right."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group

from demo.catalogue import load_demo_catalogue
from shared_reference.models import DeviceModel, Release
from shared_reference.services import publish_release
from tests.conftest import client_for


@pytest.fixture
def curator(make_user):  # type: ignore[no-untyped-def]
    user = make_user(None, email="words@ref.test")
    user.groups.add(Group.objects.get(name="curators"))
    return client_for("localhost", user)


@pytest.fixture
def published(db):  # type: ignore[no-untyped-def]
    load_demo_catalogue()
    return publish_release(notes="catalogue", by="curator")


def test_a_models_history_reads_as_fields_and_dates_not_a_python_dict(published, curator):
    model = DeviceModel.objects.exclude(end_of_support=None).first()
    assert model is not None
    body = curator.get(f"/reference/device-models/{model.uuid}/").content.decode()
    # Everything after the heading (the table's caption repeats it).
    history = body.split("Versions publiées", 1)[1] if "Versions publiées" in body else body
    assert "{&#x27;" not in history and "{'" not in history  # no dict
    assert "end_of_support" not in history and "Fin de support" in history
    assert model.end_of_support.strftime("%d/%m/%Y") in history
    assert "upsert" not in history


def test_the_review_page_names_kinds_and_counts_in_french(published, curator):
    DeviceModel.objects.filter(pk=DeviceModel.objects.first().pk).update(dirty=True)
    body = curator.get("/reference/pending/").content.decode()
    assert "device_model" not in body and "Modèle de dispositif" in body
    assert "1 changement" in body and "1 changements" not in body


def test_a_release_counts_its_changes_with_the_right_plural(published, curator):
    release = Release.objects.get(pk=published.pk)
    body = curator.get(f"/reference/releases/{release.number}/").content.decode()
    assert re.search(rf"{release.change_count} changements", body)
    assert "device_model" not in body and "seq" not in body
