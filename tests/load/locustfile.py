"""`make load`: members browse and pass slips while a leader saves and completes a roster.

Against gunicorn on PostgreSQL with the region-scale benchmark data (see the Makefile).
Not a test: pytest does not collect it and CI does not run it.
"""

from __future__ import annotations

import random
import re

from locust import HttpUser, between, task

PASSWORD = "bench-password-1"  # set on every benchmark account by `make load`
MEMBERS = 2500
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def token(html: str) -> str:
    match = TOKEN.search(html)
    return match.group(1) if match else ""


def once_key(html: str) -> dict[str, str]:
    """The form's one-time key (chapter.forms.OnceForm), when it has one."""
    found = re.search(r'name="form_key" type="hidden" value="([^"]+)"', html)
    return {"form_key": found.group(1)} if found else {}


def post_then_follow(user: HttpUser, path: str, name: str, then: str, data: dict) -> None:
    """The POST timed alone (the issue's figure), then the page it redirects to, named apart."""
    with user.client.post(
        path, data=data, name=name, allow_redirects=False, catch_response=True
    ) as answer:
        if answer.status_code not in (302, 303):
            answer.failure(f"expected a redirect, got {answer.status_code}")
            return
        answer.success()
    user.client.get(answer.headers["Location"], name=then)


def log_in(user: HttpUser, member_id: int) -> None:
    page = user.client.get("/login", name="/login")
    user.client.post(
        "/login",
        data={
            "csrf_token": token(page.text),
            "email": f"m{member_id}@bench.example",
            "password": PASSWORD,
        },
        name="/login [POST]",
    )


class Member(HttpUser):
    weight = 9
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        # any member but a chapter's first (the leaders), in any chapter
        self.member_id = random.choice([i for i in range(1, MEMBERS + 1) if i % 25 != 1])
        chapter_first = (self.member_id - 1) // 25 * 25 + 1
        self.colleagues = [
            i for i in range(chapter_first + 1, chapter_first + 25) if i != self.member_id
        ]
        log_in(self, self.member_id)

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(2)
    def directory(self) -> None:
        self.client.get("/members/", name="directory")

    @task(2)
    def ledger(self) -> None:
        self.client.get("/ledger?period=six_months", name="ledger")

    @task(3)
    def leaderboard(self) -> None:
        period = random.choice(["week", "six_months", "all"])
        self.client.get(f"/leaderboard/?period={period}", name=f"leaderboard ({period})")

    @task(1)
    def pass_slip(self) -> None:
        form = self.client.get("/referrals/new", name="pass a slip (form)")
        self._post_then_follow(
            "/referrals/new",
            "pass a slip [POST]",
            "after a slip (redirect)",
            {
                "csrf_token": token(form.text),
                "receiver_id": random.choice(self.colleagues),
                "kind": "outside",
                "prospect_name": "Load Prospect",
                "prospect_phone": "+44 7700 900000",
                "need": "A quote.",
                "warmth": "3",
                "may_contact": "y",
                **once_key(form.text),
            },
        )

    def _post_then_follow(self, path: str, name: str, then: str, data: dict) -> None:
        post_then_follow(self, path, name, then, data)


class Leader(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.chapter = random.randrange(100)
        log_in(self, self.chapter * 25 + 1)

    @task
    def roster(self) -> None:
        meetings = self.client.get("/meetings/", name="meetings")
        found = re.findall(r'href="/meetings/(\d+)"', meetings.text)
        if not found:
            return
        meeting = found[-1]  # the most recent past meeting on the page
        page = self.client.get(f"/meetings/{meeting}/roster", name="roster")
        if "Reopen for corrections" in page.text:
            self.client.post(
                f"/meetings/{meeting}/roster/reopen",
                data={"csrf_token": token(page.text)},
                name="roster reopen [POST]",
            )
            page = self.client.get(f"/meetings/{meeting}/roster", name="roster")
        version = re.search(r'name="version"[^>]*value="(\d+)"', page.text)
        rows = re.findall(r'name="(rows-\d+)-member_id" type="hidden" value="(\d+)"', page.text)
        data = {
            "csrf_token": token(page.text),
            "version": version.group(1) if version else "0",
            "complete": "Save and complete roster",
        }
        for prefix, member_id in rows:
            data[f"{prefix}-member_id"] = member_id
            data[f"{prefix}-status"] = random.choice("PPPPPPPPLA")
        post_then_follow(
            self,
            f"/meetings/{meeting}/roster",
            "roster save and complete [POST]",
            "after a roster (redirect)",
            {**data, **once_key(page.text)},
        )
