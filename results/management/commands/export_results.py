from django.core.management.base import BaseCommand, CommandError

from audit import log as audit
from judging.models import Stage
from plaudit.roles import COMMAND_LINE
from results import exports, ranking, shortlist


class Command(BaseCommand):
    help = "Export a stage's ranking, every score, the spread of the selection, or the shortlist pack, as CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("award", metavar="AWARD_SLUG")
        parser.add_argument("--stage", required=True, metavar="STAGE_NAME")
        parser.add_argument("--what", required=True, choices=["ranking", "scores", "spread", "shortlist"])
        parser.add_argument("--format", required=True, choices=["csv", "xlsx", "pdf"], dest="fmt")
        parser.add_argument("--normalised", action="store_true", help="Order by the normalised score.")
        parser.add_argument("--blind", action="store_true", help="References only: no names or identifying answers.")
        parser.add_argument("-o", "--output", required=True, metavar="FILE")

    def handle(self, *args, award, stage, what, fmt, normalised, blind, output, **options):
        if (what == "shortlist") != (fmt == "pdf"):
            raise CommandError("The shortlist is a PDF; the ranking, the scores and the spread are CSV or XLSX.")
        found = Stage.objects.filter(award__slug=award, name=stage).select_related("award__programme").first()
        if found is None:
            raise CommandError(f"No stage named {stage!r} in award {award!r}.")
        # The command runs as the awards office: every entry of the stage, as the office sees it.
        stage_results = ranking.stage_results(
            found, COMMAND_LINE, order_by="normalised" if normalised else "raw", blind=True if blind else None
        )
        if what == "shortlist":
            content = shortlist.shortlist_pdf(stage_results)
        else:
            content, _type, _extension = exports.export(stage_results, what, fmt)
        with open(output, "wb") as handle:
            handle.write(content)
        audit.record(
            audit.Action.EXPORT, f"{found}: {what} exported as {fmt} from the command line", subject=f"stage:{found.pk}"
        )
        self.stdout.write(f"Wrote {what} of {found} ({len(stage_results.rows)} entries) to {output}.")
