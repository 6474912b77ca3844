"""A person is never shown as a blank: full name, else email address, else username."""

from django.contrib.auth import get_user_model

from plaudit.people import display_name


def test_a_person_is_named_by_the_best_thing_we_have():
    User = get_user_model()
    assert display_name(User(username="sam", email="sam@example.org", first_name="Sam", last_name="Lee")) == "Sam Lee"
    assert display_name(User(username="sam", email="sam@example.org")) == "sam@example.org"
    assert display_name(User(username="sam")) == "sam"
