"""The one scoping rule, over every office model and every relation on it: whatever id a request
names (a form's choice, an admin inline's, an autocomplete's, a list filter's), a programme's
manager or viewer can name only their own programmes' rows. Generated from the admin site and
the models themselves, so a relation added later is held to it without anyone listing it here."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from awards import access, office
from awards.admin import ProgrammeScoped, ScopedChoices
from awards.models import OfficeRole, Programme
from judging.models import Assignment, Conflict, Entry, JudgeGroup, PanelMember, Stage
from nominations.models import Dossier, Endorsement
from tests.factories import CriterionFactory, NominationFactory, UserFactory, kindness_award

pytestmark = pytest.mark.django_db

OUR_APPS = ("awards", "nominations", "judging", "results", "plaudit", "audit", "privacy")


def _reaches_programme(model, seen=()) -> bool:
    """Whether a model's forward relations lead to a programme."""
    if model is Programme:
        return True
    for field in model._meta.get_fields():
        if field.many_to_one or field.one_to_one and field.concrete:
            related = field.related_model
            if related is not None and related not in seen and _reaches_programme(related, (*seen, model)):
                return True
    return False


def test_every_model_of_a_programme_says_how_it_reaches_it():
    """A model whose rows belong to a programme declares its path there, and the path is right: a
    new model without one would be unscopable, and awards.access.in_programmes refuses it."""
    for config in (apps.get_app_config(label) for label in OUR_APPS):
        for model in config.get_models():
            path = access.programme_path(model)
            if not _reaches_programme(model):
                assert path is None, model
                continue
            assert path is not None, f"{model.__name__} belongs to a programme but has no programme_path"
            if path:
                assert get_fields_from_path(model, path)[-1].related_model is Programme, model
            else:
                assert model is Programme


def test_a_model_of_no_programme_cannot_be_scoped():
    with pytest.raises(TypeError):
        access.in_programmes(type(UserFactory()).objects.all(), UserFactory())


@pytest.fixture
def two_programmes():
    """Ours and theirs, each with a row of every kind the office's forms offer as a choice."""
    made = {}
    for name in ("ours", "theirs"):
        award = kindness_award(slug=f"{name}-awards", name=f"{name.title()} Awards")
        award.title = f"{name.title()} Kindness Award"
        award.save()
        CriterionFactory(award=award, title=f"{name.title()} criterion")
        stage = Stage.objects.create(award=award, name=f"{name.title()} shortlisting")
        group = JudgeGroup.objects.create(stage=stage, name=f"{name.title()} patient leaders")
        judge = UserFactory()
        PanelMember.objects.create(stage=stage, user=judge, group=group)
        first = NominationFactory(award=award, reference=f"{name.upper()}-0001", status="submitted")
        second = NominationFactory(award=award, reference=f"{name.upper()}-0002", status="submitted")
        dossier = Dossier.objects.create(award=award, title=f"{name.title()} dossier")
        second.dossier = dossier
        second.save()
        Entry.objects.create(stage=stage, nomination=first)
        Conflict.objects.create(judge=judge, nomination=first, reason=f"{name.title()} colleague")
        Assignment.objects.create(entry=Entry.objects.get(nomination=first), judge=judge)
        Endorsement.objects.create(
            nomination=first,
            question=award.questions.get(key="story"),
            referee_name=f"{name.title()} referee",
            referee_role="Matron",
            referee_email=f"referee@{name}.example.org",
            requested_at=timezone.now(),
        )
        Entry.objects.create(stage=stage, dossier=dossier)
        made[name] = award.programme
    return made


def _person(role, programme):
    user = UserFactory()
    office.role_grant(programme, user, role)
    return type(user).objects.get(pk=user.pk)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _scoped_admins():
    for model, model_admin in admin.site._registry.items():
        if access.programme_path(model) is not None:
            yield model, model_admin


