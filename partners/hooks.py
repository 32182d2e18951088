"""Where the apps above partners add to its pages: they connect when they are ready, so
partners imports none of them."""

from django.dispatch import Signal

# Sent while a partner's page is built, with `request` and `partner`; each receiver returns a
# section of the page as HTML, or "" (referrals: the requests sent from the partner's
# organisations, referrals/views_partners.py).
partner_page_sections = Signal()
