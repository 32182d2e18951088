"""Who may see and keep the ESS's money. One condition per line; roles are named."""

from ess.roles import Role, has_role


def can_manage_finance(user) -> bool:
    """Funding, budget, expenses, rates and every member's paid time: the management."""
    return has_role(user, Role.MANAGER)


def can_view_statement(user, member) -> bool:
    """A member's statement of paid time: the management, and the member themselves."""
    if can_manage_finance(user):
        return True
    return bool(user and user.is_authenticated and user.pk == member.pk)
