"""Every write of the pathways app: one function per action, keyword-only."""

from django.db import transaction
from django.utils.translation import gettext as _

from ess.permissions import require
from ess.text import required_text
from ess.workflow import locked
from pathways import permissions as perms
from pathways.models import NoteKind, Pathway, PathwayNote


@transaction.atomic
def pathway_note_add(*, pathway_id: int, by, text: str, kind: str = NoteKind.NOTE) -> PathwayNote:
    """Write a line into the pathway's timeline. A note needs `can_write_in_pathway`; a case
    meeting's decision (`NoteKind.RCP_DECISION`) is written by the meetings service, which
    checked its own actor (a participant of the meeting), so it is not checked again here."""
    pathway = locked(Pathway, pathway_id)
    if kind == NoteKind.NOTE:
        require(perms.can_write_in_pathway(by, pathway))
    text = required_text(text, "text", _("Écrivez le texte de la note."))
    return PathwayNote.objects.create(pathway=pathway, author=by, kind=kind, text=text)
