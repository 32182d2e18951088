"""A service's refusal shown on the form the user just sent."""

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError, *, loose_field: str | None = None) -> None:
    """Each field's messages on that field (a field the form lacks: on the form as a whole);
    messages that name no field on `loose_field` when the form has it, else on the whole form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return
    target = loose_field if loose_field in form.fields else None
    for error in exc.messages:
        form.add_error(target, error)
