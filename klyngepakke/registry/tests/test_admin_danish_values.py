"""What the admin shows of the registry's stored values is Danish and in Copenhagen time:
a member change's fields, an applied upload's counts, and the names of uploads and
after-meeting events (page titles, breadcrumbs, history)."""

from __future__ import annotations

from datetime import UTC, datetime
from hashlib import sha256

import pytest
from django.urls import reverse

from klyngepakke.cycle.models import CycleEvent, Order
from klyngepakke.registry.models import MemberChange, RegistryUpload
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_member_changes_fields_read_in_danish(staff_client):
    member = factories.member(factories.practice(factories.cluster()), email="ny@laege.example")
    change = MemberChange.objects.create(
        member=member,
        kind=MemberChange.Kind.CHANGED,
        fields={"email": ["gammel@laege.example", "ny@laege.example"], "active": [False, True]},
    )
    for url in (
        reverse("admin:registry_memberchange_change", args=[change.pk]),
        reverse("admin:registry_memberchange_changelist"),
        reverse("admin:registry_member_change", args=[member.pk]),
    ):
        main = staff_client.get(url).content.decode().split('id="content"', 1)[-1]
        assert "e-mail: gammel@laege.example → ny@laege.example" in main, url
        assert "aktiv: nej → ja" in main, url
        assert "&quot;email&quot;" not in main, url


def test_an_applied_uploads_counts_and_name_read_in_danish(staff_client):
    data = b"x"
    upload = RegistryUpload.objects.create(
        filename="register.csv",
        data=b"",
        sha256=sha256(data).hexdigest(),
        applied_at=datetime(2026, 10, 22, 13, 35, tzinfo=UTC),
        summary={
            "rows": 12,
            "clusters": {"created": 1, "updated": 0, "unchanged": 2},
            "practices": {"created": 3, "updated": 1, "unchanged": 0},
            "members": {"created": 8, "updated": 2, "unchanged": 2},
            "overwrites": 1,
        },
    )
    RegistryUpload.objects.filter(pk=upload.pk).update(uploaded_at=datetime(2026, 10, 22, 13, 30, tzinfo=UTC))
    upload.refresh_from_db()
    assert str(upload) == "register.csv (22. okt. 2026 kl. 15.30)"
    main = (
        staff_client.get(reverse("admin:registry_registryupload_change", args=[upload.pk]))
        .content.decode()
        .split('id="content"', 1)[-1]
    )
    assert "12 rækker; klynger: 1 oprettet, 0 ændret, 2 uændret" in main
    assert "medlemmer: 8 oprettet, 2 ændret, 2 uændret" in main
    assert "1 rettelser fra klyngernes koordinatorer overskrevet" in main
    assert "created" not in main
    assert "13:30" not in main
    assert "13.30" not in main


def test_an_after_meeting_event_is_named_in_copenhagen_time():
    order = Order.objects.create(cluster=factories.cluster(), package=factories.package())
    event = CycleEvent.objects.create(
        order=order, kind=CycleEvent.Kind.MEETING_RECORDED, at=datetime(2026, 10, 22, 13, 30, tzinfo=UTC)
    )
    assert str(event) == "Møde registreret 22. okt. 2026 kl. 15.30"
