"""Newsletter pages: managers draft, preview and send; anyone reads the archive, subscribes and
unsubscribes. Each view validates, calls one service, renders."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ess.flash import flash_error
from ess.permissions import require
from ess.throttle import throttled_response
from ess.web.actions import post_action
from ess.web.paging import page_of
from ess.workflow import available_actions
from projet_sante.newsletter import services
from projet_sante.newsletter.forms import NewsletterSectionsForm, SubscribeForm
from projet_sante.newsletter.models import Audience, Newsletter, NewsletterStatus
from projet_sante.newsletter.permissions import can_manage_newsletters
from projet_sante.newsletter.selectors import (
    figure_rows,
    newsletter_audience,
    newsletter_get_for_user,
    newsletter_progress,
    newsletters_with_progress,
    upcoming_rows,
)


def _managed(request, public_id) -> Newsletter:
    require(can_manage_newsletters(request.user))
    return get_object_or_404(Newsletter, public_id=public_id)


def _manage_url(newsletter) -> str:
    return reverse("projet_sante:newsletter_manage", args=[newsletter.public_id])


# ---------------------------------------------------------------------------------------------
# Managers
# ---------------------------------------------------------------------------------------------
@login_required
def newsletter_manage_list(request):
    require(can_manage_newsletters(request.user))
    page = page_of(request, newsletters_with_progress(request.user), 25)
    return render(request, "projet_sante/newsletter/newsletter_manage_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_manage(request, public_id):
    """The letter's page for managers: its sections (editable while a draft) and, once sending,
    the progress, which refreshes itself (htmx gets the fragment the page includes)."""
    newsletter = _managed(request, public_id)
    progress = newsletter_progress(newsletter)
    if request.htmx and request.method == "GET":
        return render(
            request,
            "projet_sante/newsletter/_newsletter_progress.html",
            {"newsletter": newsletter, "progress": progress},
        )
    form = NewsletterSectionsForm(
        request.POST or None,
        initial={field: getattr(newsletter, field) for field in ("progress", "news", "events")},
    )
    if request.method == "POST" and form.is_valid():
        return post_action(
            request,
            lambda data: services.newsletter_update(
                newsletter_id=newsletter.pk, by=request.user, **data
            ),
            form=form,
            success=_("Brouillon enregistré."),
            back=_manage_url(newsletter),
        )
    return render(
        request,
        "projet_sante/newsletter/newsletter_manage.html",
        {
            "newsletter": newsletter,
            "figures": figure_rows(newsletter.figures),
            "form": form,
            "progress": progress,
            "is_draft": newsletter.status == NewsletterStatus.DRAFT,
            "actions": available_actions(request.user, newsletter),
        },
    )


@login_required
@require_POST
def newsletter_refresh_figures(request, public_id):
    newsletter = _managed(request, public_id)
    return post_action(
        request,
        lambda _data: services.newsletter_figures_refresh(
            newsletter_id=newsletter.pk, by=request.user
        ),
        success=_("Chiffres recalculés."),
        back=_manage_url(newsletter),
    )


def _letter(request, newsletter) -> dict:
    """What the web version of a letter shows: the letter, its figures, what is coming up."""
    return {
        "newsletter": newsletter,
        "figures": figure_rows(newsletter.figures),
        "upcoming": upcoming_rows(newsletter.figures, request.build_absolute_uri("/")),
    }


def _preview(request, newsletter):
    return services.newsletter_render(
        newsletter=newsletter,
        email=request.user.email,
        audience=Audience.MEMBER,
        base_url=request.build_absolute_uri("/"),
    )


@login_required
def newsletter_preview(request, public_id):
    """The web version and the email's text version, as a member would receive it."""
    newsletter = _managed(request, public_id)
    return render(
        request,
        "projet_sante/newsletter/newsletter_preview.html",
        {**_letter(request, newsletter), "email": _preview(request, newsletter)},
    )


