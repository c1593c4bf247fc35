"""The pages: what they show to whom, and that their markup is accessible and CSP-clean."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from klyngepakke.registry.models import Member
from tests import factories

pytestmark = pytest.mark.django_db


class PageAudit(HTMLParser):
    """Collects what the checks below need from one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.html_lang: str | None = None
        self.h1_count = 0
        self.title = ""
        self._in_title = False
        self.inline_scripts = 0
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.event_handlers: list[str] = []
        self.javascript_urls: list[str] = []
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.ids: set[str] = set()
        self.images_without_alt = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        elif tag == "style":
            self.style_elements += 1
        elif tag == "label" and a.get("for"):
            self.label_for.add(a["for"] or "")
        elif tag == "img" and a.get("alt") is None:
            self.images_without_alt += 1
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit", "button"}:
            self.fields.append(a)
        for name, value in attrs:
            if name == "style":
                self.style_attributes.append(tag)
            if name.startswith("on"):
                self.event_handlers.append(f"{tag}[{name}]")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.javascript_urls.append(f"{tag}[{name}]")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def audit(response) -> PageAudit:
    assert response.status_code in (200, 400, 403, 404), response.status_code
    parser = PageAudit()
    parser.feed(response.content.decode())
    return parser


def assert_accessible_and_csp_clean(response) -> None:
    page = audit(response)
    assert page.html_lang == "da"
    assert page.title.strip(), "every page needs a title"
    assert page.h1_count == 1, f"expected one h1, found {page.h1_count}"
    assert "indhold" in page.ids, "the skip link target (main#indhold) is missing"
    assert page.inline_scripts == 0, "inline <script> is blocked by the CSP"
    assert page.style_elements == 0, "<style> elements are blocked by the CSP"
    assert not page.style_attributes, f"style attributes are blocked by the CSP: {page.style_attributes}"
    assert not page.event_handlers, f"inline event handlers are blocked by the CSP: {page.event_handlers}"
    assert not page.javascript_urls, page.javascript_urls
    assert page.images_without_alt == 0
    for field in page.fields:
        labelled = field.get("id") in page.label_for or field.get("aria-label") or field.get("aria-labelledby")
        assert labelled, f"form field without a label: {field}"


@pytest.fixture
def pages_world(db, cluster, other_cluster, coordinator_client, staff_client):
    package = factories.package(title="Samarbejde og fællesskab")
    return {
        "cluster": cluster,
        "other_cluster": other_cluster,
        "package": package,
        "coordinator": coordinator_client(cluster),
        "staff": staff_client,
    }


PAGES = [
    ("anonymous", lambda w: reverse("accounts:login")),
    ("coordinator", lambda w: reverse("web:home")),
    ("staff", lambda w: reverse("web:home")),
    ("coordinator", lambda w: reverse("web:cluster_detail", args=[w["cluster"].code])),
    ("coordinator", lambda w: reverse("web:package_list")),
    ("coordinator", lambda w: reverse("web:package_detail", args=[w["package"].code])),
    ("coordinator", lambda w: reverse("accounts:account")),
    ("coordinator", lambda w: reverse("accounts:password_change")),
    ("coordinator", lambda w: reverse("accounts:otp_setup")),
]


@pytest.mark.parametrize(("actor", "url"), PAGES, ids=[f"{a}-{i}" for i, (a, _) in enumerate(PAGES)])
def test_page_is_accessible_and_csp_clean(pages_world, actor, url):
    client = pages_world[actor] if actor != "anonymous" else Client()
    assert_accessible_and_csp_clean(client.get(url(pages_world)))


def test_code_page_is_accessible_and_csp_clean(unverified_staff_client):
    assert_accessible_and_csp_clean(unverified_staff_client.get(reverse("accounts:otp_verify")))


