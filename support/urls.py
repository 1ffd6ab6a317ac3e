from django.urls import include, path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.help_view, name="help"),
    path("chamados/", views.ticket_list_view, name="ticket-list"),
    path("chamados/<str:protocol>/", views.ticket_detail_view, name="ticket-detail"),
    path("chamados/<str:protocol>/ouvidoria/", views.ticket_escalate_view, name="ticket-escalate"),
    path("anexos/<str:token>/", views.attachment_view, name="attachment"),
    path("chat/", views.chat_view, name="chat"),
    path("chat/mensagens/", views.chat_messages_view, name="chat-messages"),
    path("chat/enviar/", views.chat_say_view, name="chat-say"),
    path("pesquisa/", include("support.surveys.urls")),
]
