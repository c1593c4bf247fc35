"""Danish by default, English one click away (gettext), for the respondent's pages.

The language is the visitor's own choice (the cookie set by Django's set_language view
at /sprog/), never the browser's Accept-Language. Package texts come from the package
data; where a package has no English text the Danish one shows.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from klyngepakke.surveys import respondent_views
from tests import factories

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
TEMPLATES = Path(respondent_views.__file__).parent / "templates" / "surveys" / "respondent"


@pytest.fixture
def invitation(catalogue):
    round_ = factories.open_survey_round(factories.survey_cluster(members=1, solo=0))
    return round_.invitations.get()


def entered(invitation, client: Client) -> Client:
    assert client.get(reverse("surveys:enter", args=[factories.issue_link(invitation)])).status_code == 302
    return client


def test_danish_is_the_default_even_for_an_english_browser(invitation):
    client = entered(invitation, Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    response = client.get(reverse("surveys:landing"))
    html = response.content.decode()
    assert response["Content-Language"] == "da"
    assert '<html lang="da">' in html
    assert "Start spørgeskemaet" in html
    assert "Hvem ser hvad" in html
    assert "Start the questionnaire" not in html
    assert 'value="en"' in html  # the switch offers English


def test_english_after_choosing_it_with_the_language_switch(invitation):
    client = entered(invitation, Client())
    switched = client.post(reverse("set_language"), {"language": "en", "next": reverse("surveys:landing")})
    assert switched.status_code == 302
    assert switched["Location"] == reverse("surveys:landing")

    landing = client.get(reverse("surveys:landing"))
    html = landing.content.decode()
    assert landing["Content-Language"] == "en"
    assert '<html lang="en">' in html
    for english in ["Start the questionnaire", "Who sees what", "It is up to you", "It takes about 5 minutes."]:
        assert english in html, english
    assert "Start spørgeskemaet" not in html
    assert 'value="da"' in html  # and back again
    # The package's own text has no English version, so its Danish shows.
    assert "Trivsel og arbejdsglæde" in html

    # Messages made in the view are translated too.
    error = client.post(reverse("surveys:section", args=["practice"]), {"nav": "next"})
    assert error.status_code == 400
    assert "Choose an answer." in error.content.decode()
    assert "Page 1 of 5" in error.content.decode()

    problem = Client(HTTP_ACCEPT_LANGUAGE="da")
    problem.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "The link does not work" in problem.get(reverse("surveys:enter", args=["x" * 32])).content.decode()


def test_choosing_danish_again_returns_to_danish(invitation):
    client = entered(invitation, Client())
    client.post(reverse("set_language"), {"language": "en", "next": reverse("surveys:landing")})
    client.post(reverse("set_language"), {"language": "da", "next": reverse("surveys:landing")})
    assert "Start spørgeskemaet" in client.get(reverse("surveys:landing")).content.decode()


# --- The catalogue itself


def po_entries() -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    """msgid (or (msgid, msgid_plural)) -> msgstr (or the plural forms) from django.po."""
    entries: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""' not in block:
            pytest.fail(f"fuzzy translation in django.po:\n{block}")
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if not fields.get("msgid"):
            continue
        if "msgid_plural" in fields:
            forms = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr["))
            entries[(fields["msgid"], fields["msgid_plural"])] = forms
        else:
            entries[fields["msgid"]] = fields["msgstr"]
    return entries


def respondent_msgids() -> set[str | tuple[str, str]]:
    """The translatable strings of the respondent's templates and views."""
    found: set[str | tuple[str, str]] = set()
    variable = re.compile(r"\{\{\s*(\w+)\s*\}\}")
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        found.update(re.findall(r'\{% translate "(.*?)" %\}', source))
        found.update(re.findall(r'_\("(.*?)"\)', source))
        for body in re.findall(r"\{% blocktranslate[^%]*%\}(.*?)\{% endblocktranslate %\}", source, re.S):
            parts = [variable.sub(r"%(\1)s", p) for p in body.split("{% plural %}")]
            found.add(tuple(parts) if len(parts) == 2 else parts[0])  # type: ignore[arg-type]
    tree = ast.parse(Path(respondent_views.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            found.add(ast.literal_eval(node.args[0]))
    return found


def test_every_respondent_string_has_an_english_translation():
    entries = po_entries()
    wanted = respondent_msgids()
    assert len(wanted) > 40
    missing = sorted(str(m) for m in wanted if m not in entries)
    assert not missing, "run makemessages -l en and translate:\n" + "\n".join(missing)
    empty = sorted(str(m) for m in wanted if not all(entries[m] if isinstance(entries[m], tuple) else [entries[m]]))
    assert not empty, "untranslated in django.po:\n" + "\n".join(empty)


def test_the_compiled_catalogue_matches_the_po_file():
    # The .mo is committed, so a fresh machine needs no gettext tools; it must be current.
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr in po_entries().items():
        if isinstance(msgid, tuple):
            assert tuple(compiled.ngettext(*msgid, n) for n in (1, 2)) == msgstr, msgid
        else:
            assert compiled.gettext(msgid) == msgstr, f"django.mo is stale for {msgid!r}: run compilemessages"
