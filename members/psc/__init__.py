"""Pro Santé Connect (PSC), the national identity provider of health professionals: allauth's
OpenID Connect provider, extended where PSC asks for more than the stock one does (nonce, the
eIDAS level checked on return, userinfo as a signed JWT), and the rule that turns a PSC identity
into an account of the platform (adapter.py)."""
