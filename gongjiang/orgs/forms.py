from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from gongjiang.core.forms import BootstrapMixin, QuickSelect, ShortListChoiceField
from gongjiang.core.models import User
from gongjiang.core.validators import validate_uscc

from .enums import RegionLevel, RoleKind, UnionKind
from .models import Employer, Region, Union
from .rules import CHANGE_EMPLOYERS, GRANTABLE_BY, MANAGE_ACCOUNTS
from .scope import Scope


class EmployerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, validators=[validate_uscc])
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), widget=QuickSelect)
    parent_union = ShortListChoiceField(
        label=_("Parent union"),
        queryset=Union.objects.none(),
        help_text=_("Not listed? Find it by name above the form."),
    )
    industry_union = forms.ModelChoiceField(
        label=_("Industrial union"), queryset=Union.objects.none(), required=False, widget=QuickSelect
    )
    industry = forms.CharField(label=_("Industry"), max_length=50, required=False)

    def __init__(
        self, *args: object, scope: Scope, instance: Employer | None = None, find: str = "", **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.instance = instance
        self.fields["region"].queryset = Region.objects.filter(level=RegionLevel.COUNTY)
        # Any union above the enterprises in the user's reach is accepted (none outside it); the
        # drop-down lists them all only when they are few, else the cities and those whose name
        # holds ``find``, and always the one already chosen.
        reach = Union.objects.filter(scope.union_filter(CHANGE_EMPLOYERS, "pk"))
        self.fields["parent_union"].narrow(
            reach.exclude(kind__in=[UnionKind.GRASSROOTS, UnionKind.INDUSTRY]).order_by("kind", "name"),
            find=lambda qs, term: qs.filter(name__contains=term),
            term=find,
            fallback=lambda qs: qs.filter(kind__in=[UnionKind.PROVINCE, UnionKind.CITY]),
            kept=self.data.get("parent_union") if self.is_bound else self.initial.get("parent_union"),
        )
        self.fields["industry_union"].queryset = Union.objects.filter(kind=UnionKind.INDUSTRY)
        if instance is not None:
            for name in ("uscc", "parent_union", "industry_union"):
                del self.fields[name]

    def clean_uscc(self) -> str:
        uscc = self.cleaned_data["uscc"].strip().upper()
        if Employer.objects.filter(uscc=uscc).exists():
            raise forms.ValidationError(_("An employer with this unified social credit code is already registered."))
        return uscc


class AccountForm(BootstrapMixin, forms.Form):
    """Create a log-in and give it its first role, inside the admin's reach."""

    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={"invalid": _("3–30 letters, digits, dots, dashes or underscores.")},
    )
    display_name = forms.CharField(label=_("Display name"), max_length=50)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, min_length=10)
    union = ShortListChoiceField(
        label=_("Union"),
        queryset=Union.objects.none(),
        help_text=_("Not listed? Find it by name above the form."),
    )
    kind = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices, widget=QuickSelect)

    def __init__(self, *args: object, scope: Scope, find: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.scope = scope
        # Every union in reach is accepted; the drop-down lists them all only when they are few
        # (a province admin reaches 50,000): else the unions above the enterprises, or those
        # whose name holds ``find``.
        self.fields["union"].narrow(
            Union.objects.filter(scope.union_filter(MANAGE_ACCOUNTS, "pk")).order_by("kind", "name"),
            find=lambda qs, term: qs.filter(name__contains=term),
            term=find,
            fallback=lambda qs: qs.exclude(kind=UnionKind.GRASSROOTS),
            kept=self.data.get("union") if self.is_bound else None,
        )
        grantable = set().union(*(GRANTABLE_BY.get(role.kind, set()) for role in scope.roles))
        self.fields["kind"].choices = [("", "---------")] + [
            (k, label) for k, label in RoleKind.choices if k in grantable
        ]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(
            password, User(username=self.data.get("username", ""), display_name=self.data.get("display_name", ""))
        )
        return password

    def clean(self) -> dict:
        data = super().clean() or {}
        union, kind = data.get("union"), data.get("kind")
        if union is not None and kind and kind not in self.scope.grantable_kinds(union):
            self.add_error("kind", _("You may not grant this role at this union."))
        return data