def test_pages_with_form_errors_stay_accessible(unverified_staff_client):
    response = unverified_staff_client.post(reverse("accounts:otp_verify"), {"token": "12"})
    assert_accessible_and_csp_clean(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert 'aria-describedby="id_token_helptext id_token_error"' in response.content.decode()


def test_not_found_page_is_ours_and_accessible(coordinator_client):
    response = coordinator_client().get("/findes-ikke/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()
    assert_accessible_and_csp_clean(response)


def test_forbidden_page_is_ours_and_accessible(coordinator_client):
    response = coordinator_client().get("/admin/login/")
    assert response.status_code == 403
    assert "Ingen adgang" in response.content.decode()
    assert_accessible_and_csp_clean(response)


def test_login_errors_are_announced():
    response = Client().post(reverse("accounts:login"), {"username": "ingen", "password": "forkert-kode-123"})
    assert_accessible_and_csp_clean(response)
    assert 'role="alert"' in response.content.decode()


class TestContent:
    def test_a_coordinator_sees_only_their_own_clusters(self, pages_world):
        page = pages_world["coordinator"].get(reverse("web:home")).content.decode()
        assert pages_world["cluster"].name in page
        assert pages_world["other_cluster"].name not in page

    def test_staff_see_all_clusters_and_can_search(self, pages_world):
        # The staff home is the work queue; every cluster is one link away ("Alle klynger").
        home = pages_world["staff"].get(reverse("web:home")).content.decode()
        assert f'href="{reverse("web:cluster_list")}"' in home
        page = pages_world["staff"].get(reverse("web:cluster_list")).content.decode()
        assert pages_world["cluster"].name in page
        assert pages_world["other_cluster"].name in page
        found = pages_world["staff"].get(reverse("web:cluster_list"), {"q": pages_world["other_cluster"].name})
        assert pages_world["cluster"].name not in found.content.decode()
        assert pages_world["other_cluster"].name in found.content.decode()

    def test_cluster_page_lists_the_members(self, pages_world):
        cluster = pages_world["cluster"]
        page = pages_world["coordinator"].get(reverse("web:cluster_detail", args=[cluster.code])).content.decode()
        for member in Member.objects.filter(practice__cluster=cluster):
            assert member.email in page

    def test_package_pages_show_the_package(self, pages_world):
        client = pages_world["coordinator"]
        assert "Samarbejde og fællesskab" in client.get(reverse("web:package_list")).content.decode()
        detail = client.get(reverse("web:package_detail", args=[pages_world["package"].code]))
        assert "Samarbejde og fællesskab" in detail.content.decode()

    def test_the_menu_offers_administration_only_to_staff(self, pages_world):
        assert "Administration" in pages_world["staff"].get(reverse("web:home")).content.decode()
        assert "Administration" not in pages_world["coordinator"].get(reverse("web:home")).content.decode()


# --- Colour contrast of the style sheet (WCAG 2.2 AA) --------------------------------------

CSS = Path(__file__).resolve().parents[1] / "static" / "web" / "site.css"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_colours() -> dict[str, str]:
    root = re.search(r":root\{([^}]*)\}", CSS.read_text()).group(1)
    colours = {}
    for name, value in re.findall(r"--([\w-]+):#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", root):
        colours[name] = "#" + (value if len(value) == 6 else "".join(c * 2 for c in value))
    return colours


@pytest.mark.parametrize(
    ("fg", "bg", "minimum"),
    [
        ("ink", "bg", 4.5),
        ("ink", "soft", 4.5),
        ("muted", "bg", 4.5),
        ("muted", "soft", 4.5),
        ("accent", "bg", 4.5),
        ("accent", "soft", 4.5),
        ("accent-ink", "accent", 4.5),
        ("warn", "bg", 4.5),
        ("ink", "bg", 3.0),  # the focus ring against the page
    ],
)
def test_text_colours_meet_wcag_aa(fg, bg, minimum):
    colours = css_colours()
    assert contrast(colours[fg], colours[bg]) >= minimum
