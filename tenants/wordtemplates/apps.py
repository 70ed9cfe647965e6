"""Word templates of the documents the product produces (a purchase request form, an order
letter...): the kinds other apps register, each tenant's own versions, rendering to DOCX and PDF."""

from django.apps import AppConfig


class WordTemplatesConfig(AppConfig):
    name = "tenants.wordtemplates"
    label = "wordtemplates"
    verbose_name = "Word templates"
