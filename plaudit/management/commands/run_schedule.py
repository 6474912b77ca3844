import time

from django.core.management.base import BaseCommand

from plaudit import schedule


class Command(BaseCommand):
    help = (
        "Send the reminders that are due (drafts near their deadline, nominees' consent, judges "
        "with work left), each once. --once for cron; without it, every --every minutes. The task "
        "worker runs the same schedule itself; running both, or several, is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run once and exit (for cron).")
        parser.add_argument("--every", type=float, default=10, help="Minutes between runs (default 10).")

    def handle(self, *args, once, every, **options):
        while True:
            run = schedule.run_once()
            self.stdout.write(f"Schedule: {run.sent} sent, {run.failed} failed, {run.already} sent before.")
            if once:
                return
            time.sleep(max(every, 0.1) * 60)
