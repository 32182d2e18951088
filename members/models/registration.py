"""Self-registration of health professionals: an RPPS/ADELI number checked against the national
directory, an email proven by a link, then a requester account, opened at once for those who
practise in the ESS's départements and after the coordination's validation for the others."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.workflow import Stateful, StatusEvent, status_columns, status_field
from members.models.directory import DirectoryEntry


class RegistrationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Adresse à confirmer")
    PENDING = "pending", _("À valider par la coordination")
    OPEN = "open", _("Compte ouvert")
    REFUSED = "refused", _("Refusée")


# The only definition of what may follow what. UNCONFIRMED → OPEN or PENDING when the
# professional follows the emailed link (OPEN inside the ESS's départements).
_S = RegistrationStatus
REGISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.UNCONFIRMED: frozenset({_S.OPEN, _S.PENDING}),
    _S.PENDING: frozenset({_S.OPEN, _S.REFUSED}),
    _S.OPEN: frozenset(),
    _S.REFUSED: frozenset(),
}
# A professional has at most one registration in these statuses.
OPEN_REGISTRATION_STATUSES = frozenset({RegistrationStatus.UNCONFIRMED, RegistrationStatus.PENDING})


class Registration(Stateful, PublicIdModel):
    transitions = REGISTRATION_TRANSITIONS

    entry = models.ForeignKey(
        DirectoryEntry,
        verbose_name=_("professionnel de l'annuaire"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    email = models.EmailField(_("adresse électronique"))
    status = status_field(RegistrationStatus, default=RegistrationStatus.UNCONFIRMED)
    # Whether the practice is in the ESS's départements, as told to the professional.
    in_territory = models.BooleanField(_("exerce sur le territoire de l'ESS"))
    user = optional_fk(
        settings.AUTH_USER_MODEL, _("compte"), on_delete=models.SET_NULL, related_name="+"
    )
    # A resent form (double click) carries the same key and gets the first registration back.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inscription")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status__in=sorted(OPEN_REGISTRATION_STATUSES)),
                name="registration_one_open_per_professional",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry.last_name} {self.entry.first_name} ({self.email})"

    # The person, as the password form's similarity check reads it.
    @property
    def first_name(self) -> str:
        return self.entry.first_name

    @property
    def last_name(self) -> str:
        return self.entry.last_name


class RegistrationEvent(StatusEvent):
    """The registration's history: the link followed, the coordination's decision."""

    subject_field = "registration"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    actor = optional_fk(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+")
    from_status, to_status = status_columns(RegistrationStatus)
