"""Pages of this app (not the admin, not the API)."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("workshops/", views.calendar, name="calendar"),
    path("workshops/mijn-inschrijvingen/", views.my_registrations, name="my-registrations"),
    path("workshops/sessies/<int:pk>/inschrijven/", views.register, name="register"),
    path("workshops/sessies/<int:pk>/wachtlijst/", views.join_waiting_list, name="waiting-list"),
    path("workshops/inschrijvingen/<int:pk>/afmelden/", views.cancel, name="cancel"),
    path("workshops/inschrijvingen/<int:pk>/uitnodiging.ics", views.invitation, name="invitation"),
    path("workshops/voortgang/", views.completion, name="completion"),
    path("workshops/agenda/<str:token>.ics", views.series_feed, name="series-feed"),
]
