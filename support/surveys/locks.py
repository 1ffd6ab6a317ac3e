from core.locks import for_update
from support.surveys.models import Survey


def lock_survey(survey_id: int) -> Survey:
    return for_update(Survey.objects.filter(pk=survey_id)).get()
