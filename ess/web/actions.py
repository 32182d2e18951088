"""A page's action: one POST, one service call, a French message, back to the page."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from ess.errors import ServiceError
from ess.flash import flash_error, flash_form_errors
from ess.web.forms import add_service_errors
from ess.web.refill import keep_refused


def post_action(
    request,
    call: Callable[[dict], object],
    *,
    form=None,
    success,
    back: str,
    done: str | Callable[[object], str] | None = None,
    label_errors: bool = True,
):
    """Check `form` (its errors are flashed, prefixed with the field's label unless
    `label_errors` is false), call the service with its cleaned data, flash the service's refusal
    (a ValidationError or an `ess.errors.ServiceError`) or `success` (a text, a function of
    what the service returned, or None when the call flashes its own messages), then redirect
    to `back`, or on success to `done` when given (a URL, or a function of what the service
    returned). A refused form is shown again on `back` as it was sent (ess.web.refill)."""
    if form is not None and not form.is_valid():
        if label_errors:
            flash_form_errors(request, form)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        keep_refused(request, form, None, back=back)
        return redirect(back)
    try:
        result = call(form.cleaned_data if form is not None else {})
    except (ValidationError, ServiceError) as exc:
        flash_error(request, exc)
        keep_refused(request, form, exc, back=back)
        return redirect(back)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    if done is None:
        return redirect(back)
    return redirect(done(result) if callable(done) else done)


def form_page(request, form, save: Callable[[dict], object], *, success, done, template, context):
    """A page with a form: shown on GET; a valid POST calls `save(cleaned_data)` (the service).
    Its ValidationError lands on the form's fields, another refusal on the whole form; on
    success `success` is flashed and the user goes to `done`. `success` and `done` may be
    functions of what the service returned; `context` may be a function too, called only when
    the page is shown (a page that reads much, not read for a POST that succeeds)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(done(result) if callable(done) else done)
    return render(
        request, template, {"form": form, **(context() if callable(context) else context)}
    )


class PageActions:
    """The POST actions of one kind of object's page, one view and one URL per action.

    `route` is the object's URL (with `<uuid:public_id>`), each action's path is below it and
    `urlpatterns` lists them for the app's urls.py. `lookup(request, public_id)` finds the
    object (a 404 when the user may not see it), `id_kwarg` names its id among the service's
    arguments, `back(request, obj)` is where every action returns. Each view validates its
    form, calls `service(<id_kwarg>=obj.pk, by=request.user, **data)` (`data` is the form's
    cleaned data, or what `data(request, cleaned_data)` makes of it), then flashes the refusal
    or the success message. A form that depends on the object gets `form_kwargs(obj)` as
    keyword arguments."""

    def __init__(
        self, *, route: str, lookup: Callable, id_kwarg: str, back: Callable, label_errors=True
    ):
        self.route = route
        self.urlpatterns = []
        self.lookup = lookup
        self.id_kwarg = id_kwarg
        self.back = back
        self.label_errors = label_errors

    def run(
        self,
        request,
        public_id,
        service,
        success,
        form_class=None,
        *,
        files=False,
        data=None,
        form_kwargs=None,
    ):
        obj = self.lookup(request, public_id)
        form = None
        if form_class is not None:
            extra = form_kwargs(obj) if form_kwargs is not None else {}
            form = form_class(request.POST, request.FILES if files else None, **extra)

        def call(cleaned: dict):
            kwargs = data(request, cleaned) if data is not None else cleaned
            return service(**{self.id_kwarg: obj.pk}, by=request.user, **kwargs)

        return post_action(
            request,
            call,
            form=form,
            success=success,
            back=self.back(request, obj),
            label_errors=self.label_errors,
        )

    def view(self, path_: str, name: str, service: Callable, success, form_class=None, **options):
        """A signed-in POST view `view(request, public_id)` running `service`, at `route` +
        `path_` under the URL name `name`; `success` is lazily translated (the view is built at
        import)."""

        @login_required
        @require_POST
        def view(request, public_id):
            return self.run(request, public_id, service, success, form_class, **options)

        view.__name__ = view.__qualname__ = service.__name__
        view.__doc__ = service.__doc__
        self.urlpatterns.append(path(self.route + path_, view, name=name))
        return view
