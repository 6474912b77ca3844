"""The award builder, on the award's admin (awards.admin.AwardAdmin mixes it in)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from plaudit.ids import ID_MAX, posted_id

from . import building
from .forms import BuilderCriterionForm, DecimalInput, SectionForm, question_form
from .models import Award, Criterion, Question, Section


class AwardBuilder:
    """The award builder, on the award's admin: one page with the award's sections, questions
    and criteria, each added, changed, moved or removed on its own and saved at once, with the
    nomination form previewed beside it. Works without JavaScript (every change is a form and a
    button); with it, rows can also be dragged into order. A programme manager's (or superuser's)."""

    def builder_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/build/", view(self.build_view), name="awards_award_build"),
            path("<int:pk>/build/sections/add/", view(self.section_view), name="awards_award_section_add"),
            path("<int:pk>/build/sections/<int:item>/", view(self.section_view), name="awards_award_section"),
            path("<int:pk>/build/questions/add/", view(self.question_view), name="awards_award_question_add"),
            path("<int:pk>/build/questions/<int:item>/", view(self.question_view), name="awards_award_question"),
            path("<int:pk>/build/criteria/add/", view(self.criterion_view), name="awards_award_criterion_add"),
            path("<int:pk>/build/criteria/<int:item>/", view(self.criterion_view), name="awards_award_criterion"),
        ]

    def _award(self, request, pk) -> Award:
        award = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, award):
            raise PermissionDenied
        return award

    def _render(self, request, award, template, title, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": award,
            "award": award,
            "title": title,
            **extra,
        }
        return render(request, f"admin/awards/award/{template}", context)

    def _back(self, award, anchor=""):
        return redirect(reverse("admin:awards_award_build", args=[award.pk]) + (f"#{anchor}" if anchor else ""))

    def build_view(self, request, pk):
        award = self._award(request, pk)
        if request.method == "POST":
            return self._build_action(request, award)
        return self._builder_page(request, award)

    def _builder_page(self, request, award, status=200):
        sections = list(award.sections.order_by("position", "id"))
        questions = list(award.questions.filter(active=True).order_by("position", "id"))
        for section in sections:
            section.live_questions = [q for q in questions if q.section_id == section.pk]
        prompts = {q.key: q.prompt for q in questions}
        criteria = list(award.criteria.order_by("position", "id"))
        for criterion in criteria:
            criterion.linked = [prompts.get(key, key) for key in criterion.question_keys]
            criterion.weight_shown = DecimalInput().format_value(criterion.weight)  # 2, not 2.0000 (nor 1E+1)
        response = self._render(
            request,
            award,
            "build.html",
            f"Build {award.title}",
            sections=sections,
            criteria=criteria,
            types=Question.Type.choices,
        )
        response.status_code = status
        return response

    def _malformed(self, request, award, message):
        """A post the builder's own page never sends (a tampered or broken one): a 400 that says
        what was wrong, never a server error, and nothing changed."""
        if request.headers.get("x-requested-with") == "fetch":
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        self.message_user(request, message, messages.ERROR)
        return self._builder_page(request, award, status=400)

    def _build_action(self, request, award):
        """Move, remove or reorder one thing; then back to the builder, where it was."""
        kind, action = request.POST.get("kind"), request.POST.get("action")
        models = {"section": Section, "question": Question, "criterion": Criterion}
        if kind not in models or action not in {"up", "down", "remove", "order"}:
            return self._malformed(request, award, "That change is not one the builder makes.")
        model = models[kind]
        try:
            if action == "order":
                posted = request.POST.getlist("ids")
                ids = [posted_id(v, maximum=ID_MAX) for v in posted]
                if None in ids:
                    return self._malformed(request, award, f"The new order must list the {kind}s by their numbers.")
                section = None
                if model is Question:
                    section_id = posted_id(request.POST.get("section"), maximum=ID_MAX)
                    if section_id is None:
                        return self._malformed(request, award, "Say which section the questions are in.")
                    section = get_object_or_404(award.sections, pk=section_id)
                building.reorder(model, award, ids, section=section, by=request.user)
                if request.headers.get("x-requested-with") == "fetch":
                    return HttpResponse(status=204)
                return self._back(award)
            item_id = posted_id(request.POST.get("item"), maximum=ID_MAX)
            if item_id is None:
                return self._malformed(request, award, f"Say which {kind} to {action}, by its number.")
            item = get_object_or_404(
                model.objects.filter(award=award, **({"active": True} if model is Question else {})), pk=item_id
            )
            if action == "remove":
                outcome = {
                    Section: lambda: building.section_remove(item, by=request.user) or "removed",
                    Question: lambda: building.question_remove(item, by=request.user),
                    Criterion: lambda: building.criterion_remove(item, by=request.user) or "removed",
                }[model]()
                note = " Its answers are kept." if outcome == "retired" else ""
                self.message_user(request, f"“{item}” {outcome}.{note}", messages.SUCCESS)
                return self._back(award, f"{kind}s")
            moved = building.move(item, -1 if action == "up" else 1, by=request.user)
            if moved:
                self.message_user(request, f"“{item}” moved {action}.", messages.SUCCESS)
            return self._back(award, f"{kind}-{item.pk}")
        except building.BuildRefused as refused:
            if request.headers.get("x-requested-with") == "fetch":
                return HttpResponse(str(refused), status=409, content_type="text/plain; charset=utf-8")
            self.message_user(request, str(refused), messages.ERROR)
            return self._back(award)

    def section_view(self, request, pk, item=None):
        award = self._award(request, pk)
        section = get_object_or_404(award.sections, pk=item) if item else Section(award=award)
        form = SectionForm(request.POST or None, instance=section)
        if request.method == "POST" and form.is_valid():
            building.section_save(award, form.save(commit=False), by=request.user)
            return self._back(award, f"section-{form.instance.pk}")
        title = f"Section: {section}" if item else "Add a section"
        return self._render(request, award, "build_item.html", title, form=form, kind="section")

    def question_view(self, request, pk, item=None):
        award = self._award(request, pk)
        if not award.sections.exists():
            self.message_user(request, "Add a section first: every question is in one.", messages.WARNING)
            return self._back(award)
        if item:
            question = get_object_or_404(award.questions.filter(active=True), pk=item)
        else:
            qtype = request.GET.get("type") or request.POST.get("type")
            if qtype not in Question.Type.values:
                self.message_user(request, "Choose a type of question to add.", messages.ERROR)
                return self._back(award)
            section = posted_id(request.GET.get("section"), maximum=ID_MAX)
            question = Question(award=award, type=qtype, section_id=section)
        answered = building.has_answers(question)
        form = question_form(question.type)(
            request.POST or None,
            instance=question,
            award=award,
            answered=answered,
            initial={"section": question.section_id} if not item else None,
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = building.question_save(form.save(commit=False), by=request.user)
            except building.BuildRefused as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, f"Question “{saved.key}” saved.", messages.SUCCESS)
                return self._back(award, f"question-{saved.pk}")
        label = Question.Type(question.type).label
        title = f"Question: {question.prompt[:60]}" if item else f"Add a question: {label.lower()}"
        return self._render(
            request, award, "build_item.html", title, form=form, kind="question", type_label=label, answered=answered
        )

    def criterion_view(self, request, pk, item=None):
        award = self._award(request, pk)
        criterion = get_object_or_404(award.criteria, pk=item) if item else Criterion(award=award, levels={})
        scored = bool(criterion.pk) and criterion.scores.exists()
        form = BuilderCriterionForm(request.POST or None, instance=criterion, award=award, scored=scored)
        if request.method == "POST" and form.is_valid():
            try:
                saved = building.criterion_save(form.save(commit=False), by=request.user)
            except building.BuildRefused as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, f"Criterion “{saved.title}” saved.", messages.SUCCESS)
                return self._back(award, f"criterion-{saved.pk}")
        title = f"Criterion: {criterion.title}" if item else "Add a criterion"
        return self._render(request, award, "build_item.html", title, form=form, kind="criterion")
