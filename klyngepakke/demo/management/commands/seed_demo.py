from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from klyngepakke.demo.demo_writer import seed_history
from klyngepakke.registry.demo import DEFAULT_SEED
from klyngepakke.registry.services import DemoRefused, seed_demo


class Command(BaseCommand):
    help = (
        "Build the synthetic demo country (regions' clusters, practices, members) and the demo logins "
        "from a seed (docs/demo.md), then its history of orders, rounds and synthetic answers. "
        "Does nothing when it is already there. Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")

    def handle(self, *args, **options):
        # The demo logins have published passwords: never create them on a production site.
        if not settings.DEBUG:
            raise CommandError("seed_demo creates logins with published passwords; it runs only with DEBUG=true.")
        try:
            report = seed_demo(options["seed"])
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        what = f"{report.clusters} clusters, {report.practices} practices, {report.members} members"
        if report.created:
            self.stdout.write(f"Built the demo country for seed {report.seed}: {what}.")
        else:
            self.stdout.write(f"The demo country for seed {report.seed} is already there ({what}); nothing to do.")
        if report.logins_created:
            self.stdout.write(f"Created demo logins: {', '.join(report.logins_created)} (see `manage.py demo_logins`).")
        history = seed_history(options["seed"])
        if history.created:
            states = ", ".join(f"{count} {state}" for state, count in sorted(history.states.items()))
            self.stdout.write(
                f"Added the demo history for {history.clusters} clusters: {history.orders} orders ({states}), "
                f"{history.rounds} rounds, {history.responses} responses."
            )
        else:
            self.stdout.write(f"No demo history added: {history.reason}.")
