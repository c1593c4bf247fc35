from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.registry.models import Cluster
from klyngepakke.surveys import services


class Command(BaseCommand):
    help = "Open a survey round for a cluster (creating the order if needed); prints the round's id."

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="cluster code")
        parser.add_argument("--package", required=True, help="package code")
        parser.add_argument("--closes", help="last day to answer, YYYY-MM-DD (default: in 14 days)")

    def handle(self, *args, **options):
        cluster = Cluster.objects.filter(code=options["cluster"]).first()
        if cluster is None:
            raise CommandError(f"unknown cluster code '{options['cluster']}'")
        package = Package.objects.filter(code=options["package"]).first()
        if package is None:
            known = ", ".join(Package.objects.values_list("code", flat=True)) or "none loaded"
            raise CommandError(f"unknown package code '{options['package']}' (known: {known})")
        if options["closes"]:
            try:
                day = date.fromisoformat(options["closes"])
            except ValueError as exc:
                raise CommandError(f"--closes must be YYYY-MM-DD, not '{options['closes']}'") from exc
            closes_at = timezone.make_aware(datetime.combine(day, time(23, 59)))
        else:
            closes_at = services.default_closes_at()
        if Order.objects.filter(cluster=cluster, package=package, state=Order.State.SURVEY_OPEN).exists():
            raise CommandError(f"{cluster.code} already has an open round of {package.code}; close it first")
        order = (
            Order.objects.filter(cluster=cluster, package=package, state__in=[Order.State.ORDERED, Order.State.PLANNED])
            .order_by("-created_at")
            .first()
        )
        try:
            # One transaction: a refused round leaves no new order behind.
            with transaction.atomic():
                if order is None:
                    order = cycle_services.new_order(cluster, package, None)
                round_ = services.open_round(order, closes_at, None)
        except cycle_services.OrderError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"Opened round {round_.pk} for {cluster.name}: {round_.invitations.count()} invitations queued."
        )
        self.stdout.write(str(round_.pk))
