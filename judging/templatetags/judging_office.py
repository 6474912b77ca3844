"""`{% if stage|moderated_by:user %}`: whether the chair's pages offer the office's moderation page."""

from django import template

from judging import access

register = template.Library()


@register.filter
def moderated_by(stage, user) -> bool:
    """The awards office of the stage's programme reads (and, as its manager, approves) judges' comments."""
    return access.feedback_stages(user).filter(pk=stage.pk).exists()
