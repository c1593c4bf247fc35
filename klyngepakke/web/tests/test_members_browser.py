"""The members page and the registry import in a real browser, at 1280 and 360 px: no
axe-core WCAG A/AA violation, no CSP violation, no page wider than a 360 px phone.
Set SCREENSHOT_DIR to keep a screenshot of every page and width."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import PASSWORD, totp_token
from klyngepakke.registry import member_services
from klyngepakke.registry.services import import_registry
from klyngepakke.registry.tests.helpers import GOOD_ROWS, csv_text
from klyngepakke.web.tests.test_pages_browser import axe_violations, open_browser  # noqa: F401
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 360)


def look(page, name: str) -> list[str]:
    """Axe at both widths, the phone width without sideways scrolling; a screenshot each."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"{width}px {v}" for v in axe_violations(page)]
        if width == 360:
            overflow = page.evaluate("document.documentElement.scrollWidth")
            if overflow > 360:
                found.append(f"360px: the page is {overflow}px wide")
        folder = os.environ.get("SCREENSHOT_DIR")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    return found


def log_in(page, url: str, user, token: str | None = None) -> None:
    page.goto(url + reverse("accounts:login"))
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    if token:
        page.get_by_label("Kode fra din godkendelses-app").fill(token)
        page.get_by_role("button", name="Fortsæt").click()


def test_members_page_for_a_coordinator(live_server, open_browser):  # noqa: F811
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=4, solo=1)
    factories.open_survey_round(cluster)
    practice = cluster.practices.order_by("pk").last()
    member_services.add_member(
        cluster,
        name="Karoline Sørensen-Vestergaard",
        email="karoline.soerensen-vestergaard@laegehuset-eksempel.dk",
        practice=practice,
        by=None,
    )
    leaver = practice.members.order_by("pk").first()
    member_services.mark_left(leaver, by=None)
    correct_url = reverse("web:member_email", args=[cluster.code, cluster.practices.first().members.first().pk])
    user = factories.coordinator(cluster)
    page = open_browser()
    checked: dict[str, list[str]] = {}

    log_in(page, live_server.url, user)
    members_url = live_server.url + reverse("web:members", args=[cluster.code])
    page.goto(members_url)
    checked["members"] = look(page, "members")

    page.get_by_label("Navn").fill("Ny Læge")
    page.get_by_label("E-mail").fill(leaver.email)
    page.get_by_label("Praksis").select_option(label=practice.name)
    page.get_by_role("button", name="Tilføj læge").click()
    assert "meldt ud: genindmeld" in page.content()
    checked["members refused"] = look(page, "members-refused")

    page.get_by_role("button", name="Invitér 1 til runden").click()
    assert "Ét medlem er inviteret." in page.content()

    page.goto(live_server.url + correct_url)
    page.get_by_label("Ny e-mailadresse").fill("forkert@")
    page.get_by_role("button", name="Gem").click()
    checked["email refused"] = look(page, "member-email")

    problems = {name: found for name, found in checked.items() if found}
    assert not problems, problems
    assert not page.csp_errors, page.csp_errors


def test_registry_import_pages_for_staff(live_server, make_staff_user, open_browser):  # noqa: F811
    for code in ("syddanmark", "hovedstaden"):
        factories.region(code)
    import_registry(csv_text(*GOOD_ROWS))
    from klyngepakke.registry.models import Member

    member_services.mark_left(Member.objects.get(email="soeren@laege.example"), by=None)
    staff = make_staff_user()
    token = totp_token(staff.totp_device)
    changed = csv_text(
        *GOOD_ROWS[:3],
        "hovedstaden;amager-oest;Klynge Amager Øst;ao-01;Lægerne Torvet;kompagniskab;3;"
        "Mette Lund-Hansen;mette@laege.example;ansat læge;ja",
        "hovedstaden;amager-oest;Klynge Amager Øst;ao-01;Lægerne Torvet;kompagniskab;3;"
        "Peter Nielsen;peter.nielsen@laegerne-torvet.example;;",
    )
    bad = csv_text(
        "syddanmark;vestfyn;Klynge Vestfyn;vf-01;Lægehuset;kompagniskab;to;Søren;soeren@laege.example;;",
        "syddanmark;vestfyn;Klynge Vestfyn;vf-01;Lægehuset;kompagniskab;2;Åse;aase@;;",
    )
    page = open_browser()
    checked: dict[str, list[str]] = {}
    log_in(page, live_server.url, staff, token)
    page.goto(live_server.url + reverse("web:registry_upload"))
    checked["upload"] = look(page, "registry-upload")

    page.get_by_label("Registerfil (CSV)").set_input_files(
        files=[{"name": "fejl.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Vis ændringerne").click()
    assert "fejl i fejl.csv; intet er ændret" in page.content()
    checked["upload errors"] = look(page, "registry-errors")

    page.get_by_label("Registerfil (CSV)").set_input_files(
        files=[{"name": "register.csv", "mimeType": "text/csv", "buffer": changed.encode()}]
    )
    page.get_by_role("button", name="Vis ændringerne").click()
    assert "Lokale ændringer, som filen overskriver (1)" in page.content()
    checked["preview"] = look(page, "registry-preview")

    page.get_by_role("button", name="Indlæs filen").click()
    assert "register.csv er indlæst: 1 nye og 2 ændrede medlemmer, 1 lokale ændringer overskrevet." in page.content()
    checked["applied"] = look(page, "registry-applied")

    problems = {name: found for name, found in checked.items() if found}
    assert not problems, problems
    assert not page.csp_errors, page.csp_errors
