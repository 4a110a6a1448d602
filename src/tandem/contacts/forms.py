"""The create and edit forms of organizations and people. A form only checks what a person typed
and shapes it into the mappings contacts.services expects; the rules (duplicates, versions, who
may do what) stay in the services, whose errors come back to the field they concern."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.formsets import BaseFormSet, formset_factory
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.contacts.models import ContactLabel, Organization, Person
from tandem.contacts.normalize import normalize_phone
from tandem.contacts.services import ADDRESS_FIELDS
from tandem.core.errors import ServiceError
from tandem.core.forms import BootstrapForm, PickerSelect
from tandem.core.text import latin_commas


class OwnerField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class TagsField(forms.CharField):
    """Tags typed as comma-separated text ("customer, vip"); new names become new tags."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        names: list[str] = []
        for part in latin_commas(str(super().to_python(value) or "")).split(","):
            name = " ".join(part.split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        too_long = [n for n in names if len(n) > 50]
        if too_long:
            raise ValidationError(
                _("A tag has at most 50 characters: “%(tag)s”."), params={"tag": too_long[0]}
            )
        return names

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value


def _label_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Label"), choices=ContactLabel.choices, initial=ContactLabel.WORK)


def _primary_field() -> forms.BooleanField:
    return forms.BooleanField(label=_("Primary"), required=False)


class _RowForm(BootstrapForm):
    """One row of a list (an e-mail, a phone, ...). A row left blank or ticked "Remove" is dropped."""

    key: ClassVar[str]

    def item(self) -> dict[str, Any] | None:
        data = getattr(self, "cleaned_data", {})
        if not data or data.get("DELETE") or not data.get(self.key):
            return None
        return {name: value for name, value in data.items() if name != "DELETE"}


class EmailRowForm(_RowForm):
    key = "email"
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    label = _label_field()
    is_primary = _primary_field()


class PhoneRowForm(_RowForm):
    key = "number"
    number = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "placeholder": _("+49 30 1234567"), "dir": "ltr"}),
    )
    label = _label_field()
    is_primary = _primary_field()

    def clean_number(self) -> str:
        number = str(self.cleaned_data.get("number") or "").strip()
        if number:
            try:
                normalize_phone(number)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
        return number


class AddressRowForm(_RowForm):
    key = "street"
    street = forms.CharField(label=_("Street"), required=False, max_length=200)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    region = forms.CharField(label=_("State / region"), required=False, max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=20)
    country = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. DE"), "size": 4}),
    )
    label = _label_field()
    is_primary = _primary_field()

    def clean_country(self) -> str:
        country = str(self.cleaned_data.get("country") or "").strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise ValidationError(_("Use a two-letter country code such as DE or IR."))
        return country

    def item(self) -> dict[str, Any] | None:
        data = getattr(self, "cleaned_data", {})
        if not data or data.get("DELETE") or not any(data.get(name) for name in ADDRESS_FIELDS):
            return None
        return {name: value for name, value in data.items() if name != "DELETE"}


