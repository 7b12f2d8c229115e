from django.urls import path

from . import accounts, views

urlpatterns = [
    path("", views.home, name="home"),
    path("account/2fa/", accounts.two_factor, name="two_factor"),
]
