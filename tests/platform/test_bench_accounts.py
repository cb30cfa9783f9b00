"""The benchmark's accounts (chapter.bench): one known password, set once."""

from __future__ import annotations

from chapter import bench
from chapter.auth import service as accounts
from chapter.auth.models import User
from chapter.extensions import db


def test_the_benchmark_password_is_written_once_and_logs_in(in_app: object) -> None:
    """A second `make load` or `make throughput` on the same data rewrites no account (on a
    server with autovacuum off, 25,000 rewritten rows slowed every log-in check), and the
    password set is the one the load scripts log in with."""
    for email in ("m1@bench.example", "m2@bench.example", "someone@example.org"):
        db.session.add(User(email=email, first_name="B", last_name="Bench"))
    db.session.commit()
    assert bench.set_passwords() == 2
    assert bench.set_passwords() == 0
    assert bench.set_passwords(["m1@bench.example"]) == 0
    users = {user.email: user for user in db.session.scalars(db.select(User))}
    assert users["someone@example.org"].password_hash is None
    hashed = users["m2@bench.example"].password_hash
    assert accounts.password_hasher().verify(hashed, bench.PASSWORD)
