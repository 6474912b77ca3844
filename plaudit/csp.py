"""The site's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY), with one narrow
relaxation for the admin.

Django's admin autocomplete (Select2, used for judges and nominations with thousands of
choices) sizes its boxes with style attributes, which `style-src 'self'` blocks, leaving the
box without a width. Under /admin/ only, style *attributes* are allowed (`style-src-attr`);
style elements and every script rule stay as strict as on the rest of the site.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.urls import reverse


class PlauditCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("admin:index")):
            parts.update = {**(parts.update or {}), "style-src-attr": [UNSAFE_INLINE]}
        return parts
