import json

from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = "Write everything held about one person (by email address) as JSON: a subject access request."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("-o", "--output", required=True, metavar="FILE")

    def handle(self, *args, email, output, **options):
        held = retention.subject_access(email)
        with open(output, "w", encoding="utf-8") as handle:
            json.dump(held, handle, indent=2, ensure_ascii=False, default=str)
        self.stdout.write(
            f"Wrote {len(held['nominations'])} nominations and {len(held['judging'])} accounts to {output}."
        )
