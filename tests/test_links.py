"""Links to pages named by a slug are reversed once for each page (`commitments.links`): each must be the URL
Django's `reverse` gives, in every language and under any script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from commitments import urls
from commitments.links import page_url, slug_url

from .factories import CommitmentFactory

SLUGS = ["ml-1", "karakoram_highway-phase-2", "A1", "slug"]


def slug_views():
    """Every URL name of the app whose one argument is a slug."""
    return sorted(
        f"commitments:{pattern.name}"
        for pattern in urls.urlpatterns
        if pattern.name and list(getattr(pattern.pattern, "converters", {})) == ["slug"]
    )


def test_there_are_slug_views_to_check():
    assert {"commitments:commitment_detail", "commitments:staff_commitment", "commitments:source_detail"} <= set(
        slug_views()
    )


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_a_slug_url_is_the_url_reverse_gives(language):
    with translation.override(language):
        for name in slug_views():
            for slug in SLUGS:
                assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


def test_a_slug_url_follows_the_script_prefix():
    try:
        set_script_prefix("/tracker/")
        assert slug_url("commitments:commitment_detail", "ml-1") == reverse(
            "commitments:commitment_detail", args=["ml-1"]
        )
        assert slug_url("commitments:commitment_detail", "ml-1").startswith("/tracker/")
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("slug", ["", "with space", "ümlaut", "a/b"])
def test_what_the_slug_converter_refuses_is_refused_as_reverse_refuses_it(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("commitments:commitment_detail", slug)


def test_the_tables_and_the_board_link_each_title_to_its_page(client, editor):
    commitment = CommitmentFactory(title="Upgrade ML-1", slug="upgrade-ml-1")
    public = client.get(reverse("commitments:commitment_list")).content.decode()
    assert f'<a href="{reverse("commitments:commitment_detail", args=[commitment.slug])}">Upgrade ML-1</a>' in public
    client.force_login(editor)
    staff_link = f'<a href="{reverse("commitments:staff_commitment", args=[commitment.slug])}">Upgrade ML-1</a>'
    assert staff_link in client.get(reverse("commitments:staff_commitments")).content.decode()
    assert staff_link in client.get(reverse("commitments:staff_board")).content.decode()


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_a_page_url_is_the_url_reverse_gives(language):
    with translation.override(language):
        for name in ("commitments:commitment_list", "commitments:dashboard", "commitments:staff_board"):
            assert page_url(name) == reverse(name)
