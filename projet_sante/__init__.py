def indicator_codes() -> list[str]:
    """Codes of the indicator registry (projet_sante/indicators.py): the only codes an action of
    the health project may be linked to."""
    from projet_sante.indicators import REGISTRY

    return [indicator.code for indicator in REGISTRY]


def indicator_choices() -> list[tuple[str, str]]:
    """(code, label) of the registry, for the action form."""
    from projet_sante.indicators import REGISTRY

    return [(indicator.code, str(indicator.label)) for indicator in REGISTRY]