class MembershipRowForm(_RowForm):
    key = "organization_id"
    organization_id = forms.TypedChoiceField(
        label=_("Organization"), required=False, coerce=int, empty_value=None
    )
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=150)
    is_primary = _primary_field()

    def __init__(self, *args: Any, organization_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization_id"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "—"), *organization_choices]


class RowFormSet(BaseFormSet[Any]):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


def _formset(form: type[forms.Form], extra: int) -> type[BaseFormSet[Any]]:
    return formset_factory(
        form, formset=RowFormSet, extra=extra, can_delete=True, can_delete_extra=False, max_num=50
    )


EmailFormSet = _formset(EmailRowForm, 2)
PhoneFormSet = _formset(PhoneRowForm, 2)
AddressFormSet = _formset(AddressRowForm, 1)
MembershipFormSet = _formset(MembershipRowForm, 2)


class _CustomerForm(BootstrapForm):
    tags = TagsField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas, e.g. customer, vip")
    )
    owner = OwnerField(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label=_("No owner"),
        widget=PickerSelect("user"),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    allow_duplicate = forms.BooleanField(label=_("Save anyway, this is a different customer"), required=False)


class OrganizationForm(_CustomerForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    website = forms.CharField(label=_("Website"), required=False, max_length=300)
    industry = forms.CharField(label=_("Industry"), required=False, max_length=100)

    field_order = ["name", "website", "industry", "tags", "owner", "notes"]


class PersonForm(_CustomerForm):
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    # Not required here: a one-word name may be typed in either box (the service sorts it out).
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)

    field_order = ["first_name", "last_name", "tags", "owner", "notes"]


class CustomerForms:
    """The main form plus one formset per list (e-mails, phones, ...), validated and saved as one."""

    form_class: ClassVar[type[_CustomerForm]]
    scalar_fields: ClassVar[tuple[str, ...]]
    formset_classes: ClassVar[dict[str, type[BaseFormSet[Any]]]] = {
        "emails": EmailFormSet,
        "phones": PhoneFormSet,
        "addresses": AddressFormSet,
    }
    list_titles: ClassVar[dict[str, Any]] = {
        "emails": _("E-mail addresses"),
        "phones": _("Phone numbers"),
        "addresses": _("Addresses"),
        "memberships": _("Organizations"),
    }

    def __init__(
        self,
        data: QueryDict | None,
        *,
        initial: Mapping[str, Any],
        lists: Mapping[str, list[dict[str, Any]]] | None = None,
        form_kwargs: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        self.form = self.form_class(data, initial=initial)
        self.formsets: dict[str, BaseFormSet[Any]] = {
            name: cls(
                data,
                prefix=name,
                initial=(lists or {}).get(name, []),
                form_kwargs=(form_kwargs or {}).get(name, {}),
            )
            for name, cls in self.formset_classes.items()
        }
        self.list_errors: dict[str, str] = {}

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return all([valid, *(fs.is_valid() for fs in self.formsets.values())])

    @property
    def version(self) -> int | None:
        return self.form.cleaned_data.get("version")

    @property
    def allow_duplicate(self) -> bool:
        return bool(self.form.cleaned_data.get("allow_duplicate"))

    def service_data(self) -> dict[str, Any]:
        data = {name: self.form.cleaned_data.get(name) for name in (*self.scalar_fields, "notes", "owner")}
        data["tags"] = self.form.cleaned_data.get("tags") or []
        for name, formset in self.formsets.items():
            data[name] = [item for item in (f.item() for f in formset.forms) if item is not None]
        return data

    def add_service_error(self, error: ServiceError) -> None:
        """Show a service's refusal next to the field it names, above the list it names, or on top."""
        if error.field in self.formsets:
            self.list_errors[error.field] = error.message
        elif error.field in self.form.fields:
            self.form.add_error(error.field, error.message)
        else:
            self.form.add_error(None, error.message)

    @property
    def lists(self) -> list[dict[str, Any]]:
        """The formsets in page order, with their titles and any error a service gave for them."""
        return [
            {
                "name": name,
                "title": self.list_titles[name],
                "formset": fs,
                "error": self.list_errors.get(name),
            }
            for name, fs in self.formsets.items()
        ]


def _detail_lists(record: Organization | Person) -> dict[str, list[dict[str, Any]]]:
    return {
        "emails": [
            {"email": e.email, "label": e.label, "is_primary": e.is_primary} for e in record.emails.all()
        ],
        "phones": [
            {"number": p.raw, "label": p.label, "is_primary": p.is_primary} for p in record.phones.all()
        ],
        "addresses": [
            {
                **{name: getattr(a, name) for name in ADDRESS_FIELDS},
                "label": a.label,
                "is_primary": a.is_primary,
            }
            for a in record.addresses.all()
        ],
    }


def _prepare_edit(form: forms.Form, owner_id: int | None) -> None:
    # An edit must say which version it started from, or it could silently overwrite a colleague.
    form.fields["version"].required = True
    # A record owned by someone who has since left keeps that owner until it is changed on purpose.
    if owner_id is not None:
        field = form.fields["owner"]
        if isinstance(field, OwnerField):
            field.queryset = User.objects.filter(Q(is_active=True) | Q(pk=owner_id))


def _record_initial(record: Organization | Person, fields: Iterable[str]) -> dict[str, Any]:
    return {
        **{name: getattr(record, name) for name in fields},
        "notes": record.notes,
        "owner": record.owner_id,
        "tags": [t.name for t in record.tags.all()],
        "version": record.version,
    }


class OrganizationForms(CustomerForms):
    form_class = OrganizationForm
    scalar_fields = ("name", "website", "industry")

    @classmethod
    def for_create(cls, data: QueryDict | None, *, user: User) -> OrganizationForms:
        return cls(data, initial={"owner": user.pk})

    @classmethod
    def for_edit(cls, data: QueryDict | None, *, organization: Organization) -> OrganizationForms:
        forms_ = cls(
            data,
            initial=_record_initial(organization, cls.scalar_fields),
            lists=_detail_lists(organization),
        )
        _prepare_edit(forms_.form, organization.owner_id)
        return forms_


def organization_choices(current: Iterable[int] = ()) -> list[tuple[int, str]]:
    """Organizations a person can be linked to: active ones, plus those already linked."""
    wanted = set(current)
    return [
        (org.pk, org.name + (f" ({_('archived')})" if org.is_archived else ""))
        for org in Organization.objects.filter(merged_into__isnull=True)
        .only("pk", "name", "archived_at")
        .order_by("name_key", "id")
        if not org.is_archived or org.pk in wanted
    ]


class PersonForms(CustomerForms):
    form_class = PersonForm
    scalar_fields = ("first_name", "last_name")
    formset_classes = {**CustomerForms.formset_classes, "memberships": MembershipFormSet}

    def __init__(self, data: QueryDict | None, *, linked: Iterable[int] = (), **kwargs: Any) -> None:
        choices = organization_choices(linked)
        super().__init__(data, form_kwargs={"memberships": {"organization_choices": choices}}, **kwargs)

    @property
    def lists(self) -> list[dict[str, Any]]:
        # Where someone works comes first on a person's form.
        rows = super().lists
        return rows[-1:] + rows[:-1]

    @classmethod
    def for_create(
        cls, data: QueryDict | None, *, user: User, organization: Organization | None = None
    ) -> PersonForms:
        memberships = [{"organization_id": organization.pk, "is_primary": True}] if organization else []
        return cls(
            data,
            initial={"owner": user.pk},
            lists={"memberships": memberships},
            linked=[organization.pk] if organization else [],
        )

    @classmethod
    def for_edit(cls, data: QueryDict | None, *, person: Person) -> PersonForms:
        links = list(person.memberships.all())
        memberships = [
            {"organization_id": m.organization_id, "job_title": m.job_title, "is_primary": m.is_primary}
            for m in links
        ]
        forms_ = cls(
            data,
            initial=_record_initial(person, cls.scalar_fields),
            lists={**_detail_lists(person), "memberships": memberships},
            linked=[m.organization_id for m in links],
        )
        _prepare_edit(forms_.form, person.owner_id)
        return forms_


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
