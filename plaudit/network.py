"""The address a request came from, for rate limits and the sign-in lock.

Behind the TLS proxy that docs/deploy.md requires, every request arrives from the proxy's
address; the visitor's is in X-Forwarded-For, which the visitor can also write. So the header is
read only when the deployment says how many proxies stand in front (`TRUSTED_PROXY_COUNT`), and
then only the address the outermost trusted proxy appended: each proxy appends the address it
was called from, so with N trusted proxies the visitor is the N-th entry from the right, and
anything a visitor wrote themselves lies further left and is ignored. With no trusted proxy
(the default) the header is ignored entirely.

A few lines, not django-ipware: its default takes the left-most (visitor-written) entry, and the
rule here is the one a deployment needs to reason about.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(hops) < trusted:
        return remote  # fewer hops than the proxies said to be there: not through them; trust nothing
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
