"""How loading the catalogue again treats versions.

The same content twice is a no-op. Changed content updates the current version in place
while no round has used it (locked_at null); once locked, changed content becomes a new
version and the old one keeps its document.
"""

from __future__ import annotations

import pytest

from klyngepakke.catalogue.models import Package, PackageVersion
from klyngepakke.catalogue.services import load_catalogue, lock_version

from .helpers import SAMARBEJDE, TRIVSEL, WHO5, edit, run_load

CODE = "samarbejde-og-faellesskab"
OLD_TITLE = "title: Samarbejde og fællesskab\n"
NEW_TITLE = "title: Samarbejde og fællesskab i klinikken\n"

pytestmark = pytest.mark.django_db


def current(code: str = CODE) -> PackageVersion:
    version = Package.objects.get(code=code).current_version
    assert version is not None
    return version


def test_loading_the_same_files_twice_is_a_no_op(catalogue_dir):
    first = load_catalogue(catalogue_dir)
    assert len(first.created) == 3
    rows = list(PackageVersion.objects.order_by("pk").values())

    out, _ = run_load(catalogue_dir)

    assert list(PackageVersion.objects.order_by("pk").values()) == rows
    assert out.splitlines() == sorted(out.splitlines())  # only "unchanged: ..." lines
    assert all(line.startswith("unchanged: ") for line in out.splitlines())
    assert len(out.splitlines()) == 3


def test_a_changed_file_updates_an_unlocked_version_in_place(catalogue_dir):
    load_catalogue(catalogue_dir)
    before = current()
    edit(catalogue_dir, SAMARBEJDE, OLD_TITLE, NEW_TITLE)

    report = load_catalogue(catalogue_dir)

    assert report.updated == [f"{CODE} (2026.1)"]
    after = current()
    assert after.pk == before.pk
    assert after.number == 1
    assert after.document["title"]["da"] == "Samarbejde og fællesskab i klinikken"
    assert after.content_hash != before.content_hash
    assert Package.objects.get(code=CODE).title == "Samarbejde og fællesskab i klinikken"
    assert PackageVersion.objects.filter(package__code=CODE).count() == 1


def test_a_changed_instrument_updates_every_package_using_it(catalogue_dir):
    load_catalogue(catalogue_dir)
    edit(catalogue_dir, WHO5, "title: WHO-5 Trivselsindeks\n", "title: WHO-5 Trivselsindeks (dansk)\n")

    report = load_catalogue(catalogue_dir)

    assert sorted(report.updated) == [
        "opfoelgning-trivsel-og-arbejdsglaede (2026.1)",
        "trivsel-og-arbejdsglaede (2026.1)",
    ]
    assert report.unchanged == [f"{CODE} (2026.1)"]
    instruments = current("trivsel-og-arbejdsglaede").document["instruments"]
    assert instruments[0]["title"]["da"] == "WHO-5 Trivselsindeks (dansk)"


def test_after_locking_a_changed_file_becomes_version_2(catalogue_dir):
    load_catalogue(catalogue_dir)
    v1 = current()
    lock_version(v1)
    old_document = v1.document
    edit(catalogue_dir, SAMARBEJDE, OLD_TITLE, NEW_TITLE)
    edit(catalogue_dir, SAMARBEJDE, 'version: "2026.1"', 'version: "2026.2"')

    report = load_catalogue(catalogue_dir)

    assert report.new_versions == [f"{CODE} (2026.2)"]
    v2 = current()
    assert v2.pk != v1.pk
    assert v2.number == 2
    assert v2.declared_version == "2026.2"
    assert v2.locked_at is None
    assert v2.document["title"]["da"] == "Samarbejde og fællesskab i klinikken"
    v1.refresh_from_db()
    assert v1.locked_at is not None
    assert v1.document == old_document
    assert v1.document["title"]["da"] == "Samarbejde og fællesskab"
    assert v1.declared_version == "2026.1"


def test_an_unlocked_version_2_is_updated_in_place_and_version_1_stays(catalogue_dir):
    load_catalogue(catalogue_dir)
    lock_version(current())
    edit(catalogue_dir, SAMARBEJDE, OLD_TITLE, NEW_TITLE)
    load_catalogue(catalogue_dir)
    v2 = current()
    edit(catalogue_dir, SAMARBEJDE, NEW_TITLE, "title: Samarbejde og fællesskab 2\n")

    load_catalogue(catalogue_dir)

    assert current().pk == v2.pk
    assert current().document["title"]["da"] == "Samarbejde og fællesskab 2"
    assert list(PackageVersion.objects.filter(package__code=CODE).values_list("number", flat=True)) == [1, 2]


def test_going_back_to_an_older_content_makes_that_version_current_again(catalogue_dir):
    load_catalogue(catalogue_dir)
    v1 = current()
    lock_version(v1)
    edit(catalogue_dir, SAMARBEJDE, OLD_TITLE, NEW_TITLE)
    load_catalogue(catalogue_dir)
    edit(catalogue_dir, SAMARBEJDE, NEW_TITLE, OLD_TITLE)

    report = load_catalogue(catalogue_dir)

    assert report.updated == [f"{CODE} (2026.1)"]
    assert current().pk == v1.pk
    assert PackageVersion.objects.filter(package__code=CODE).count() == 2


def test_lock_version_is_idempotent(catalogue_dir):
    load_catalogue(catalogue_dir)
    version = current(TRIVSEL.removesuffix(".yaml"))
    lock_version(version)
    first = version.locked_at

    lock_version(version)

    assert first is not None
    assert version.locked_at == first
