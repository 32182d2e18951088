"""A page's action: one POST, one service call, a French message, back to the page."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ess.errors import ServiceError
from ess.flash import flash_error, flash_form_errors


def post_action(
    request,
    call: Callable[[dict], object],
    *,
    form=None,
    success,
    back: str,
    label_errors: bool = True,
):
    """Check `form` (its errors are flashed, prefixed with the field's label unless
    `label_errors` is false), call the service with its cleaned data, flash the service's refusal
    (a ValidationError or an `ess.errors.ServiceError`) or `success` (a text, or a function of
    what the service returned), then redirect to `back`."""
    if form is not None and not form.is_valid():
        if label_errors:
            flash_form_errors(request, form)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(back)
    try:
        result = call(form.cleaned_data if form is not None else {})
    except (ValidationError, ServiceError) as exc:
        flash_error(request, exc)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(back)


def action_view(act: Callable, form_class, call: Callable, success, **options):
    """A signed-in POST view `view(request, public_id)` that runs `act(request, public_id,
    form_class, call, success, **options)`: the app's own `_act` finds the object and says where
    to go back; `call(request, obj, data)` calls the service."""

    @login_required
    @require_POST
    def view(request, public_id):
        return act(
            request,
            public_id,
            form_class,
            lambda obj, data: call(request, obj, data),
            success,
            **options,
        )

    return view
