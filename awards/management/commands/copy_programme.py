from django.core.management.base import BaseCommand, CommandError

from awards import copying
from awards.models import Programme


class Command(BaseCommand):
    help = (
        "Copy a programme's set-up to a new draft programme (awards, questions, criteria, stages, groups, "
        "outcome emails, retention), with dates moved on. Never nominations, scores or people's data."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme_slug", help="The programme to copy.")
        parser.add_argument("--to", dest="new_slug", required=True, help="The new programme's slug (must be free).")
        parser.add_argument("--name", help="The new programme's name (default: the old one with its year moved on).")
        parser.add_argument(
            "--shift-years",
            type=int,
            default=1,
            help="Move every date on by this many years (default 1; 0 keeps them).",
        )
        parser.add_argument("--with-panels", action="store_true", help="Copy each stage's judges and chairs too.")

    def handle(self, *args, programme_slug, new_slug, name, shift_years, with_panels, **options):
        source = Programme.objects.filter(slug=programme_slug).first()
        if source is None:
            known = ", ".join(Programme.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No programme '{programme_slug}'. Known programmes: {known}.")
        try:
            programme = copying.copy_programme(
                source, slug=new_slug, name=name, years=shift_years, with_panels=with_panels
            )
        except copying.CopyRefused as refused:
            raise CommandError(f"Nothing was copied: {refused}") from None
        awards = programme.awards.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Copied {source.slug} to {programme.slug} ({programme.name}): {awards} awards, a draft."
            )
        )
