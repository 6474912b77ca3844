// Runs first in <body> (as NHS.UK frontend asks) so styles for JavaScript-only
// components apply before the page paints; an external file keeps the CSP free of inline scripts.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
