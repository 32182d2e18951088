def indicator_codes() -> list[str]:
    """Codes of the indicator registry that actions of the health project may refer to.

    Empty until the registry (step 7, indicators) is wired here: then action codes must be in it;
    meanwhile any slug-shaped code is accepted."""
    return []
