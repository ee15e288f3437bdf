"""An upload's new findings reach a webhook through the scheduled `deliver_notifications` job.

The whole path with real parts: the real itu-p1203 poetry.lock uploaded through `record_upload` (which plans
the notifications), the real PyPI advisories in the store, the in-process queue running the job keyed by
its time slot, and a real webhook receiver on 127.0.0.1 that checks each signature.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osswatch.advisories.local import import_path
from osswatch.advisories.store import AdvisoryStore
from osswatch.monitor.jobs import JobKind, notify_job, server_context
from osswatch.monitor.notify.rules import ChannelKind, Event, RuleSpec, create_rule
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.queue import InProcessQueue
from osswatch.monitor.schedule import Schedule, due_jobs
from osswatch.monitor.uploads import record_upload
from tests.monitor.conftest import T0
from tests.monitor.notify.conftest import LOOPBACK, Receiver


def test_an_upload_is_notified_by_the_delivery_job(
    portfolio: Portfolio, receiver: Receiver, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSSWATCH_NOTIFY_ALLOW_NETWORKS", "127.0.0.0/8")
    import_path(AdvisoryStore(portfolio.engine), shared_data / "osv" / "PyPI" / "all.zip")
    team = portfolio.create_team("audio", now=T0)
    project = portfolio.create_project(team.id, "itu-p1203", now=T0)
    spec = RuleSpec(
        name="hook",
        channel=ChannelKind.WEBHOOK,
        target=receiver.url,
        min_severity="unknown",
        events=(Event.NEW_FINDING,),
    )
    _, secret = create_rule(portfolio, team.id, spec, now=T0, policy=LOOPBACK)
    receiver.secret = secret
    context = server_context(portfolio.engine, policy_path=None, osv_url="")
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"

    _, outcome = record_upload(
        portfolio,
        context.analyser,
        team_id=team.id,
        project_id=project.id,
        filename=lock.name,
        data=lock.read_bytes(),
        now=T0,
    )
    assert outcome.new, "the real lockfile has a known vulnerability in the real data"
    assert receiver.requests == []  # planned, not sent: sending is the job's

    queue = InProcessQueue(context)
    (job,) = [j for j in due_jobs(Schedule(), T0) if j.kind is JobKind.DELIVER_NOTIFICATIONS]
    record = queue.submit(job)
    assert record.status == "done"
    assert record.result is not None
    assert record.result["sent"] == len(outcome.new)
    assert all(request.is_verified for request in receiver.requests)
    sent = sorted(json.loads(request.body)["finding"]["id"] for request in receiver.requests)
    assert sent == sorted(f.id for f in outcome.new)

    again = queue.submit(notify_job(key="a-later-slot"))
    assert again.result is not None
    assert again.result["sent"] == 0  # each planned notification is sent once
    assert len(receiver.requests) == len(outcome.new)
