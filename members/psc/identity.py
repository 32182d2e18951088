"""What PSC asserts about a professional, as this platform reads it."""

PROVIDER_ID = "psc"
# The level of assurance PSC asks of the professional (e-CPS app or CPS card): asked for in the
# authorisation request, and the only one accepted in the returned ID token.
ACR = "eidas1"


def national_id_of(userinfo: dict) -> str:
    """The professional's national identifier ("8" + RPPS, or "0" + ADELI) in PSC's userinfo:
    `preferred_username`, or `SubjectNameID` as PSC also names it."""
    return str(userinfo.get("preferred_username") or userinfo.get("SubjectNameID") or "").strip()
