"""Asking for a purchase request's documents (services.start_documents) and the worker's side
(services.run_document_job): one job at a time per request, held by the table; a stale page
refused; a job whose worker died given up; a job run once."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from tenants.purchasing import services
from tenants.purchasing.models import DocumentJob, PurchaseRequest
from tenants.wordtemplates import pdf
from tenants.wordtemplates.selectors import generated_for
from tests.tenants.purchasing.conftest import on_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(buying, tenant):  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        yield on_market(buying)


@pytest.fixture
def buyer(buying):  # type: ignore[no-untyped-def]
    return buying["users"]["buyer"]


@pytest.fixture
def fake_pdf(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pdf, "to_pdf", lambda docx: b"%PDF-1.7 made")


def test_asking_queues_a_job_for_the_version_shown(item, buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as sent:
        job, started = services.start_documents(item, by=buyer, expected_version=item.version)
    assert started and job.state == "queued"
    assert job.version == item.version and job.requested_by == buyer
    assert len(sent) == 1  # the task goes out once the job is committed


def test_asking_again_while_a_job_is_on_answers_with_that_job(item, buyer):
    first, _ = services.start_documents(item, by=buyer, expected_version=item.version)
    for state in ("queued", "running"):
        DocumentJob.objects.filter(pk=first.pk).update(state=state)
        again, started = services.start_documents(item, by=buyer, expected_version=item.version)
        assert again.pk == first.pk and not started
    assert DocumentJob.objects.count() == 1


def test_once_done_the_documents_may_be_asked_again(item, buyer):
    first, _ = services.start_documents(item, by=buyer, expected_version=item.version)
    DocumentJob.objects.filter(pk=first.pk).update(state="done")
    again, started = services.start_documents(item, by=buyer, expected_version=item.version)
    assert started and again.pk != first.pk


def test_the_table_holds_one_active_job_per_request(item, buyer):
    services.start_documents(item, by=buyer, expected_version=item.version)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentJob.objects.create(request=item, version=item.version, requested_by=buyer)
    # Finished ones are history: any number of them.
    DocumentJob.objects.update(state="done")
    DocumentJob.objects.create(request=item, version=item.version, requested_by=buyer, state="done")


def test_an_asker_who_missed_the_lock_gets_the_job_already_there(item, buyer, monkeypatch):
    first, _ = services.start_documents(item, by=buyer, expected_version=item.version)
    # As if the check had run before the other asker's job was written: the constraint
    # refuses the second job, and the asker is answered with the first.
    looks: list[int] = []

    def missed_then_found(locked: PurchaseRequest) -> DocumentJob | None:
        looks.append(1)
        return None if len(looks) == 1 else DocumentJob.objects.get(pk=first.pk)

    monkeypatch.setattr(services, "_active_job", missed_then_found)
    again, started = services.start_documents(item, by=buyer, expected_version=item.version)
    assert again.pk == first.pk and not started
    assert DocumentJob.objects.count() == 1


def test_a_stale_page_is_refused(item, buyer):
    shown = item.version
    services.send_request(item, by=buyer)
    with pytest.raises(services.Refused) as refused:
        services.start_documents(item, by=buyer, expected_version=shown)
    assert refused.value.status == 409 and refused.value.field == "version"
    assert "modifiée depuis l\u2019affichage" in refused.value.reason
    assert not DocumentJob.objects.exists()


def test_who_may_not_produce_is_refused(item, buying):
    with pytest.raises(services.Refused) as refused:
        services.start_documents(item, by=buying["users"]["finance"], expected_version=item.version)
    assert refused.value.status == 403
    assert not DocumentJob.objects.exists()


def test_a_job_whose_worker_died_is_given_up_and_replaced(item, buyer, settings):
    lost, _ = services.start_documents(item, by=buyer, expected_version=item.version)
    assert not lost.is_lost
    old = lost.created - datetime.timedelta(seconds=settings.PURCHASING_DOCUMENT_JOB_TIMEOUT + 1)
    DocumentJob.objects.filter(pk=lost.pk).update(state="running", created=old)
    lost.refresh_from_db()
    assert (
        lost.is_lost and lost.outcome == "failed" and "ne s\u2019est pas terminée" in lost.failure
    )
    job, started = services.start_documents(item, by=buyer, expected_version=item.version)
    assert started and job.pk != lost.pk
    lost.refresh_from_db()
    assert lost.state == "failed" and "ne s\u2019est pas terminée" in lost.reason


def test_the_worker_produces_the_documents_once(item, buyer, fake_pdf):
    job, _ = services.start_documents(item, by=buyer, expected_version=item.version)
    done = services.run_document_job(job.pk)
    assert done is not None and done.state == "done" and done.started and done.finished
    # Delivered twice (acks late, a worker restarted): the second run does nothing.
    again = services.run_document_job(job.pk)
    assert again is not None and again.finished == done.finished
    assert generated_for(PurchaseRequest.objects.get(pk=item.pk)).count() == 2
    assert services.run_document_job(999_999_999) is None


def test_a_request_cancelled_before_the_worker_runs_fails_with_the_reason(item, buyer, fake_pdf):
    job, _ = services.start_documents(item, by=buyer, expected_version=item.version)
    services.cancel_request(item, by=buyer)
    failed = services.run_document_job(job.pk)
    assert failed is not None and failed.state == "failed"
    assert failed.reason.startswith("Une demande d\u2019achat annulée")
