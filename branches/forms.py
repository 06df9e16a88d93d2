"""Forms of the "who" pages. Choices always come from the visibility selectors, so a form can
never offer (or accept) an organization, person or chain outside the user's reach."""


from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import (
    ActivityKind,
    Branch,
    BranchKind,
    BranchStatus,
    ChainNode,
    Front,
    Membership,
    Person,
    WeakLink,
    WorkField,
)
from branches.roles import ADMINISTRATION_ROLES
from branches.selectors import (
    linkable_users,
    person_search,
    visible_chains,
    visible_organizations,
    visible_people,
)
from core.forms import BootstrapFormMixin, DateInput, PhoneField, upload_help
from core.uploads import validate_upload
from core.widgets import PickerSelect, PickerSelectMultiple

BLANK = [("", "---------")]


def _org_label(org, base_depth=0) -> str:
    indent = "— " * max(0, org.depth - base_depth - 1)
    return f"{indent}{org.name}"


# ---------------------------------------------------------------- branches
class BranchForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Branch
        fields = [
            "name",
            "batch",
            "kind",
            "chain",
            "front",
            "field",
            "scope",
            "supervising_committee",
            "lead_unit",
            "responsible_units",
            "goal",
            "formed_on",
            "planned_end_on",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "formed_on": DateInput(),
            "planned_end_on": DateInput(),
            "supervising_committee": PickerSelect(source="organizations"),
            "lead_unit": PickerSelect(source="organizations"),
            "responsible_units": PickerSelectMultiple(source="organizations"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = visible_organizations(user).order_by("path")
        for name in ("supervising_committee", "lead_unit", "responsible_units"):
            self.fields[name].queryset = organizations
        fields = WorkField.objects.filter(is_active=True)
        if self.instance.pk and self.instance.field_id:
            # A field retired from the list stays valid on the branches that already use it.
            fields = WorkField.objects.filter(is_active=True) | WorkField.objects.filter(pk=self.instance.field_id)
        self.fields["field"].queryset = fields.order_by("sort_order", "name")
        self.fields["chain"].queryset = visible_chains(user)
        self.fields["chain"].help_text = _("Only for an industrial-chain joint Party organization.")
        self.fields["kind"].widget.attrs["data-branch-kind"] = "1"

    def clean(self):
        data = super().clean()
        kind, chain = data.get("kind"), data.get("chain")
        if kind == BranchKind.INDUSTRIAL_CHAIN and not chain:
            self.add_error("chain", _("Choose the industrial chain of this joint Party organization."))
        if kind == BranchKind.TASK_FORCE and chain:
            self.add_error("chain", _("A task-force branch is not attached to an industrial chain."))
        formed, end = data.get("formed_on"), data.get("planned_end_on")
        if formed and end and end < formed:
            self.add_error("planned_end_on", _("The planned end cannot be before the formation date."))
        field, front = data.get("field"), data.get("front")
        if field and front and field.front != front:
            self.add_error(
                "field",
                _("“%(field)s” belongs to the front “%(front)s”.")
                % {"field": field, "front": Front(field.front).label},
            )
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["responsible_units"] = list(data.pop("responsible_units", []))
        return data


class SecretaryBranchForm(BootstrapFormMixin, forms.ModelForm):
    """What a secretary may change on their own branch: the goal and the planned end."""

    class Meta:
        model = Branch
        fields = ["goal", "planned_end_on"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 4}), "planned_end_on": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class BranchTransitionForm(forms.Form):
    to = forms.ChoiceField(choices=BranchStatus.choices)
    reason = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


# ---------------------------------------------------------------- memberships
class MembershipForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["person", "role", "joined_on"]
        widgets = {"joined_on": DateInput(), "person": PickerSelect(source="people")}

    def __init__(self, *args, user, search: str = "", **kwargs):
        kwargs.setdefault("initial", {}).setdefault("joined_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        # Validation accepts anyone in the user's registry; the page renders only the chosen one
        # and the picker searches the rest (the registry may hold hundreds of thousands).
        person_field.queryset = visible_people(user).select_related("work_unit")
        person_field.label_from_instance = lambda p: f"{p.name} · {p.work_unit.name}"
        if not self.is_bound and search:
            # A link that names somebody (?q=) arrives with them chosen when only one matches.
            picks = person_search(user=user, search=search, limit=2)
            if len(picks) == 1:
                self.initial["person"] = picks[0].pk
        person_field.help_text = _("Type a name to find a Party member in the registry.")


# ---------------------------------------------------------------- Party life
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _check_uploads(files) -> list:
    errors = []
    for uploaded in files:
        try:
            validate_upload(uploaded)
        except ValidationError as exc:
            errors.extend(f"{uploaded.name}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    return files


class ActivityForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images or Office documents, at most %(limit)s MB each.")
        % {"limit": settings.UPLOAD_MAX_BYTES // 1024 // 1024},
    )

    def __init__(self, *args, branch, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = (
            Person.objects.filter(memberships__branch=branch, memberships__left_on__isnull=True)
            .distinct()
            .order_by("name")
        )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise ValidationError(_("An activity is recorded after it was held: the date cannot be in the future."))
        return held_on

    def clean_attachments(self):
        return _check_uploads(self.cleaned_data.get("attachments") or [])


class AttachmentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=upload_help())

    def clean_file(self):
        return _check_uploads([self.cleaned_data["file"]])[0]


# ---------------------------------------------------------------- people
class PersonForm(BootstrapFormMixin, forms.ModelForm):
    phone = PhoneField(label=Person._meta.get_field("phone").verbose_name, required=False)

    class Meta:
        model = Person
        fields = ["name", "gender", "birth_date", "joined_party_on", "is_probationary", "work_unit", "post", "phone", "user"]
        widgets = {
            "birth_date": DateInput(),
            "joined_party_on": DateInput(),
            "work_unit": PickerSelect(source="organizations"),
            "user": PickerSelect(source="linkable_users"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_unit"].queryset = visible_organizations(user).order_by("path")
        self.fields["user"].queryset = linkable_users(user=user, person=self.instance)
        self.fields["user"].required = False
        self.fields["user"].help_text = _("Optional: the login this Party member uses.")

    def clean(self):
        data = super().clean()
        birth, joined = data.get("birth_date"), data.get("joined_party_on")
        today = timezone.localdate()
        if birth and birth > today:
            self.add_error("birth_date", _("The birth date is in the future."))
        if joined and joined > today:
            self.add_error("joined_party_on", _("The date of joining the Party is in the future."))
        if birth and joined and joined <= birth:
            self.add_error("joined_party_on", _("The date of joining the Party must be after the birth date."))
        return data

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class PersonImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class CommitmentForm(BootstrapFormMixin, forms.Form):
    commitment = forms.CharField(
        label=_("My commitment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you promise to achieve in this branch (三亮: show identity, commitment, results)."),
    )


# ---------------------------------------------------------------- industrial chains
class WeakLinkForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = WeakLink
        fields = ["node", "kind", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = ChainNode.objects.filter(chain=chain).order_by("position")


class RoleCheckedUserChangeForm(UserChangeForm):
    """The admin's account form: an administration role (三员分立) is held alone — never two of
    them, never one with a role of the Party work."""

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        names = {g.name for g in groups} if groups is not None else set()
        administration = names & ADMINISTRATION_ROLES
        if len(administration) > 1 or (administration and names - administration):
            raise ValidationError(
                _("The system administrator, the security administrator and the auditor each hold that role alone.")
            )
        return groups
