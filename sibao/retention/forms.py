from django import forms
from django.utils.translation import gettext_lazy as _


class EmergencyPurgeForm(forms.Form):
    # The moment the preview was shown: rows recorded after it are not deleted unseen.
    before = forms.DateTimeField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I confirm that the emergency in this region is over and that these records are deleted for good."),
        required=True,
    )