@login_required
@csp_update({"style-src": [UNSAFE_INLINE]})  # the email's own <style>, nothing else
def newsletter_preview_email(request, public_id):
    """Exactly the HTML the email carries (same template, same function as the worker)."""
    newsletter = _managed(request, public_id)
    return HttpResponse(_preview(request, newsletter).body_html)


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_send(request, public_id):
    """GET: what will be sent to how many; POST: send. A second POST sends nothing more."""
    newsletter = _managed(request, public_id)
    if request.method == "POST":
        was_draft = newsletter.status == NewsletterStatus.DRAFT
        try:
            services.newsletter_send(
                newsletter_id=newsletter.pk,
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            flash_error(request, exc)
            return redirect(_manage_url(newsletter))
        if was_draft:
            messages.success(request, _("Envoi lancé."))
        else:
            messages.info(request, _("Cette lettre est déjà envoyée ou en cours d'envoi."))
        return redirect(_manage_url(newsletter))
    if "send" not in available_actions(request.user, newsletter):
        return redirect(_manage_url(newsletter))
    audience = newsletter_audience()
    counts = {kind: 0 for kind in Audience}
    for kind in audience.values():
        counts[kind] += 1
    return render(
        request,
        "projet_sante/newsletter/newsletter_send.html",
        {
            "newsletter": newsletter,
            "total": len(audience),
            "counts": [(Audience(kind).label, n) for kind, n in counts.items()],
        },
    )


# ---------------------------------------------------------------------------------------------
# Everyone: archive, subscription, unsubscribe
# ---------------------------------------------------------------------------------------------
def newsletter_archive(request):
    """Sent letters, public: they hold aggregates and editorial text only, and the link "read
    online" in the email must work for subscribers who have no account."""
    page = page_of(request, newsletters_with_progress(request.user), 25)
    return render(
        request,
        "projet_sante/newsletter/newsletter_archive.html",
        {"page": page, "can_manage": can_manage_newsletters(request.user)},
    )


def newsletter_detail(request, public_id):
    newsletter = newsletter_get_for_user(request.user, public_id)
    return render(
        request,
        "projet_sante/newsletter/newsletter_detail.html",
        _letter(request, newsletter),
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if throttled := throttled_response(request, action="newsletter_subscribe"):
        return throttled
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.subscriber_subscribe(
            email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/")
        )
        return render(request, "projet_sante/newsletter/subscribe_sent.html")
    return render(request, "projet_sante/newsletter/subscribe.html", {"form": form})


def _emailed_link(request, email: str | None, *, act, pages: tuple[str, str, str], invalid: int):
    """A link sent by email. GET shows a button (mail scanners follow links: a GET never
    writes); POST calls `act`. `pages`: the templates for an invalid link, the button, done."""
    invalid_page, confirm_page, done_page = (f"projet_sante/newsletter/{p}.html" for p in pages)
    if email is None:
        return render(request, invalid_page, status=invalid)
    if request.method == "POST":
        try:
            act()
        except ValidationError:
            return render(request, invalid_page, status=invalid)
        return render(request, done_page, {"email": email})
    return render(request, confirm_page, {"email": email})


@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    subscriber = services.subscriber_from_token(token)
    return _emailed_link(
        request,
        subscriber.email if subscriber else None,
        act=lambda: services.subscriber_confirm(token=token),
        pages=("subscription_invalid", "subscription_confirm", "subscription_confirmed"),
        invalid=404,
    )


# Mail providers POST "List-Unsubscribe=One-Click" without any cookie or CSRF token (RFC 8058):
# the signed token is the authorisation.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    email = services.email_from_unsubscribe_token(token)
    return _emailed_link(
        request,
        email,
        act=lambda: services.recipient_unsubscribe(email=email),
        pages=("unsubscribe_invalid", "unsubscribe_confirm", "unsubscribe_done"),
        invalid=400,
    )
