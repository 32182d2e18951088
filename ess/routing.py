"""The standard pages of one kind of object, routed by convention (as DRF's routers do for a
viewset): a URL prefix, the views module and a name stem are enough.

Below the prefix, each page stands at its French path, is served by the view
`<stem>_<page>` of the module and is named `<stem>_<page>`:

| page     | path below the prefix         |
|----------|-------------------------------|
| `list`   | none: the prefix itself       |
| `create` | `nouveau/` (the `new` option) |
| `detail` | `<uuid:public_id>/`           |
| `edit`   | `<uuid:public_id>/modifier/`  |
| `delete` | `<uuid:public_id>/supprimer/` |

Pages that do not follow the convention are written out with `path()` beside the family.
"""

from types import ModuleType

from django.urls import URLPattern, path

# The pages routed when `pages` is not given.
PAGES = ("list", "create", "detail", "edit")

_PATHS = {
    "list": "",
    "create": "{new}",
    "detail": "{obj}/",
    "edit": "{obj}/modifier/",
    "delete": "{obj}/supprimer/",
}


def object_urls(
    prefix: str,
    views: ModuleType,
    stem: str,
    *,
    pages: tuple[str, ...] = PAGES,
    new: str = "nouveau/",
    lookup: str = "public_id",
) -> list[URLPattern]:
    """The URL patterns of `pages` (in that order) of the objects at `prefix`.

    `new` is the creation page's path: "nouvelle/" for a feminine noun, "" where the form
    posts to the collection's own URL. `lookup` names the object's UUID among the view's
    keyword arguments (another name than `public_id` where the prefix already holds one).

    `object_urls("etp/", etp, "etp")` routes `etp/` to `etp.etp_list` as "etp_list",
    `etp/nouveau/` to `etp.etp_create` as "etp_create", and so on.
    """
    obj = f"<uuid:{lookup}>"
    return [
        path(
            prefix + _PATHS[page].format(new=new, obj=obj),
            getattr(views, f"{stem}_{page}"),
            name=f"{stem}_{page}",
        )
        for page in pages
    ]
