"""How pages, emails and packs name a person."""


def display_name(user) -> str:
    """A person's full name, else their email address, else their username: never blank."""
    return user.get_full_name() or user.email or user.get_username()
