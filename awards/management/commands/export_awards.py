from django.core.management.base import BaseCommand, CommandError

from awards import format
from awards.models import Programme


class Command(BaseCommand):
    help = "Write a programme's definition in the award format (YAML) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("programme_slug")
        parser.add_argument("--json", action="store_true", help="Write JSON instead of YAML.")

    def handle(self, *args, programme_slug: str, json: bool, **options):
        programme = Programme.objects.filter(slug=programme_slug).first()
        if programme is None:
            known = ", ".join(Programme.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No programme '{programme_slug}'. Known programmes: {known}.")
        self.stdout.write(format.export_text(programme, as_json=json), ending="")
