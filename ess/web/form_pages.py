"""Pages built around one form: the pair that creates one kind of object and changes one, and
the page that issues a secret shown once."""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from ess.web.actions import form_page
from ess.web.forms import add_service_errors


class ObjectFormPages:
    """The page that creates one kind of object and the page that changes one: one template
    (the object under `name`, None on the creation page), the services `create(by=…, **data)`
    and `update(<name>_id=…, by=…, **data)`, and after either, `done(obj)`: the URL of the
    object the service returned.

    The views find the object and check access themselves, build the form (a new object's, or
    one filled from the object), then hand it to `create_page` or `edit_page`. `context` adds
    to what the template gets; `data(form)` replaces the cleaned data as the service's
    arguments."""

    def __init__(
        self,
        *,
        name: str,
        template: str,
        create: Callable,
        update: Callable,
        done: Callable[[object], str],
        data: Callable | None = None,
    ):
        self.name = name
        self.template = template
        self.create = create
        self.update = update
        self.done = done
        self.data = data

    def create_page(self, request, form, *, success, context=None):
        def save(arguments: dict):
            return self.create(by=request.user, **arguments)

        return self._page(request, form, None, save, success, context)

    def edit_page(self, request, obj, form, *, success, context=None):
        def save(arguments: dict):
            return self.update(**{f"{self.name}_id": obj.pk}, by=request.user, **arguments)

        return self._page(request, form, obj, save, success, context)

    def _page(self, request, form, obj, save: Callable[[dict], object], success, context):
        return form_page(
            request,
            form,
            lambda cleaned: save(self.data(form) if self.data is not None else cleaned),
            success=success,
            done=self.done,
            template=self.template,
            context={self.name: obj, **(context or {})},
        )


# The forms of shown_once_page already used, by their one-time key (the key, not the secret).
ISSUED_KEY = "ess.shown_once_issued"


def shown_once_page(
    request, form_class, issue: Callable[[dict], dict], *, template: str, context: Callable
):
    """A page that lists things and, through its form, issues one whose secret (a token) is in
    this response only: the page is rendered, not redirected, so the secret is never stored
    server-side. A valid POST calls `issue(cleaned_data)`: its refusal lands on the form; what
    it returns is the template's `created`, beside a blank form. `context()` is read after the
    issue, so the list holds the new one. Each form carries a one-time key (`once`): sent again
    (the page reloaded), it issues nothing more."""
    form = form_class(request.POST or None)
    created = None
    sent = request.POST.get("once", "") if request.method == "POST" else ""
    issued = request.session.get(ISSUED_KEY, [])
    if sent and sent in issued:  # the same form again (reloading the page that showed it)
        form = form_class()
        messages.error(
            request,
            _(
                "Ce formulaire a déjà servi : rien de plus n'est créé. Une clé n'est montrée "
                "qu'une fois ; si vous ne l'avez pas notée, révoquez-la et créez-en une autre."
            ),
        )
    elif request.method == "POST" and form.is_valid():
        try:
            created = issue(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = form_class()
            if sent:
                request.session[ISSUED_KEY] = [*issued, sent][-20:]
    shown = {"form": form, "created": created, "once": uuid.uuid4().hex, **context()}
    return render(request, template, shown)
