"""Judges' accounts: sign in by a one-time emailed link or a password, and invitations.

Links come from django-sesame (signed, valid for 30 minutes, once). Opening a link shows
a page with a button rather than signing in at once, because email security scanners
open links before people do and would use up a one-time link. Password sign-ins are
counted by django-axes, which locks an account after repeated failures; link requests
are rate-limited per address and per network address. No CAPTCHA.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from sesame.utils import get_query_string

from plaudit import addresses
from plaudit.emails import build


class LinkForm(forms.Form):
    email = addresses.AddressField(
        label="Your email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PasswordForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address (or username) and password",
        "inactive": "This account has been closed",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address or username"
        self.fields["username"].error_messages["required"] = "Enter your email address or username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # A plain field, so that password managers and pasting work.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        self.helper.form_tag = False


def _user_for_email(email: str):
    return addresses.accounts(email).filter(is_active=True).order_by("pk").first()


def send_sign_in_link(user, *, invitation: bool = False) -> None:
    """Email a one-time sign-in link (an invitation names the panel work it is for)."""
    url = settings.SITE_URL + reverse("judging:sign_in_link") + get_query_string(user)
    body = render_to_string("judging/email/sign_in.txt", {"user": user, "url": url, "invitation": invitation})
    subject = "You are invited to judge" if invitation else "Your sign-in link"
    build(subject=subject, text=body, to=user.email, links=[url]).send()


def safe_next(request: HttpRequest) -> str | None:
    """Where to go after signing in, if `next` names a page of this site; never another site
    (full URLs, `//host`, backslashes and their encoded forms are refused)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed and target.startswith("/") else None


def rate_limited(request: HttpRequest, exception) -> HttpResponse:
    return render(request, "judging/rate_limited.html", status=429)


@ratelimit(key="ip", rate="30/h", method="POST", block=True)
def sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in by emailed link (the default) or by password."""
    if request.user.is_authenticated:
        return redirect("judging:home")
    link_form = LinkForm(request.POST if request.POST.get("method") == "link" else None, prefix="link")
    password_form = PasswordForm(request, request.POST if request.POST.get("method") == "password" else None)
    if request.method == "POST" and request.POST.get("method") == "link" and link_form.is_valid():
        if is_ratelimited(
            request,
            group="sign-in-link",
            key=lambda group, request: link_form.cleaned_data["email"],
            rate="5/h",
            method="POST",
            increment=True,
        ):
            return rate_limited(request, None)
        user = _user_for_email(link_form.cleaned_data["email"])
        if user is not None:
            send_sign_in_link(user)
        # The same answer whether or not the address has an account, so addresses cannot be tested.
        return render(request, "judging/sign_in_sent.html", {"email": link_form.cleaned_data["email"]})
    if request.method == "POST" and request.POST.get("method") == "password":
        # Per account as well as per address: one account tried from many addresses is limited too
        # (django-axes also locks it after repeated wrong passwords).
        username = str(request.POST.get("username", ""))[:150].strip().lower()
        if username and is_ratelimited(
            request,
            group="sign-in-password",
            key=lambda group, request: username,
            rate="20/h",
            method="POST",
            increment=True,
        ):
            return rate_limited(request, None)
    if request.method == "POST" and request.POST.get("method") == "password" and password_form.is_valid():
        login(request, password_form.get_user())
        stay_signed_in(request, request.POST.get("stay") == "1")
        return redirect(safe_next(request) or "judging:home")
    return render(request, "judging/sign_in.html", {"link_form": link_form, "password_form": password_form})


SESAME_SESSION_KEY = "plaudit_sign_in_link"


def sign_in_link(request: HttpRequest) -> HttpResponse:
    """The emailed link. Its token is kept in the session and the browser sent on to this page's
    address without it (so it sits in no access log or history); the page shows a button, and the
    POST checks the one-time token and signs in."""
    if "sesame" in request.GET:
        request.session[SESAME_SESSION_KEY] = str(request.GET["sesame"])[:500]
        return redirect("judging:sign_in_link")
    token = request.session.get(SESAME_SESSION_KEY, "")
    if request.method == "POST":
        token = request.session.pop(SESAME_SESSION_KEY, "") or request.POST.get("sesame", "")
        # authenticate() with the request, as django-axes asks; signing in moves last_login on,
        # which is what makes the one-time link unusable afterwards.
        user = authenticate(request, sesame=token) if token else None
        if user is None:
            return render(request, "judging/sign_in_link.html", {"invalid": True}, status=400)
        login(request, user)
        stay_signed_in(request, request.POST.get("stay") == "1")
        return redirect("judging:home")
    return render(request, "judging/sign_in_link.html", {"token": bool(token)})


# Judges and the office: a session that ends when the browser closes (and after SESSION_COOKIE_AGE
# at most), unless they ask to stay signed in on this device.
STAY_SIGNED_IN_SECONDS = 7 * 24 * 60 * 60


def stay_signed_in(request: HttpRequest, stay: bool) -> None:
    request.session.set_expiry(STAY_SIGNED_IN_SECONDS if stay else 0)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("judging:sign_in")
