"""Background work for data protection, through Django's tasks queue."""

from django_tasks import task

from .retention import apply_retention


@task()
def apply_retention_task():
    """The daily retention run, for deployments that schedule it through the task queue."""
    apply_retention()
