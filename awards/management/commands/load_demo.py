from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from awards import format

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "plaudit-demo"

# (username, first name, last name, email, groups, superuser)
DEMO_USERS = [
    ("admin", "Ada", "Admin", "admin@example.org", [], True),
    ("chair", "Chidi", "Chair", "chair@example.org", ["Chairs"], False),
    ("judge1", "Jo", "Judge", "judge1@example.org", ["Judges"], False),
    ("judge2", "Sam", "Okafor", "judge2@example.org", ["Judges"], False),
    ("judge3", "Priya", "Patel", "judge3@example.org", ["Judges", "Patient leaders"], False),
]


class Command(BaseCommand):
    help = "Load the demo programme (built from the seed documents) and demo users. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            for path in sorted(DEMO_DIR.glob("*.yaml")):
                result = format.import_text(path.read_bytes())
                verb = "Created" if result.created else "Updated"
                self.stdout.write(f"{verb} programme {result.programme.slug} from {path.name}")
                self._keep_open(result.programme)
            self._users()
        self.stdout.write(self.style.SUCCESS("Demo loaded. Sign in at http://127.0.0.1:8000/admin/ with:"))
        for username, *_rest, superuser in DEMO_USERS:
            role = "admin" if superuser else username.rstrip("0123456789")
            self.stdout.write(f"  {role:6} username {username:7} password {DEMO_PASSWORD}")

    def _keep_open(self, programme):
        """A demo run after the file's window has closed moves the window so nominations are open today."""
        now = timezone.now()
        if programme.nominations_close <= now:
            programme.nominations_open = now - timezone.timedelta(days=21)
            programme.nominations_close = now + timezone.timedelta(days=68)
            programme.save(update_fields=["nominations_open", "nominations_close"])
            self.stdout.write("  (its nomination window has passed, so the demo moves it to open today)")

    def _users(self):
        User = get_user_model()
        for username, first, last, email, groups, superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            user.first_name, user.last_name, user.email = first, last, email
            user.is_staff = superuser
            user.is_superuser = superuser
            if created:
                user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
