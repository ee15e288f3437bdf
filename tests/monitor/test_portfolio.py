"""Teams, API keys and projects: hashing, revocation, name rules, and isolation between teams."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from osswatch.errors import InputError
from osswatch.monitor.findings import findings_of
from osswatch.monitor.ingest import ingest
from osswatch.monitor.keys import split_key
from osswatch.monitor.portfolio import Conflict, Portfolio, Role, UnknownRecord
from osswatch.scan import ScanResult
from osswatch.store.portfolio_tables import api_keys
from tests.monitor.conftest import T0


def test_a_key_authenticates_and_its_plaintext_is_never_stored(portfolio: Portfolio) -> None:
    team = portfolio.create_team("audio", now=T0)
    key, plaintext = portfolio.create_key(team.id, Role.EDITOR, "ci", now=T0)
    assert portfolio.authenticate(plaintext) == key
    parts = split_key(plaintext)
    assert parts is not None
    prefix, secret = parts
    with portfolio.reading() as connection:
        row = connection.execute(select(api_keys)).one()
    stored = " ".join(str(value) for value in row)
    assert prefix in stored  # the public part is the lookup key
    assert secret not in stored
    assert plaintext not in stored
    assert row.hash.startswith("scrypt$")


@pytest.mark.parametrize(
    "change",
    [
        lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"),
        lambda k: k + "x",
        lambda k: k.replace("osw_", "osx_"),
        lambda k: "osw_000000000000_" + k.rsplit("_", 1)[-1],
        lambda _k: "",
        lambda _k: "osw_",
        lambda _k: "osw__secret",
        lambda k: k[:20],
        lambda k: k + "é" * 300,
    ],
    ids=["last-char", "extra-char", "scheme", "other-prefix", "empty", "bare", "no-prefix", "cut", "huge"],
)
def test_a_wrong_key_is_rejected(portfolio: Portfolio, change: object) -> None:
    team = portfolio.create_team("audio", now=T0)
    _, plaintext = portfolio.create_key(team.id, Role.VIEWER, "ci", now=T0)
    assert callable(change)
    assert portfolio.authenticate(change(plaintext)) is None


def test_a_revoked_key_is_rejected_and_only_its_team_may_revoke_it(portfolio: Portfolio) -> None:
    audio = portfolio.create_team("audio", now=T0)
    video = portfolio.create_team("video", now=T0)
    key, plaintext = portfolio.create_key(audio.id, Role.ADMIN, "ops", now=T0)
    with pytest.raises(UnknownRecord, match=f"no key {key.id} in team {video.id}"):
        portfolio.revoke_key(video.id, key.id, now=T0)
    assert portfolio.authenticate(plaintext) == key
    portfolio.revoke_key(audio.id, key.id, now=T0 + timedelta(days=1))
    assert portfolio.authenticate(plaintext) is None
    (revoked,) = portfolio.keys(audio.id)
    assert revoked.revoked_at == T0 + timedelta(days=1)
    assert portfolio.keys(video.id) == ()


def test_names_are_unique_where_they_must_be(portfolio: Portfolio) -> None:
    audio = portfolio.create_team("audio", now=T0)
    video = portfolio.create_team("video", now=T0)
    with pytest.raises(Conflict, match="already exists"):
        portfolio.create_team("audio", now=T0)
    portfolio.create_project(audio.id, "p1203", now=T0)
    portfolio.create_project(video.id, "p1203", now=T0)  # another team may use the same name
    with pytest.raises(Conflict, match="already exists"):
        portfolio.create_project(audio.id, "p1203", now=T0)


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "teams.name must not be empty"), ("   ", "must not be empty"), ("x" * 256, "longer than 255")],
    ids=["empty", "blank", "too-long"],
)
def test_bad_names_are_input_errors(portfolio: Portfolio, name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        portfolio.create_team(name, now=T0)


def test_a_project_of_an_unknown_team_is_refused(portfolio: Portfolio) -> None:
    with pytest.raises(UnknownRecord, match="no team 42"):
        portfolio.create_project(42, "p1203", now=T0)


def test_a_team_never_reads_another_teams_rows(portfolio: Portfolio, vulnerable_result: ScanResult) -> None:
    audio = portfolio.create_team("audio", now=T0)
    video = portfolio.create_team("video", now=T0)
    mine = portfolio.create_project(audio.id, "p1203", now=T0, tags=["itu", "audio", "itu"])
    theirs = portfolio.create_project(video.id, "p1204", now=T0)
    snapshot_id = ingest(portfolio, mine.id, vulnerable_result, T0).snapshot_id
    ingest(portfolio, theirs.id, vulnerable_result, T0)

    assert mine.tags == ("audio", "itu")
    assert portfolio.projects(audio.id) == (mine,)
    assert portfolio.project(audio.id, mine.id) == mine
    with pytest.raises(UnknownRecord):
        portfolio.project(video.id, mine.id)
    assert portfolio.snapshots(video.id, mine.id) == ()
    assert portfolio.components(video.id, snapshot_id) == ()
    assert len(portfolio.components(audio.id, snapshot_id)) == len(vulnerable_result.inventory.components)
    assert findings_of(portfolio, video.id, mine.id) == ()
    assert {f.project_id for f in findings_of(portfolio, audio.id, mine.id)} == {mine.id}


def test_times_come_back_as_utc(portfolio: Portfolio) -> None:
    team = portfolio.create_team("audio", now=T0)
    assert portfolio.team(team.id).created == T0
    assert portfolio.team(team.id).created.utcoffset() == timedelta(0)
    with pytest.raises(UnknownRecord, match="no team 7"):
        portfolio.team(7)
