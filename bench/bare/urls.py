from django.shortcuts import render
from django.urls import path


def bare_view(request):
    return render(request, "bare.html", {"title": "Bare Django", "items": range(10)})


urlpatterns = [path("", bare_view)]
