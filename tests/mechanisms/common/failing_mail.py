"""An e-mail backend that refuses every message, as an SMTP server answering 550 would."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(550, b"mailbox unavailable")
