"""The benchmark's Django-side steps, run in subprocesses with the target's settings.

    python -m bench._django_side layout --package CODE --out FILE
    python -m bench._django_side setup-app --package CODE --count N --tokens FILE
    python -m bench._django_side verify-app --out FILE
    python -m bench._django_side setup-ceiling
    python -m bench._django_side verify-ceiling --out FILE

Kept apart from the driver so the driver process never imports Django (it only
speaks HTTP to 127.0.0.1) and each target gets its own settings.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

PRACTICE_TYPE = "partnership"  # the longest route through the packages


def layout(package: str, out: Path) -> None:
    """The forms a partnership doctor meets, for the ceiling to serve the same fields."""
    from django.conf import settings

    from klyngepakke.core.catalogue_files import read_catalogue
    from klyngepakke.core.questionnaire import Questionnaire

    read = read_catalogue(Path(settings.CATALOGUE_DIR))
    document = next(p.document for p in read.packages if p.code == package)
    questionnaire = Questionnaire(document)
    answers = {"practice_type": PRACTICE_TYPE}
    sections = []
    for section in questionnaire.visible_sections(answers):
        fields = []
        for question in section.visible_questions(answers):
            options = [o.code for o in question.options]
            if question.type == "text":
                fields.append({"name": question.code, "type": "text", "options": []})
            elif question.type == "multiple":
                fields.append({"name": question.code, "type": "checkbox", "options": options})
            else:
                fields.extend({"name": code, "type": "radio", "options": options} for code in question.answer_codes)
        sections.append({"code": section.code, "fields": fields})
    out.write_text(json.dumps({"package": package, "sections": sections}))


def setup_app(package_code: str, count: int, tokens_out: Path) -> None:
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from klyngepakke.catalogue.models import Package
    from klyngepakke.catalogue.services import load_catalogue
    from klyngepakke.cycle import services as cycle_services
    from klyngepakke.registry.models import Cluster, Member, Practice, Region
    from klyngepakke.support.tokens import new_token
    from klyngepakke.surveys import services
    from klyngepakke.surveys.models import Invitation, InvitationToken

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    load_catalogue(Path(settings.CATALOGUE_DIR))
    cluster = Cluster.objects.create(code="bench", name="Benchklyngen", region=Region.objects.get(code="syddanmark"))
    practices = Practice.objects.bulk_create(
        Practice(
            code=f"bench-{n}",
            name=f"Lægehuset {n}",
            cluster=cluster,
            kind=Practice.Kind.PARTNERSHIP,
            doctor_count=2,
        )
        for n in range((count + 1) // 2)
    )
    Member.objects.bulk_create(
        Member(email=f"laege{n}@bench.test", name=f"Læge {n}", practice=practices[n // 2]) for n in range(count)
    )
    # The app's own services: order the package and open a round (one invitation per member).
    order = cycle_services.new_order(cluster, Package.objects.get(code=package_code), None)
    round_ = services.open_round(order, timezone.now() + timedelta(days=14), None)
    # One link per invitation, as the e-mail renderer would issue it: only the hash is stored.
    tokens, rows = [], []
    for invitation_id in Invitation.objects.filter(round=round_).values_list("pk", flat=True):
        token, token_hash = new_token()
        tokens.append(token)
        rows.append(InvitationToken(invitation_id=invitation_id, token_hash=token_hash))
    InvitationToken.objects.bulk_create(rows)
    tokens_out.write_text("\n".join(tokens))


def _sets(pairs) -> list[list[list[str]]]:
    grouped: dict[object, list[list[str]]] = defaultdict(list)
    for key, code, value in pairs:
        grouped[key].append([code, value])
    return [sorted(group) for group in grouped.values()]


def verify_app(out: Path) -> None:
    from klyngepakke.surveys.models import Invitation
    from klyngepakke.surveys.response_models import Answer, PartialAnswers, Response

    rows = Answer.objects.values_list("response_id", "code", "option", "text")
    sets = _sets((response, code, option or text) for response, code, option, text in rows.iterator())
    empty = Response.objects.filter(answers__isnull=True).count()
    out.write_text(
        json.dumps(
            {
                "responses": Response.objects.count(),
                "empty_responses": empty,
                "answered_invitations": Invitation.objects.filter(answered=True).count(),
                "partial_answers_left": PartialAnswers.objects.count(),
                "answer_rows": Answer.objects.count(),
                "sets": sets,
            }
        )
    )


def setup_ceiling() -> None:
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def verify_ceiling(out: Path) -> None:
    from bench.ceiling.models import CeilingAnswer

    rows = CeilingAnswer.objects.values_list("submission", "code", "value")
    sets = _sets(rows.iterator())
    out.write_text(
        json.dumps(
            {
                "responses": len(sets),
                "empty_responses": 0,
                "answered_invitations": len(sets),
                "partial_answers_left": 0,
                "answer_rows": CeilingAnswer.objects.count(),
                "sets": sets,
            }
        )
    )


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("step")
    parser.add_argument("--package", default="samarbejde-og-faellesskab")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--tokens", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    django.setup()
    if args.step == "layout":
        layout(args.package, args.out)
    elif args.step == "setup-app":
        setup_app(args.package, args.count, args.tokens)
    elif args.step == "verify-app":
        verify_app(args.out)
    elif args.step == "setup-ceiling":
        setup_ceiling()
    elif args.step == "verify-ceiling":
        verify_ceiling(args.out)
    else:
        parser.error(f"unknown step {args.step}")


if __name__ == "__main__":
    main()
