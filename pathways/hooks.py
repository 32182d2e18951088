"""Where the apps above pathways add to its pages: they connect when they are ready, so
pathways imports none of them."""

from django.dispatch import Signal

# Sent while a pathway's page is built, with `request` and `pathway` (which the viewer may see:
# the page looked it up through pathway_get_for_user); each receiver returns a section of the
# page as HTML, or "" (meetings: the télé-RCP where the pathway is on the agenda, and the link
# that puts it on one, meetings/views.py).
pathway_page_sections = Signal()
