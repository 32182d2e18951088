"""A page action asked again (Back and resubmit, a second click): the service changes nothing,
as it should, and the page says the step was already done instead of a fresh success.

    convention_sign = convention_actions.view(
        "signer/",
        "convention_sign",
        noting_repeat(services.convention_sign, "convention_id", already_signed),
        once(gettext_lazy("Convention marquée signée."), gettext_lazy("… déjà signée.")),
        forms.SignForm,
    )
"""

import functools
from collections.abc import Callable


def noting_repeat(service: Callable, id_kwarg: str, done: Callable[[int, object], bool]):
    """`service`, whose result is marked `repeated` when `done(object id, by)`, asked just
    before the call, said the step had already been taken."""

    @functools.wraps(service)
    def call(**kwargs):
        repeated = done(kwargs[id_kwarg], kwargs["by"])
        result = service(**kwargs)
        result.repeated = repeated
        return result

    return call


def once(success, already) -> Callable[[object], str]:
    """The success message of an action (a text or a function of the result), or `already`
    when the result is marked `repeated`."""

    def message(result) -> str:
        if getattr(result, "repeated", False):
            return str(already)
        return str(success(result) if callable(success) else success)

    return message
