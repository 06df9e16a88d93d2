"""Telling the user why a service refused (domain-free)."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def flash_errors(request, exc: ValidationError) -> None:
    """Each message of a service's refusal as its own error message on the next page."""
    for message in exc.messages:
        messages.error(request, message)
