from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from awards import format


class Command(BaseCommand):
    help = "Import a programme and its awards from an award-format YAML or JSON file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Retire questions and awards that already have answers instead of refusing; no answer is lost.",
        )

    def handle(self, *args, file: Path, force: bool, **options):
        try:
            text = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            result = format.import_text(text, force=force)
        except format.AwardFormatError as error:
            raise CommandError(
                f"{file} was not imported; nothing was written.\n" + "\n".join(error.problems)
            ) from error
        verb = "Created" if result.created else "Updated"
        awards = result.programme.awards.filter(active=True).count()
        self.stdout.write(self.style.SUCCESS(f"{verb} {result.programme.slug} with {awards} awards."))
        for retired in result.retired:
            self.stdout.write(self.style.WARNING(f"Retired {retired}; its answers are kept."))
