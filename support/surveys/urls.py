from django.urls import path

from support.surveys import views

app_name = "surveys"

urlpatterns = [
    path("<str:token>/", views.survey_answer_view, name="survey-answer"),
]
