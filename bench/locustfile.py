"""The deadline rush: nominators and judges at once (and, run on its own, the /healthz ceiling).

Nominators open the form, autosave three times and submit; each submission the site confirms
is written to ACKNOWLEDGED_FILE, to be counted against the database afterwards. Judges sign
in, open an entry from their queue, autosave and submit.
"""

import os
import random
import re

from locust import HttpUser, SequentialTaskSet, between, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
ENTRY = re.compile(r'href="(/judging/stages/\d+/entries/\d+/)"')
FORM = __import__("json").loads(os.environ.get("BENCH_FORM", "{}"))
START = os.environ.get("BENCH_START", "/")
ACKNOWLEDGED = os.environ.get("BENCH_ACKNOWLEDGED", "/tmp/acknowledged.txt")
JUDGES = int(os.environ.get("BENCH_JUDGES", "20"))
STAGE_SCORES = __import__("json").loads(os.environ.get("BENCH_SCORES", "{}"))


def token(html):
    match = CSRF.search(html)
    return match.group(1) if match else ""


class Nominating(SequentialTaskSet):
    def on_start(self):
        page = self.client.get(START, name="form: start page")
        email = f"rush{random.getrandbits(48)}@example.org"
        self.email = email
        response = self.client.post(
            START, {"csrfmiddlewaretoken": token(page.text), "email": email}, name="form: start"
        )
        self.edit = response.url.replace(self.user.host, "")
        self.csrf = token(response.text)

    @task
    def fill_in(self):
        headers = {"X-CSRFToken": self.csrf, "Referer": self.user.host + self.edit}
        for sequence in (1, 2, 3):
            data = {**FORM, "_page": "bench", "_seq": str(sequence)}
            self.client.post(self.edit + "autosave/", data, headers=headers, name="form: autosave")

    @task
    def submit(self):
        headers = {"Referer": self.user.host + self.edit}
        check = self.client.post(
            self.edit,
            {**FORM, "csrfmiddlewaretoken": self.csrf, "continue": "1"},
            headers=headers,
            name="form: continue",
        )
        with self.client.post(
            self.edit + "submit/",
            {"csrfmiddlewaretoken": token(check.text) or self.csrf},
            headers=headers,
            name="form: submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and response.headers.get("Location", "").endswith("/submitted/"):
                with open(ACKNOWLEDGED, "a") as handle:
                    handle.write(self.email + "\n")
                response.success()
            else:
                response.failure(f"not submitted: {response.status_code}")
        self.interrupt()


# Think time: people type between autosaves (the page saves a few seconds after typing stops)
# and read an entry before scoring it. Five to fifteen seconds between requests is a busy
# evening, not a robot: fifty such users are the last hour before a deadline.
THINK = between(5, 15)


class Nominator(HttpUser):
    weight = 3
    wait_time = THINK
    tasks = [Nominating]


class Judge(HttpUser):
    weight = 1
    wait_time = THINK

    def on_start(self):
        page = self.client.get("/sign-in/", name="judge: sign-in page")
        self.client.post(
            "/sign-in/",
            {
                "csrfmiddlewaretoken": token(page.text),
                "method": "password",
                "username": f"synthetic-judge-{random.randint(1, JUDGES):03d}",
                "password": "plaudit-synthetic",
            },
            name="judge: sign in",
        )
        queue = self.client.get(STAGE_SCORES.get("queue", "/judging/"), name="judge: queue")
        self.entries = ENTRY.findall(queue.text)
        random.shuffle(self.entries)

    @task
    def score(self):
        if not self.entries:
            return
        url = self.entries.pop()
        page = self.client.get(url, name="judge: scoring page")
        version = VERSION.search(page.text)
        if not version:
            return
        data = {"csrfmiddlewaretoken": token(page.text), "version": version.group(1), **STAGE_SCORES.get("values", {})}
        saved = self.client.post(url + "autosave/", data, headers={"Referer": self.host + url}, name="judge: autosave")
        if saved.ok:
            data["version"] = str(saved.json()["version"])
        data["submit"] = "1"
        self.client.post(url, data, headers={"Referer": self.host + url}, name="judge: submit")


class Ceiling(HttpUser):
    """Run alone: the same stack serving a view that does nothing, at the same pace."""

    wait_time = THINK

    @task
    def ping(self):
        self.client.get("/healthz", name="ceiling: /healthz")
