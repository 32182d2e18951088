"""The secure messages to send, one row per answer given to a requester with an MSSanté
address."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecureMessage(models.Model):
    """The answer of a referral, to send by secure health messaging. Written with the answer,
    sent once by a task (interop.tasks.deliver_secure_message), swept again while pending.

    The report is kept as the HTML it was rendered from at the moment of the answer; the PDF is
    made from it at the first attempt and kept, so every retry sends the same bytes, and the
    message keeps its Message-ID from one attempt to the next."""

    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("demande"),
        on_delete=models.CASCADE,
        related_name="secure_messages",
    )
    recipient = models.EmailField(_("destinataire (MSSanté)"))
    subject = models.CharField(_("objet"), max_length=300)
    body_text = models.TextField(_("texte"))
    report_html = models.TextField()
    report_pdf = models.BinaryField(null=True, editable=False)
    report_filename = models.CharField(max_length=150)
    # The uploaded report files sent with it (referrals.Attachment ids), read at sending time.
    attachment_ids = models.JSONField(default=list, blank=True)
    message_id = models.CharField(_("identifiant du message"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # The server refused the recipient for good (unknown address): not tried again.
    failed_at = models.DateTimeField(_("abandonné le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message sécurisé (MSSanté)")
        verbose_name_plural = _("messages sécurisés (MSSanté)")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="securemessage_pending",
                condition=models.Q(sent_at=None, failed_at=None),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
