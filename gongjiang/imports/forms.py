from django import forms
from django.utils.translation import gettext_lazy as _

from gongjiang.core.forms import BootstrapMixin


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
