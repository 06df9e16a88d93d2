"""Forms of 请示报告: requests for decision, the reply, reports and their acknowledgement, filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from mechanisms.common.forms import _textarea
from mechanisms.requests.models import (
    DecisionRequest,
    DecisionRequestStatus,
    Report,
)


# ---------------------------------------------------------------- requests and reports
class BranchChoiceMixin:
    """A branch field limited to the branches the user writes for (hidden when only one)."""

    def _setup_branch(self, branches, *, with_branch: bool):
        if not with_branch:
            del self.fields["branch"]
            return
        self.fields["branch"].queryset = branches
        if len(branches) == 1:
            self.fields["branch"].initial = branches[0].pk
            self.fields["branch"].widget = forms.HiddenInput()


class DecisionRequestForm(BranchChoiceMixin, BootstrapFormMixin, forms.ModelForm):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None)

    class Meta:
        model = DecisionRequest
        fields = ["branch", "title", "content"]
        widgets = {"content": _textarea(8)}

    def __init__(self, *args, branches=(), with_branch=True, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_branch(branches, with_branch=with_branch)


class ReplyForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (DecisionRequestStatus.APPROVED, _("Approve")),
            (DecisionRequestStatus.RETURNED, _("Return with reasons")),
            (DecisionRequestStatus.REJECTED, _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Reply"),
        required=False,
        max_length=5000,
        widget=_textarea(4),
        help_text=_("Required when returning or rejecting: say why."),
    )


class ReportForm(BranchChoiceMixin, BootstrapFormMixin, forms.ModelForm):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None)

    class Meta:
        model = Report
        fields = ["branch", "kind", "title", "content"]
        widgets = {"content": _textarea(10)}

    def __init__(self, *args, branches=(), with_branch=True, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_branch(branches, with_branch=with_branch)


class AcknowledgeForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=3000, widget=_textarea(2))
