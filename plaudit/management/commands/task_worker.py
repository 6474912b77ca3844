import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the background task worker (django-tasks' db_worker, or an RQ worker when RQ_URL is set), "
        "carrying on after a database or Redis outage instead of exiting. Stops cleanly on SIGTERM or SIGINT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="Queues to process ('*' for all).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument("--no-startup-delay", action="store_false", dest="startup_delay")
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=10,
            help="Minutes between runs of the reminder schedule (plaudit.schedule); 0 to leave it to cron.",
        )

    def handle(self, *args, queue_name, interval, startup_delay, schedule_every, **options):
        if schedule_every > 0:
            threading.Thread(target=self._schedule, args=(schedule_every,), daemon=True, name="schedule").start()
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
            return self._rq_worker(queue_name)
        # db_worker exits on a lost connection (a PostgreSQL restart, a failover); a task it was
        # running is then left for the shortlist pack's own staleness check. Reconnect and go on.
        while True:
            try:
                call_command(
                    "db_worker", queue_name=queue_name, interval=interval, startup_delay=startup_delay, reload=False
                )
                return
            except (OperationalError, InterfaceError) as error:
                logger.warning("Task worker lost the database (%s); reconnecting in 2 seconds", error)
                connections.close_all()
                time.sleep(2)
                startup_delay = False

    def _rq_worker(self, queue_name: str):
        """The queue on Redis: RQ's worker, with the job class that runs django-tasks' tasks."""
        from django_rq import get_worker
        from redis.exceptions import ConnectionError as RedisConnectionError

        queues = list(settings.RQ_QUEUES) if queue_name == "*" else queue_name.split(",")
        while True:
            try:
                # Each task runs in a forked work horse: the database connection must not cross the fork.
                connections.close_all()
                get_worker(*queues, job_class="django_tasks_rq.Job").work(with_scheduler=True)
                return
            except RedisConnectionError as error:
                logger.warning("Task worker lost Redis (%s); reconnecting in 2 seconds", error)
                time.sleep(2)

    def _schedule(self, every: float):
        """The reminder schedule, beside the queue: idempotent, so several workers may run it."""
        from plaudit import schedule

        while True:
            try:
                run = schedule.run_once()
                if run.sent or run.failed:
                    logger.info("Schedule: %s sent, %s failed", run.sent, run.failed)
            except Exception:  # a database outage: try again next time
                logger.exception("The schedule could not run")
            finally:
                connections.close_all()
            time.sleep(every * 60)
