from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db import IntegrityError, transaction


class TunedConfig(AppConfig):
    name = "bench.experiments"
    label = "bench_experiments"

    def ready(self) -> None:
        from klyngepakke.surveys import selectors, services
        from klyngepakke.surveys.models import Invitation, PartialAnswers

        documents: dict[tuple[int, str], dict[str, Any]] = {}

        def invitation_by_id(invitation_id: int | None) -> selectors.TokenCheck:
            # One narrow query: the invitation, its round, the version's id and hash, and
            # the partial answers (LEFT JOIN); not the 30 KB package document, which a
            # round's version never changes, so it comes from a per-process cache.
            if invitation_id is None:
                return selectors.TokenCheck(None, "invalid")
            invitation = (
                Invitation.objects.select_related("round__package_version", "partial")
                .only(
                    "answered",
                    "round__order_id",
                    "round__closes_at",
                    "round__closed_at",
                    "round__package_version__content_hash",
                    "partial__answers",
                )
                .filter(pk=invitation_id)
                .first()
            )
            if invitation is not None:
                version = invitation.round.package_version
                key = (version.pk, version.content_hash)
                if key not in documents:
                    documents[key] = type(version).objects.values_list("document", flat=True).get(pk=version.pk)
                version.document = documents[key]
            return selectors.check_invitation(invitation)

        def partial_answers(invitation: Invitation) -> dict[str, Any]:
            try:
                return dict(invitation.partial.answers)
            except PartialAnswers.DoesNotExist:
                return {}

        def save_partial(invitation: Invitation, answers: dict[str, object]) -> None:
            # One UPDATE in the common case instead of SELECT ... FOR UPDATE + UPDATE.
            if PartialAnswers.objects.filter(invitation_id=invitation.pk).update(answers=answers):
                return
            try:
                with transaction.atomic():
                    PartialAnswers.objects.create(invitation_id=invitation.pk, answers=answers)
            except IntegrityError:
                PartialAnswers.objects.filter(invitation_id=invitation.pk).update(answers=answers)

        selectors.invitation_by_id = invitation_by_id
        selectors.partial_answers = partial_answers
        services.save_partial = save_partial
        if getattr(settings, "BENCH_PAGE_CACHE", False):
            _cache_fresh_section_pages()


def _cache_fresh_section_pages() -> None:
    """Upper bound of what caching rendered question markup would save.

    A section page seen for the first time (no answers on it, no errors) is the same
    for everyone on the same route but for the CSRF token: keep the rendered page per
    (questionnaire section, language, route, path) and put the request's token in.
    """
    import re

    from django.http import HttpRequest, HttpResponse
    from django.middleware.csrf import get_token
    from django.utils.translation import get_language

    from klyngepakke.surveys import respondent_views

    token_re = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
    placeholder = b"\0csrf\0"
    pages: dict[tuple[Any, ...], bytes] = {}
    render_page = respondent_views._page

    def fresh(context: dict[str, Any]) -> bool:
        return not context.get("errors") and not any(
            entry["value"] or any(item["value"] for item in entry["items"]) for entry in context["questions"]
        )

    def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        if template != "surveys/respondent/section.html" or not fresh(context):
            return render_page(request, template, context, status)
        key = (
            id(context["section"]),
            get_language(),
            tuple(entry["q"].code for entry in context["questions"]),
            context["step"],
            context["steps"],
            request.path,
        )
        cached = pages.get(key)
        if cached is None:
            response = render_page(request, template, context, status)
            found = token_re.search(response.content)
            if found:
                pages[key] = response.content.replace(found.group(1), placeholder)
            return response
        response = HttpResponse(cached.replace(placeholder, get_token(request).encode()), status=status)
        response["Referrer-Policy"] = "no-referrer"
        return response

    respondent_views._page = page
