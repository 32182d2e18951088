"""A partner's contacts: the people to write to (one contact per email address and partner),
some of them subscribed to the newsletter. The management's only."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ess.permissions import require
from partners import permissions as perms
from partners.models import Contact, Partner


def _contact_check(contact: Contact) -> None:
    if contact.newsletter and not contact.email:
        raise ValidationError(
            {
                "email": _(
                    "Pour recevoir la lettre d'information, le contact a besoin d'un courriel."
                )
            }
        )
    contact.email = (contact.email or "").strip()
    if contact.email:
        same = (
            Contact.objects.filter(partner_id=contact.partner_id, email__iexact=contact.email)
            .exclude(pk=contact.pk)
            .first()
        )
        if same is not None:
            raise ValidationError(
                {
                    "email": _("Ce partenaire a déjà un contact à ce courriel : %(name)s.")
                    % {"name": same.name}
                }
            )
    contact.full_clean()


@transaction.atomic
def contact_add(*, partner_id: int, by, **fields) -> Contact:
    """Name, role, email (one contact per address and partner), phone, newsletter
    subscription (needs an email)."""
    require(perms.can_manage_partners(by))
    Partner.objects.select_for_update().filter(pk=partner_id).first()  # one add at a time
    contact = Contact(partner_id=partner_id, **fields)
    _contact_check(contact)
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact_id: int, by, **fields) -> Contact:
    require(perms.can_manage_partners(by))
    contact = Contact.objects.select_for_update().get(pk=contact_id)
    for name, value in fields.items():
        setattr(contact, name, value)
    _contact_check(contact)
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact_id: int, by) -> None:
    require(perms.can_manage_partners(by))
    Contact.objects.filter(pk=contact_id).delete()
