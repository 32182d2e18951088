from django import template

register = template.Library()

_WIDGET_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefile": "form-control",
}


@register.filter
def bootstrap(field):
    """Render a bound field's widget with the Bootstrap class its type calls for."""
    css = _WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css = f"{css} is-invalid".strip()
    attrs = {"class": css} if css else {}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}-errors"
    return field.as_widget(attrs=attrs)
