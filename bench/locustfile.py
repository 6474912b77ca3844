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


def sign_in_judge(client, label: str) -> list[str]:
    """A synthetic judge signs in with their password; the entries of their queue's first page."""
    page = client.get("/sign-in/", name=f"{label}: sign-in page")
    client.post(
        "/sign-in/",
        {
            "csrfmiddlewaretoken": token(page.text),
            "method": "password",
            "username": f"synthetic-judge-{random.randint(1, JUDGES):03d}",
            "password": "plaudit-synthetic",
        },
        name=f"{label}: sign in",
    )
    queue = client.get(STAGE_SCORES.get("queue", "/judging/"), name=f"{label}: queue")
    return ENTRY.findall(queue.text)


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
        self.entries = sign_in_judge(self.client, "judge")
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


# Capacity: the same stack with no think time, one kind of request at a time (bench/capacity.py).
# FastHttpUser: the load generator shares the machine, so it should spend as little of it as it can.
from locust import FastHttpUser, constant  # noqa: E402

AWARD_PAGE = os.environ.get("BENCH_AWARD_PAGE", "/")


class CapacityBare(FastHttpUser):
    wait_time = constant(0)

    @task
    def ping(self):
        self.client.get("/healthz", name="capacity: bare /healthz")


class CapacityAwardPage(FastHttpUser):
    wait_time = constant(0)

    @task
    def award(self):
        self.client.get(AWARD_PAGE, name="capacity: public award page")


class CapacityNominationAutosave(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        page = self.client.get(START, name="capacity: start page")
        response = self.client.post(
            START,
            {"csrfmiddlewaretoken": token(page.text), "email": f"cap{random.getrandbits(48)}@example.org"},
            name="capacity: start",
        )
        self.edit = response.url.replace(self.host, "")
        self.csrf = token(response.text)
        self.sequence = 0

    @task
    def autosave(self):
        self.sequence += 1
        self.client.post(
            self.edit + "autosave/",
            {**FORM, "_page": "bench", "_seq": str(self.sequence)},
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + self.edit},
            name="capacity: nomination autosave",
        )


class CapacityJudgeAutosave(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        entries = sign_in_judge(self.client, "capacity")
        self.url = random.choice(entries) if entries else None
        self.data = None
        if self.url:
            page = self.client.get(self.url, name="capacity: scoring page")
            version = VERSION.search(page.text)
            self.data = {
                "csrfmiddlewaretoken": token(page.text),
                "version": version.group(1) if version else "0",
                **STAGE_SCORES.get("values", {}),
            }

    @task
    def autosave(self):
        if not self.data:
            return
        with self.client.post(
            self.url + "autosave/",
            self.data,
            headers={"Referer": self.host + self.url},
            name="capacity: judge autosave",
            catch_response=True,
        ) as saved:
            if saved.status_code == 200:
                self.data["version"] = str(saved.json()["version"])
                saved.success()
            else:
                saved.failure(f"{saved.status_code}")
