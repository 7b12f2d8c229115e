"""Grammatical articles: "Het incident", "Het datalek"; "De verwerking" stays."""

import pytest
from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.utils import translation

from core.admin_base import takes_het, with_article
from incidents.models import Incident
from privacy.models import DataBreach


@pytest.mark.parametrize(
    "name, het",
    [
        ("incident", True),
        ("datalek", True),
        ("actiepunt", True),
        ("bewijs", True),
        ("misbruikonderzoek", True),
        ("verwijderd account (identiteitsfraude)", True),
        ("verwerking", False),
        ("periodieke controle", False),
        ("phishing-takedown", False),
    ],
)
def test_the_article_follows_the_head_noun(name, het):
    assert takes_het(name) is het


def test_the_admin_messages_use_het_for_het_words(db):
    request = RequestFactory().get("/")
    request._messages = CookieStorage(request)
    with translation.override("nl"):
        for model in (Incident, DataBreach):
            name = model._meta.verbose_name
            admin.site._registry[model].message_user(request, f"De {name} ‘X’ is met succes gewijzigd.")
    texts = [str(message) for message in request._messages]
    assert texts == ["Het incident ‘X’ is met succes gewijzigd.", "Het datalek ‘X’ is met succes gewijzigd."]


def test_english_and_de_words_are_left_alone():
    assert with_article("De verwerking ‘X’ is gewijzigd.", "verwerking") == "De verwerking ‘X’ is gewijzigd."
    with translation.override("en"):
        assert with_article("The incident ‘X’ was changed.", "incident") == "The incident ‘X’ was changed."
