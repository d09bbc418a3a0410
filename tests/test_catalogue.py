"""The packaged catalogue: the 21 platforms, and no figure without its source."""

from __future__ import annotations

from tests.conftest import DEFAULT_SLUGS
from watch.catalogue import fact_entries, platform_entries, source_entries


def test_catalogue_has_the_default_slugs() -> None:
    assert {entry.slug for entry in platform_entries()} == DEFAULT_SLUGS


def test_old_names_are_aliases() -> None:
    x = next(entry for entry in platform_entries() if entry.slug == "x")
    assert "Twitter" in x.aliases


def test_every_fact_carries_publisher_title_year_and_url() -> None:
    facts = fact_entries()
    assert facts
    for fact in facts:
        assert fact.publisher
        assert fact.title
        assert fact.year
        assert str(fact.url).startswith("http")
        assert fact.platform is None or fact.platform in DEFAULT_SLUGS


def test_fact_refs_are_unique() -> None:
    refs = [fact.ref for fact in fact_entries()]
    assert len(refs) == len(set(refs))


def test_default_sources_are_unique_http_urls() -> None:
    ids = [entry.id for entry in source_entries()]
    assert len(ids) == len(set(ids))
    assert all(entry.url.startswith("https://") for entry in source_entries())