def _forms(model_admin, request, obj):
    """Every form class the admin builds to add a row and to change `obj`: its own and each inline's."""
    for instance in (None, obj):
        yield model_admin.get_form(request, instance)
        for inline in model_admin.get_inline_instances(request, instance):
            yield inline.get_formset(request, instance).form


def _related_fields(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, ModelChoiceField) and access.programme_path(field.queryset.model) is not None:
            yield name, field


def test_every_admin_and_inline_of_a_programme_model_is_scoped():
    for _, model_admin in _scoped_admins():
        assert isinstance(model_admin, ProgrammeScoped), f"{type(model_admin).__name__} is not ProgrammeScoped"
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedChoices), f"{inline.__name__} is not ScopedChoices"


@pytest.mark.parametrize("role", [OfficeRole.Role.MANAGER, OfficeRole.Role.VIEWER])
def test_no_office_form_offers_or_accepts_another_programmes_rows(two_programmes, role):
    """For every admin of an office model, on one of our rows, every related field of its form and
    of its inlines' forms: none of their rows is offered, and a post naming one is refused."""
    ours, theirs = two_programmes["ours"], two_programmes["theirs"]
    user = _person(role, ours)
    request = _request(user)
    checked = set()
    for model, model_admin in _scoped_admins():
        obj = access.in_programmes(model._default_manager.all(), user).first()
        assert obj is not None, f"the fixture has no {model.__name__} of ours"
        for form_class in _forms(model_admin, request, obj):
            for name, field in _related_fields(form_class):
                related = field.queryset.model
                their_rows = list(
                    access.in_programmes(related._default_manager.all(), _person(OfficeRole.Role.VIEWER, theirs))
                )
                assert their_rows, f"the fixture has no {related.__name__} of theirs"
                offered = set(field.queryset.values_list("pk", flat=True))
                for row in their_rows:
                    assert row.pk not in offered, (model.__name__, name, row)
                    with pytest.raises(Exception) as refused:
                        field.clean(str(row.pk))
                    assert type(refused.value).__name__ == "ValidationError", (model.__name__, name)
                checked.add((model.__name__, name))
    # The relations the office's forms have today; more may come, none may go unscoped.
    assert {("Entry", "dossier"), ("Entry", "nomination"), ("Stage", "award")} <= checked


def test_a_manager_cannot_attach_another_programmes_dossier_to_their_entry(client, two_programmes):
    """The reproduced attack, over HTTP: the autocomplete offers only our dossiers, but the post
    named theirs; it is refused with a message by the field, and nothing is written."""
    ours, theirs = two_programmes["ours"], two_programmes["theirs"]
    manager = _person(OfficeRole.Role.MANAGER, ours)
    client.force_login(manager)
    stage = Stage.objects.get(award__programme=ours)
    their_dossier = Dossier.objects.get(award__programme=theirs)
    entries = Entry.objects.count()
    response = client.post(
        reverse("admin:judging_entry_add"), {"stage": stage.pk, "nomination": "", "dossier": their_dossier.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Entry.objects.count() == entries

    # An entry once made stays what it was judged as: a post cannot move it to another.
    entry = Entry.objects.get(stage=stage, nomination__isnull=False)
    response = client.post(
        reverse("admin:judging_entry_change", args=[entry.pk]),
        {"stage": stage.pk, "nomination": "", "dossier": Dossier.objects.get(award__programme=ours).pk},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.dossier_id is None and entry.nomination_id is not None


@pytest.mark.parametrize("role", [OfficeRole.Role.MANAGER, OfficeRole.Role.VIEWER])
def test_no_office_list_names_another_programme_in_its_filters(client, two_programmes, role):
    """Every changelist of an office model, filters included, shows nothing of theirs."""
    user = _person(role, two_programmes["ours"])
    client.force_login(user)
    for model, _ in _scoped_admins():
        response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        if response.status_code == 403:
            continue  # no permission to list this kind at all
        assert response.status_code == 200, model
        page = response.content.decode()
        assert "Theirs" not in page and "THEIRS" not in page, model.__name__
