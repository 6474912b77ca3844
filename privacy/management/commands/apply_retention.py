from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = "Anonymise every programme whose retention period has passed (run daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what is due; change nothing.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            for programme in retention.due():
                self.stdout.write(f"Due: {programme.slug} (retention ended {programme.retain_until:%d %B %Y})")
            return
        done = retention.apply_retention()
        for programme, counts in done:
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stdout.write(f"Anonymised {programme.slug}: {summary}.")
        if not done:
            self.stdout.write("No programme is due.")
