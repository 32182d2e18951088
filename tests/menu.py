"""The main menu as a user reads it: every page it offers, in drop-downs or not."""

from ess.navigation import navigation_for


def menu_links(user, current_path: str = "/") -> list[dict]:
    """The bar's links, those of its drop-down menus included, in the bar's order."""
    return [e for item in navigation_for(user, current_path) for e in item.get("children", [item])]


def menu_labels(user) -> list[str]:
    return [str(link["label"]) for link in menu_links(user)]
