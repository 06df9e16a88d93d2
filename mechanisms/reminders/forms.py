"""Forms of the reminder pages: a user's reminder preferences, a nudge."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from mechanisms.common.models import NotificationPreference
from mechanisms.reminders.services import NUDGE_INSTRUCTION, NUDGE_WEEKLY


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class PreferenceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email", "webhook", "webhook_url", "webhook_secret", "quiet_start", "quiet_end"]
        widgets = {
            "quiet_start": TimeInput(),
            "quiet_end": TimeInput(),
            "webhook_secret": forms.PasswordInput(render_value=True),
        }
        help_texts = {
            "email": _("Reminders always appear under the bell; tick to receive them by e-mail too."),
            "webhook": _("Post reminders to a WeCom / DingTalk group robot."),
            "webhook_secret": _("Only for a personal robot with signing switched on."),
            "quiet_start": _("Reminders due in your quiet hours wait for the next working morning."),
        }

    def __init__(self, *args, organization_url: str = "", has_email: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_url = organization_url
        if not has_email:
            self.fields["email"].help_text = _("Your account has no e-mail address: ask department staff to add one.")

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        if start is not None and start == end:
            self.add_error("quiet_end", _("The quiet hours must end at another time than they start."))
        if data.get("webhook") and not data.get("webhook_url") and not self.organization_url:
            self.add_error(
                "webhook_url", _("Your unit has no group robot: enter the webhook URL of your own robot, or switch it off.")
            )
        return data


class NudgeForm(forms.Form):
    target = forms.ChoiceField(choices=[(NUDGE_WEEKLY, NUDGE_WEEKLY), (NUDGE_INSTRUCTION, NUDGE_INSTRUCTION)])
    pk = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False, max_length=500)
