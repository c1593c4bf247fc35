from django.core.management.base import BaseCommand, CommandError

from klyngepakke.surveys import services
from klyngepakke.surveys.models import Round


class Command(BaseCommand):
    help = "Close a survey round now (partial answers are deleted, responses frozen)."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="round id")

    def handle(self, *args, **options):
        round_ = Round.objects.filter(pk=options["id"]).first()
        if round_ is None:
            raise CommandError(f"no round with id {options['id']}")
        was_open = round_.is_open
        round_ = services.close_round(round_, None)
        self.stdout.write(f"Round {round_.pk} {'closed' if was_open else 'was already closed'}.")
