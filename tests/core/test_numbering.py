"""Numbers never given twice (app.numbering), through the test plugin's declared sequences on its own
SQLite or PostgreSQL database: formats, scopes and periods in the local calendar, blocks, gapless
sequences that give a number back on rollback, and separate processes taking numbers at once."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from tests.core.sample_app import sample_env  # noqa: F401  (module fixture)


def take(env, key, **kw):
    from app.extensions import db
    from app.numbering import next_number

    with env.app.app_context():
        number = next_number(key, **kw)
        db.session.commit()
        return number


def test_a_sequence_counts_per_scope_and_period_in_its_own_format(sample_env):
    env = sample_env
    first = take(env, "sample.request", period=date(2031, 3, 1))
    assert (first.value, first.text, first.period) == (1, "SR-2031-0001", "2031")
    assert take(env, "sample.request", period=date(2031, 12, 31)).text == "SR-2031-0002"
    assert take(env, "sample.request", period=date(2032, 1, 1)).text == "SR-2032-0001"
    assert take(env, "sample.ticket", scope="教学楼").text == "T00001"
    assert take(env, "sample.ticket", scope="教学楼").text == "T00002"
    assert take(env, "sample.ticket", scope="食堂").text == "T00001"


def test_the_period_of_a_time_is_the_local_year(sample_env):
    """31 Dec 2033 17:00 UTC is already 1 January 2034 in Shanghai."""
    env = sample_env
    assert take(env, "sample.request", period=datetime(2033, 12, 31, 17, 0, tzinfo=timezone.utc)).period == "2034"


def test_a_block_of_numbers_is_consecutive(sample_env):
    from app.extensions import db
    from app.numbering import current_value, next_number

    env = sample_env
    with env.app.app_context():
        block = next_number("sample.ticket", scope="导入", count=5)
        db.session.commit()
        assert [n.value for n in block] == [1, 2, 3, 4, 5]
        assert current_value("sample.ticket", scope="导入") == 5
        assert next_number("sample.ticket", scope="导入").value == 6
        db.session.commit()


def test_an_undeclared_sequence_is_refused_naming_the_declared_ones(sample_env):
    from app.numbering import next_number

    with sample_env.app.app_context():
        with pytest.raises(KeyError, match="sample.request"):
            next_number("sample.nothing")


def test_a_gapless_sequence_gives_the_number_back_when_the_record_is_not_saved(sample_env):
    from app.extensions import db
    from app.numbering import next_number

    env = sample_env
    with env.app.app_context():
        taken = next_number("sample.request", period=date(2035, 1, 1))
        db.session.rollback()  # the record failed to save
        again = next_number("sample.request", period=date(2035, 1, 1))
        db.session.commit()
        assert (taken.text, again.text) == ("SR-2035-0001", "SR-2035-0001")


def test_a_sequence_with_gaps_never_waits_for_another_transaction(sample_env):
    """PostgreSQL: taken on a connection of its own and committed at once, so a rollback leaves a
    gap; SQLite (one writer at a time): in the caller's transaction."""
    from app.extensions import db
    from app.numbering import next_number

    env = sample_env
    with env.app.app_context():
        first = next_number("sample.ticket", scope="回滚")
        db.session.rollback()
        second = next_number("sample.ticket", scope="回滚")
        db.session.commit()
        expected = 2 if db.engine.dialect.name == "postgresql" else 1
        assert (first.value, second.value) == (1, expected)


@pytest.mark.slow
def test_separate_processes_never_get_the_same_number(sample_env):
    results = sample_env.workers([["numbers", "sample.ticket", "15"] for _ in range(4)])
    numbers = [n for r in results for n in r["kept"]]
    assert len(numbers) == 60 and len(set(numbers)) == 60
    assert sorted(numbers) == [f"T{n:05d}" for n in range(1, 61)]


@pytest.mark.slow
def test_separate_processes_saving_gapless_numbers_leave_no_gap_even_when_saves_fail(sample_env):
    """Meeting numbers: taken when the record is saved; every third save fails and gives its number back."""
    from sqlalchemy import select

    from app.extensions import db

    env = sample_env
    results = env.workers([["numbers", "sample.request", "9", "3"] for _ in range(3)])
    kept = [n for r in results for n in r["kept"]]
    assert len(kept) == 18 and len(set(kept)) == 18
    year = kept[0].split("-")[1]
    with env.app.app_context():
        from houqin_sample.models import SampleRequest

        saved = db.session.execute(select(SampleRequest.number).where(
            SampleRequest.title.like("w%"), SampleRequest.number.like(f"SR-{year}-%"))).scalars().all()
        assert sorted(saved) == sorted(kept)
        values = sorted(int(n.rsplit("-", 1)[1]) for n in db.session.execute(select(SampleRequest.number).where(
            SampleRequest.number.like(f"SR-{year}-%"))).scalars())
        assert values == list(range(1, len(values) + 1))  # no gap, no repeat
