"""manage.py build_materials: one round or all closed rounds, in parallel, into a folder."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from klyngepakke.materials.exporters import exporters
from klyngepakke.materials.models import MaterialFile
from klyngepakke.surveys.models import Round
from tests import factories

from .base import meeting_country


@pytest.mark.django_db
def test_one_round_into_a_folder(tmp_path):
    country = meeting_country()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "build_materials", "--round", str(country.first_round.pk), "--out", str(tmp_path), stdout=out, stderr=err
    )
    files = sorted(p.name for p in (tmp_path / country.cluster.code).iterdir())
    assert len(files) == len(exporters())
    assert all(
        name.startswith(f"{country.cluster.code}-trivsel-og-arbejdsglaede-runde-{country.first_round.pk}")
        for name in files
    )
    assert "1/1" in err.getvalue()
    assert f"{len(files)} filer for 1 runde(r)" in out.getvalue()
    assert MaterialFile.objects.filter(round=country.first_round).count() == len(files)


# Worker processes read through their own connections: the data must be committed.
@pytest.mark.django_db(transaction=True)
def test_all_closed_rounds_in_parallel(tmp_path):
    country = meeting_country()
    factories.open_survey_round(factories.survey_cluster(members=5))  # open: not built
    closed = Round.objects.filter(closed_at__isnull=False).count()
    err = io.StringIO()
    call_command(
        "build_materials",
        "--all",
        "--jobs",
        "2",
        "--no-store",
        "--out",
        str(tmp_path),
        stderr=err,
        stdout=io.StringIO(),
    )
    written = [p for folder in tmp_path.iterdir() for p in folder.iterdir()]
    assert len(written) == closed * len(exporters())
    assert f"{closed}/{closed}" in err.getvalue()
    assert not MaterialFile.objects.exists()  # --no-store
    assert (tmp_path / country.cluster.code).is_dir()


@pytest.mark.django_db
def test_unknown_and_open_rounds_are_refused_clearly(tmp_path):
    factories.shipped_catalogue()
    round_ = factories.open_survey_round(factories.survey_cluster(members=5))
    with pytest.raises(CommandError, match="Ukendt runde: 999999"):
        call_command("build_materials", "--round", "999999", "--out", str(tmp_path))
    with pytest.raises(CommandError, match=f"Runde {round_.pk} er ikke lukket"):
        call_command("build_materials", "--round", str(round_.pk), "--out", str(tmp_path))
    with pytest.raises(CommandError):
        call_command("build_materials", "--out", str(tmp_path))  # neither --round nor --all
