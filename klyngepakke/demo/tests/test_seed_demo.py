"""seed_demo builds a deterministic, realistic demo country once; its logins work.

The country is built once for the module (committed, then removed at the end) because
building it takes a second or two.
"""

import io
import statistics

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from klyngepakke.registry import demo
from klyngepakke.registry.access import visible_clusters
from klyngepakke.registry.models import Cluster, ClusterAssignment, Member, Practice
from klyngepakke.registry.services import DemoRefused, seed_demo

SEED = demo.DEFAULT_SEED
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(scope="module")
def country(django_db_setup, django_db_blocker):
    # The same fast hasher the root conftest sets for each test, so logins verify.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        report = seed_demo(SEED)
    yield report
    with django_db_blocker.unblock():
        ClusterAssignment.objects.all().delete()
        TOTPDevice.objects.filter(user__username__in=demo.DEMO_USERNAMES).delete()
        get_user_model().objects.filter(username__in=demo.DEMO_USERNAMES).delete()
        Member.objects.all().delete()
        Practice.objects.all().delete()
        Cluster.objects.all().delete()


def _db_country():
    # Sorted in Python: a database collation may order codes differently.
    clusters = sorted(Cluster.objects.values_list("code", "name", "region__code"))
    members = sorted(Member.objects.values_list("email", "name", "role", "active", "practice__code"))
    return clusters, members


def _plan_country(seed):
    plan = demo.plan_country(seed)
    clusters = sorted((c.code, c.name, c.region) for c in plan)
    members = sorted((m.email, m.name, m.role, m.active, p.code) for c in plan for p in c.practices for m in p.members)
    return clusters, members


def test_the_same_seed_gives_the_same_country_and_the_database_holds_it(country, db):
    assert country.created
    assert _plan_country(SEED) == _plan_country(SEED)
    assert _db_country() == _plan_country(SEED)


def test_another_seed_gives_another_country():
    one, other = _plan_country(1), _plan_country(2)

    assert one[0] != other[0]
    assert one[1] != other[1]


def test_the_country_is_realistic(country, db):
    sizes = list(Cluster.objects.annotate(n=Count("practices__members")).values_list("n", flat=True))
    members = Member.objects.count()
    solo_doctors = Member.objects.filter(practice__kind=Practice.Kind.SOLO).count()

    assert Cluster.objects.values("region").distinct().count() == 5
    assert 110 <= len(sizes) <= 120
    assert min(sizes) == 10
    assert max(sizes) == 73
    assert 26 <= statistics.mean(sizes) <= 32
    assert 3200 <= members <= 3600
    assert 0.20 <= solo_doctors / members <= 0.30
    per_region = dict(Cluster.objects.values_list("region__code").annotate(n=Count("id")))
    assert per_region["hovedstaden"] == max(per_region.values())
    assert per_region["nordjylland"] == min(per_region.values())


def test_practices_and_members_are_plausible(country, db):
    sizes = {kind: set() for kind in Practice.Kind.values}
    for kind, doctors, members in Practice.objects.annotate(n=Count("members")).values_list(
        "kind", "doctor_count", "n"
    ):
        assert doctors == members
        sizes[kind].add(doctors)
    assert sizes[Practice.Kind.SOLO] == {1}
    assert sizes[Practice.Kind.PARTNERSHIP] == {2, 3, 4, 5, 6}
    roles = dict(Member.objects.values_list("role").annotate(n=Count("id")))
    assert 0 < roles[Member.Role.EMPLOYED] < 0.1 * Member.objects.count()
    assert 0 < roles[Member.Role.TRAINEE] < 0.1 * Member.objects.count()
    assert not Member.objects.exclude(email__endswith="@laege.example").exists()
    assert Member.objects.filter(name__regex=r"[æøåÆØÅ]").exists()


def test_re_running_does_nothing(country, db):
    before = _db_country()

    again = seed_demo(SEED)

    assert not again.created
    assert again.logins_created == []
    assert _db_country() == before


def test_the_command_says_it_is_already_there(country, db, settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert "already there" in out.getvalue()


def test_the_command_refuses_without_debug(country, db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())


def test_another_seed_refuses_to_mix_into_a_filled_registry(country, db):
    with pytest.raises(DemoRefused, match="only fills an empty registry"):
        seed_demo(SEED + 1)


@pytest.mark.parametrize("username", demo.DEMO_USERNAMES)
def test_demo_logins_work(country, db, client, username):
    assert client.login(username=username, password=demo.DEMO_PASSWORD)


def test_demo_logins_have_their_clusters(country, db):
    users = get_user_model().objects.in_bulk(demo.DEMO_USERNAMES, field_name="username")
    konsulent, koordinator = users["konsulent"], users["koordinator"]

    assert konsulent.is_staff
    assert konsulent.is_superuser
    assert visible_clusters(konsulent).count() == Cluster.objects.count()
    mine = list(visible_clusters(koordinator).values_list("region__code", flat=True))
    assert len(mine) == 2
    assert len(set(mine)) == 2
    assert visible_clusters(users["koordinator2"]).count() == 1
    assert visible_clusters(users["facilitator"]).count() == 1
    roles = set(ClusterAssignment.objects.filter(user=users["facilitator"]).values_list("role", flat=True))
    assert roles == {ClusterAssignment.Role.FACILITATOR}
    for username in ("koordinator", "koordinator2", "facilitator"):
        assert not users[username].is_staff


def test_konsulent_has_the_documented_totp_key(country, db):
    device = TOTPDevice.objects.get(user__username="konsulent", confirmed=True)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)

    assert device.key == "6b6c796e676570616b6b652d64656d6f2d6b6579"
    assert device.verify_token(f"{code:06d}")


def test_demo_logins_command_prints_logins_key_and_a_current_code(country, db):
    out = io.StringIO()

    with override_settings(DEBUG=True):
        call_command("demo_logins", stdout=out)

    text = out.getvalue()
    for username in demo.DEMO_USERNAMES:
        assert username in text
    assert demo.DEMO_PASSWORD in text
    assert "otpauth://totp/Klyngepakke" in text
    assert "NNWHS3THMVYGC23LMUWWIZLNN4WWWZLZ" in text
    assert "current code: " in text


def test_the_demo_doc_shows_the_real_key_password_and_clusters(country, db):
    doc = (django_settings.BASE_DIR / "docs" / "demo.md").read_text(encoding="utf-8")

    assert demo.DEMO_PASSWORD in doc
    assert demo.DEMO_TOTP_KEY_HEX in doc
    assert TOTPDevice.objects.get(user__username="konsulent").config_url in doc
    for name in ClusterAssignment.objects.values_list("cluster__name", flat=True):
        assert name in doc


def test_konsulent_gets_in_with_password_and_the_demo_totp_code(country, db, client):
    device = TOTPDevice.objects.get(user__username="konsulent")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert client.login(username="konsulent", password=demo.DEMO_PASSWORD)

    response = client.post(reverse("accounts:otp_verify"), {"token": f"{code:06d}"})

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
