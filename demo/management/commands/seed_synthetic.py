import time

from django.core.management.base import BaseCommand, CommandError

from demo import synthetic


class Command(BaseCommand):
    help = (
        "Build (replacing any earlier one) the synthetic programme for tests and benchmarks: "
        "N nominations, J judges, a balanced assignment and submitted scorecards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--nominations", type=int, required=True, metavar="N")
        parser.add_argument("--judges", type=int, required=True, metavar="J")
        parser.add_argument("--seed", type=int, default=0, metavar="S")

    def handle(self, *args, nominations, judges, seed, **options):
        if not 1 <= nominations <= 100_000:
            raise CommandError("--nominations must be from 1 to 100000")
        if not 1 <= judges <= 2_000:
            raise CommandError("--judges must be from 1 to 2000")
        started = time.monotonic()
        built = synthetic.build(
            nominations=nominations, judges=judges, seed=seed, out=lambda message: self.stdout.write(f"  {message}")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Built programme '{synthetic.PROGRAMME}': {built.nominations} nominations, {built.judges} judges, "
                f"{built.conflicts} conflicts, {built.scorecards} submitted scorecards "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
        self.stdout.write(
            f"Sign in as admin or synthetic-chair (password {synthetic.PASSWORD} where this command set it)."
        )
