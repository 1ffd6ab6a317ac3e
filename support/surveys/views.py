"""The page a survey link opens: one click keeps the score, then an optional comment (and,
after a delivery, per-aspect scores) in one form."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from support.surveys.exceptions import SurveyLinkExpired, SurveyLinkInvalid, SurveyNotYours
from support.surveys.forms import SurveyDetailsForm
from support.surveys.models import Survey
from support.surveys.selectors import survey_get_for_link, survey_path
from support.surveys.services import survey_answer, survey_details_add

# Query budget, asserted in tests/surveys/test_answering.py: session and user (when signed in),
# the survey with its order or ticket; on a first click its lock and update in a savepoint
# (3 more); the navigation. A detractor's click also opens the follow-up ticket.
SURVEY_PAGE_QUERIES = 8
REFUSED_STATUS = {SurveyNotYours: 403, SurveyLinkExpired: 410, SurveyLinkInvalid: 404}


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    status = next(code for kind, code in REFUSED_STATUS.items() if isinstance(error, kind))
    return render(request, "surveys/survey_unavailable.html", {"message": error.message}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """A link with a score keeps it on the first click (a HEAD, as link checkers send, keeps
    nothing); a link without one shows the whole scale. Anything wrong with the link shows a
    page that says so and tells nothing about the survey."""
    try:
        survey, score = survey_get_for_link(token=token, user=request.user)
    except (SurveyLinkInvalid, SurveyNotYours) as error:
        return _refused(request, error)
    notice = ""
    if request.method == "GET" and score is not None:
        try:
            survey = survey_answer(survey_id=survey.pk, score=score)
        except DomainError as error:
            notice = error.message
    form = SurveyDetailsForm(request.POST or None, kind=survey.kind)
    if request.method == "POST" and form.is_valid():
        try:
            survey_details_add(survey_id=survey.pk, **form.cleaned_data)
        except DomainError as error:
            notice = error.message
            survey.refresh_from_db()
        else:
            messages.success(request, _("Thank you! Your answer helps us do better."))
            return redirect(survey_path(survey=survey))
    return render(
        request,
        "surveys/survey_answer.html",
        {
            "survey": survey,
            "form": form,
            "notice": notice,
            "score_links": [(value, survey_path(survey=survey, score=value)) for value in survey.scale],
            "is_nps": survey.kind == Survey.Kind.NPS,
        },
    )
