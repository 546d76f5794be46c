"""A value outside a list of choices is refused with the values that list accepts, on every path."""

import copy

import pytest
from django.core.exceptions import ValidationError

from commitments import resources, services
from commitments.catalogue import CatalogueError, import_catalogue, read_catalogue
from commitments.models import Commitment

from .conftest import CATALOGUE
from .factories import CommitmentFactory

KINDS = "infrastructure, programme, trade, policy, security, diplomatic"


def test_the_catalogue_lists_the_valid_kinds(db):
    data = read_catalogue(CATALOGUE)
    broken = copy.deepcopy(data)
    next(e for e in broken["commitments"] if e.get("slug") == "ml1-railway-upgrade")["kind"] = "finance"
    with pytest.raises(CatalogueError) as refused:
        import_catalogue(data=broken)
    assert f"“finance” is not one of the allowed values: {KINDS}." in str(refused.value)
    assert not Commitment.objects.exists()


def test_the_services_list_the_valid_claim_kinds(db):
    commitment = CommitmentFactory()
    statement = commitment.statements.get()
    statement.claim_kind = "boast"
    with pytest.raises(ValidationError) as refused:
        services.save_part(statement, user=None, expected_version=commitment.version)
    assert "“boast” is not one of the allowed values: pledge, joint_pledge, request, reported_result, aspiration." in (
        str(refused.value)
    )


def test_the_admin_import_lists_the_valid_parties(catalogue, editor):
    resource = resources.CommitmentResource()
    dataset = resource.export(queryset=Commitment.objects.filter(slug="ml1-railway-upgrade"))
    dataset.dict = [{**row, "party": "everyone"} for row in dataset.dict]
    result = resource.import_data(dataset, dry_run=True, user=editor)
    errors = " ".join(message for row in result.invalid_rows for message in row.error.messages)
    assert "“everyone” is not one of the allowed values: china, pakistan, both, third_parties." in errors


def test_the_readme_lists_every_value_of_every_list():
    from pathlib import Path

    from django.db import models

    from commitments import vocabulary

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    lists = [
        value for value in vars(vocabulary).values()
        if isinstance(value, type) and issubclass(value, models.TextChoices) and value is not models.TextChoices
    ]  # fmt: skip
    missing = [f"{choices.__name__}.{value}" for choices in lists if choices.__name__ != "LinkState"
               for value in choices.values if f"`{value}`" not in readme]  # fmt: skip
    assert missing == []


def test_the_api_and_the_table_filters_list_the_valid_values(client, db):
    from django.urls import reverse

    refused = client.get(reverse("commitments:api-commitment-list"), {"status": "done"})
    assert refused.status_code == 400
    assert refused.json()["status"] == [
        "“done” is not one of the allowed values: announced, planned, in_progress, ongoing, completed, stalled, "
        "cancelled"
    ]
    page = client.get(reverse("commitments:commitment_list"), {"claim_kind": "boast"}).content.decode()
    assert (
        "“boast” is not one of the allowed values: pledge, joint_pledge, request, reported_result, aspiration" in page
    )


def test_the_staff_progress_form_lists_the_valid_statuses(client, editor):
    from django.urls import reverse

    from .helpers import progress_form

    commitment = CommitmentFactory()
    client.force_login(editor)
    data = progress_form(status="done", version=commitment.version)
    response = client.post(reverse("commitments:staff_record_progress", args=[commitment.slug]), data)
    assert response.status_code == 400
    assert "“done” is not one of the allowed values: announced, planned" in response.content.decode()
