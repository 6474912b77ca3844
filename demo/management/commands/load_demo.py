from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from awards import format, office, publishing
from awards.models import OfficeRole
from demo.programme import load_judging_demo

DEMO_DIR = Path(__file__).resolve().parents[2] / "data"
DEMO_PASSWORD = "plaudit-demo"

# (username, first name, last name, email, groups, superuser)
DEMO_USERS = [
    ("admin", "Ada", "Admin", "admin@example.org", [], True),
    ("manager", "Morgan", "Manager", "manager@example.org", [], False),
    ("chair", "Chidi", "Chair", "chair@example.org", ["Chairs"], False),
    ("judge1", "Jo", "Judge", "judge1@example.org", ["Judges"], False),
    ("judge2", "Sam", "Okafor", "judge2@example.org", ["Judges"], False),
    ("judge3", "Priya", "Patel", "judge3@example.org", ["Judges", "Patient leaders"], False),
]


class Command(BaseCommand):
    help = "Load the demo programme (built from the seed documents) and demo users. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            programmes = []
            for path in sorted(DEMO_DIR.glob("*.yaml")):
                result = format.import_text(path.read_bytes())
                verb = "Created" if result.created else "Updated"
                self.stdout.write(f"{verb} programme {result.programme.slug} from {path.name}")
                self._keep_open(result.programme)
                self._publish(result.programme)
                programmes.append(result.programme)
            users = self._users()
            for programme in programmes:
                office.role_grant(programme, users["manager"], OfficeRole.Role.MANAGER)
                for line in load_judging_demo(programme, users, timezone.now()):
                    self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Demo loaded: http://127.0.0.1:8000/"))
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/admin/ (password {DEMO_PASSWORD} for every account):")
        self.stdout.write("  admin   a superuser: the whole site, accounts and office roles included")
        self.stdout.write(
            "  manager the programme manager of the demo programme: builds, publishes, copies it, runs its judging"
        )
        self.stdout.write("  chair   a panel chair: the chair's pages for each stage (ranking, decisions, packs)")
        self.stdout.write("  judge1, judge2, judge3 (judge3 is a patient leader): judges' accounts for the panels")
        self.stdout.write("Panels: http://127.0.0.1:8000/judging/ (chair and judges sign in at /sign-in/).")
        self.stdout.write("  chair sees each stage's progress and assignments; judge1 has scored a few entries;")
        self.stdout.write("  judge2 has a conflict declared; judge3 has conflicts still to declare.")

    def _keep_open(self, programme):
        """A demo run after the file's window has closed moves the window so nominations are open today."""
        now = timezone.now()
        if programme.nominations_close <= now:
            programme.nominations_open = now - timezone.timedelta(days=21)
            programme.nominations_close = now + timezone.timedelta(days=68)
            programme.save(update_fields=["nominations_open", "nominations_close"])
            self.stdout.write("  (its nomination window has passed, so the demo moves it to open today)")

    def _publish(self, programme):
        """An import is a draft; the demo publishes it as the office would, through the pre-flight
        check (so the demo proves its own programme is ready), and lists what the check warns."""
        awards = publishing.drafts(programme)
        if not awards:
            return
        result = publishing.publish(programme, awards, by=None)
        self.stdout.write(f"  published, with {len(result.warnings)} warnings for the office to look at")

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, first, last, email, groups, superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            user.first_name, user.last_name, user.email = first, last, email
            # Chairs and judges work outside the admin; the manager is made staff by their office role.
            user.is_staff = superuser or username == "manager"
            user.is_superuser = superuser
            if created:
                user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
            users[username] = user
        # Earlier demos let chairs read award set-ups in the admin; the chair's pages replace that.
        Group.objects.get(name="Chairs").permissions.clear()
        return users
