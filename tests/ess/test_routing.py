"""An object's standard pages routed by convention: French paths, `<stem>_<page>` views."""

from types import SimpleNamespace

from ess.routing import object_urls


def _view(page):
    def view(request, **kwargs):
        return page

    return view


# A stand-in for a views module: one distinct view per page.
views = SimpleNamespace(
    **{f"widget_{page}": _view(page) for page in ("list", "create", "detail", "edit", "delete")}
)


def _routes(patterns):
    return [(str(p.pattern), p.callback, p.name) for p in patterns]


def test_the_standard_pages_stand_at_their_french_paths_under_the_views_names():
    assert _routes(object_urls("machins/", views, "widget", new="nouvelle/")) == [
        ("machins/", views.widget_list, "widget_list"),
        ("machins/nouvelle/", views.widget_create, "widget_create"),
        ("machins/<uuid:public_id>/", views.widget_detail, "widget_detail"),
        ("machins/<uuid:public_id>/modifier/", views.widget_edit, "widget_edit"),
    ]


def test_a_family_below_another_object_names_its_own_id_and_may_create_on_its_collection():
    patterns = object_urls(
        "<uuid:public_id>/machins/",
        views,
        "widget",
        pages=("create", "delete"),
        new="",
        lookup="widget_id",
    )

    assert _routes(patterns) == [
        ("<uuid:public_id>/machins/", views.widget_create, "widget_create"),
        (
            "<uuid:public_id>/machins/<uuid:widget_id>/supprimer/",
            views.widget_delete,
            "widget_delete",
        ),
    ]
