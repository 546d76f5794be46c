"""Every URL of the site, as every role: a new URL without a rule here fails the test."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no role", "viewer", "editor", "administrator"]
PUBLIC = dict.fromkeys(ROLES, 200)
STAFF_PAGE = {"anonymous": 302, "no role": 403, "viewer": 200, "editor": 200, "administrator": 200}
# Django's admin sends a signed-in account that is not staff to its own sign-in page.
ADMIN_PAGE = {**STAFF_PAGE, "no role": 302}
SLUG = "published-road"

# name: (method, url arguments, expected status per role)
RULES = {
    "login": ("get", [], PUBLIC),
    "switch_language": ("get", ["ur"], dict.fromkeys(ROLES, 302)),
    "logout": ("post", [], dict.fromkeys(ROLES, 302)),
    "commitments:dashboard": ("get", [], PUBLIC),
    "commitments:commitment_list": ("get", [], PUBLIC),
    "commitments:commitment_detail": ("get", [SLUG], PUBLIC),
    "commitments:commitment_feed": ("get", [SLUG], PUBLIC),
    "commitments:pillar_list": ("get", [], PUBLIC),
    "commitments:pillar_detail": ("get", ["pillar-road"], PUBLIC),
    "commitments:source_list": ("get", [], PUBLIC),
    "commitments:source_detail": ("get", ["source-road"], PUBLIC),
    "commitments:map": ("get", [], PUBLIC),
    "commitments:feed": ("get", [], PUBLIC),
    "commitments:api-commitment-list": ("get", [], PUBLIC),
    "commitments:api-commitment-detail": ("get", [SLUG], PUBLIC),
    "commitments:api_schema": ("get", [], PUBLIC),
    "commitments:api_docs": ("get", [], PUBLIC),
    "commitments:open_data": ("get", [], PUBLIC),
    "commitments:iati_activities": ("get", [], PUBLIC),
    "commitments:iati_activity": ("get", [SLUG], PUBLIC),
    "commitments:aiddata_csv": ("get", [], PUBLIC),
    "commitments:staff_board": ("get", [], STAFF_PAGE),
    "commitments:staff_commitments": ("get", [], STAFF_PAGE),
    "commitments:staff_overdue": ("get", [], STAFF_PAGE),
    "commitments:staff_stale": ("get", [], STAFF_PAGE),
    "commitments:staff_mine": ("get", [], STAFF_PAGE),
    "commitments:staff_drafts": ("get", [], STAFF_PAGE),
    "commitments:staff_milestones": ("get", [], STAFF_PAGE),
    "commitments:staff_changes": ("get", [], STAFF_PAGE),
    "commitments:staff_updates": ("get", [], STAFF_PAGE),
    "commitments:staff_commitment": ("get", [SLUG], STAFF_PAGE),
    "commitments:staff_record_progress": (
        "post",
        [SLUG],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 400, "administrator": 400},
    ),
    "commitments:staff_publish": (
        "post",
        [SLUG],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 302, "administrator": 302},
    ),
    "commitments:staff_follow": (
        "post",
        [SLUG],
        {"anonymous": 302, "no role": 403, "viewer": 302, "editor": 302, "administrator": 302},
    ),
    "commitments:staff_check": (
        "post",
        [SLUG],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 302, "administrator": 302},
    ),
    "commitments:staff_verdict": (
        "post",
        [SLUG],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 400, "administrator": 400},
    ),
    # The drafting desk is for editors; an empty new-source form is refused with a message (400).
    "commitments:desk": (
        "get",
        [],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 200, "administrator": 200},
    ),
    "commitments:desk_source": (
        "get",
        ["source-road"],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 200, "administrator": 200},
    ),
    "commitments:desk_draft": (
        "get",
        ["source-road"],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 302, "administrator": 302},
    ),
    "commitments:desk_draft_checked": (
        "post",
        ["source-road"],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 302, "administrator": 302},
    ),
    "commitments:desk_catalogue": (
        "get",
        ["source-road"],
        {"anonymous": 302, "no role": 403, "viewer": 403, "editor": 200, "administrator": 200},
    ),
    # No copy is archived in these tests: staff are told so (404), others never learn it.
    "commitments:staff_archived_copy": (
        "get",
        [1],
        {"anonymous": 302, "no role": 403, "viewer": 404, "editor": 404, "administrator": 404},
    ),
}
ADMIN_RULES = {
    "admin:index": ("get", [], ADMIN_PAGE),
    "admin:commitments_commitment_changelist": ("get", [], ADMIN_PAGE),
    "admin:commitments_commitment_add": (
        "get",
        [],
        {"anonymous": 302, "no role": 302, "viewer": 403, "editor": 200, "administrator": 200},
    ),
    "admin:auth_user_changelist": (
        "get",
        [],
        {"anonymous": 302, "no role": 302, "viewer": 403, "editor": 403, "administrator": 200},
    ),
    "admin:auth_user_add": (
        "get",
        [],
        {"anonymous": 302, "no role": 302, "viewer": 403, "editor": 403, "administrator": 200},
    ),
}


def site_url_names(resolver=None, namespace=""):
    """Every named URL outside the admin, with its namespace."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from site_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_rule():
    assert set(site_url_names()) == set(RULES), "Add the new URL to RULES with the answer each role should get."


@pytest.fixture
def site(db):
    commitment = CommitmentFactory(slug=SLUG, pillar__slug="pillar-road", source__slug="source-road")
    CommitmentFactory(slug="draft-road", published=False, source=commitment.source, pillar=commitment.pillar)
    return {
        "no role": UserFactory(username="plain"),
        "viewer": UserFactory(username="viewer", groups=["Viewers"]),
        "editor": UserFactory(username="editor", groups=["Editors"]),
        "administrator": UserFactory(username="administrator", groups=["Administrators"]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_everywhere(client, site, role):
    wrong = []
    for name, (method, args, expected) in {**RULES, **ADMIN_RULES}.items():
        if role != "anonymous":
            client.force_login(site[role])
        else:
            client.logout()
        response = getattr(client, method)(reverse(name, args=args))
        if response.status_code != expected[role]:
            wrong.append(f"{name}: {response.status_code}, expected {expected[role]}")
        if expected[role] == 302 and role in ("anonymous", "no role") and name not in ("switch_language", "logout"):
            assert "/login/" in response["Location"], name
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_404_on_every_public_page(client, site, role):
    if role != "anonymous":
        client.force_login(site[role])
    for name in [
        "commitments:commitment_detail",
        "commitments:commitment_feed",
        "commitments:api-commitment-detail",
        "commitments:iati_activity",
    ]:
        assert client.get(reverse(name, args=["draft-road"])).status_code == 404, name


@pytest.mark.parametrize(
    "name", ["commitments:staff_record_progress", "commitments:staff_publish", "commitments:staff_follow", "logout"]
)
def test_state_changing_urls_refuse_get(client, site, name):
    client.force_login(site["administrator"])
    args = [SLUG] if name.startswith("commitments:") else []
    assert client.get(reverse(name, args=args)).status_code == 405
