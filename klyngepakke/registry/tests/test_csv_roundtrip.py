"""Export writes the import format: export -> import round-trips exactly."""

import io

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from klyngepakke.core.regions import REGION_CODES
from klyngepakke.registry.csv_format import RegistryRow, read_registry_csv, write_registry_csv
from klyngepakke.registry.models import Cluster, Member, Practice
from klyngepakke.registry.services import export_registry, import_registry
from tests import factories

from .helpers import snapshot


def _export(bom: bool = False) -> str:
    out = io.StringIO()
    export_registry(out, bom=bom)
    return out.getvalue()


@pytest.fixture
def registry(good_csv):
    import_registry(good_csv, "register.csv")
    # Awkward values an admin could enter, and a practice and a cluster without members.
    odense = factories.cluster(code="odense", name='Klynge "Odense"; Syd, Øst')
    empty_practice = factories.practice(odense, kind=Practice.Kind.SOLO, doctors=1, code="od-1")
    empty_practice.name = '=HYPERLINK("x")'
    empty_practice.save()
    factories.cluster(code="aeroe", name="Klynge Ærø", region_code="syddanmark")
    member = factories.member(Practice.objects.get(code="vf-01"), email="Ulla@Laege.example", name="'Ulla' Ørsted")
    member.role = Member.Role.EMPLOYED
    member.save()


@pytest.mark.django_db
def test_export_then_import_changes_nothing(registry):
    before = snapshot()

    report = import_registry(_export(bom=True).encode("utf-8"), "eksport.csv")

    assert not report.changed
    assert (report.clusters.unchanged, report.practices.unchanged, report.members.unchanged) == (4, 4, 5)
    assert snapshot() == before


@pytest.mark.django_db
def test_export_into_an_empty_registry_rebuilds_it_exactly(registry):
    before = snapshot()
    exported = _export()
    Member.objects.all().delete()
    Practice.objects.all().delete()
    Cluster.objects.all().delete()

    import_registry(exported, "eksport.csv")

    assert snapshot() == before
    assert _export() == exported


@pytest.mark.django_db
def test_export_guards_formulas_and_keeps_danish_letters(registry):
    text = _export()

    assert (
        text.splitlines()[0]
        == "region;klynge_kode;klynge_navn;praksis_kode;praksis_navn;praksis_type;antal_laeger;navn;email;rolle;aktiv;"
        "klyngerolle"
    )
    assert ';"\'=HYPERLINK(""x"")";' in text
    assert "''Ulla' Ørsted" in text
    assert "Klynge Amager Øst" in text
    assert "syddanmark;aeroe;Klynge Ærø;;;;;;;;" in text


# -- the pure format, as a property ----------------------------------------------------

_text = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufeff\x85"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
_code = st.from_regex(r"[a-zA-Z0-9_-]{1,20}", fullmatch=True)  # "-x" exercises the formula guard
_email = st.builds(
    "{}@{}.dk".format,
    st.from_regex(r"[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?", fullmatch=True).filter(lambda s: ".." not in s),
    st.from_regex(r"[a-z]{1,10}", fullmatch=True),
)


@st.composite
def registries(draw):
    """Consistent rows: clusters, practices in them, members (unique e-mails) in those."""
    clusters = draw(st.dictionaries(_code, st.tuples(st.sampled_from(REGION_CODES), _text), min_size=1, max_size=4))
    practices = draw(
        st.dictionaries(
            _code,
            st.tuples(
                st.sampled_from(sorted(clusters)),
                _text,
                st.sampled_from(list(Practice.Kind.values)),
                st.integers(1, 999),
            ),
            max_size=5,
        )
    )
    rows = [RegistryRow(region=r, cluster_code=c, cluster_name=n) for c, (r, n) in clusters.items()]
    for code, (cluster, name, kind, doctors) in practices.items():
        region, cluster_name = clusters[cluster]
        practice = {"practice_code": code, "practice_name": name, "practice_kind": kind, "doctor_count": doctors}
        rows.append(RegistryRow(region=region, cluster_code=cluster, cluster_name=cluster_name, **practice))
        members = draw(
            st.lists(
                st.tuples(_text, _email, st.sampled_from(list(Member.Role.values)), st.booleans()),
                max_size=3,
                unique_by=lambda m: m[1],
            )
        )
        rows.extend(
            RegistryRow(
                region=region,
                cluster_code=cluster,
                cluster_name=cluster_name,
                **practice,
                member_name=member_name,
                email=email,
                role=role,
                active=active,
            )
            for member_name, email, role, active in members
        )
    emails = [row.email.lower() for row in rows if row.email]
    assume(len(emails) == len(set(emails)))
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=registries(), bom=st.booleans())
def test_written_rows_read_back_equal(rows, bom):
    out = io.StringIO()
    write_registry_csv(rows, out, bom=bom)

    result = read_registry_csv(out.getvalue().encode("utf-8"), REGION_CODES)

    assert result.errors == []
    assert result.rows == rows
