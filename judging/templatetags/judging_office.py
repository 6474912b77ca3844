"""`{% if stage|moderated_by:user %}`: whether the chair's pages offer the office's moderation page."""

from django import template

from judging import access
from plaudit.roles import is_office

register = template.Library()


@register.filter
def moderated_by(stage, user) -> bool:
    """The awards office of the stage's programme reads (and, as its manager, approves) judges' comments."""
    if is_office(user):
        return True  # every stage, without asking the database
    known = getattr(stage, "office_reads", None)  # judging.access.chaired_stage_or_404 reads it with the stage
    if known is not None:
        return known
    return access.feedback_stages(user).filter(pk=stage.pk).exists()
