"""The institution's local calendar: days, months and years as periods, and "the end of the day".

A month-end, a yearly sequence, an appeal window or "overdue" is counted in the institution's zone
(setting `timezone`, default Asia/Shanghai), never in UTC: 2026-12-01 07:30 in Shanghai is still
30 November in UTC. Stored times are UTC (app.models.UTCDateTime), so a period is turned into a UTC
range for queries (`utc_range`), and a stored time into a local date (`local_date`).
Terms (学期) are periods of the school calendar: app.school_calendar.
"""
from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DAY, MONTH, YEAR = "day", "month", "year"
KINDS = (DAY, MONTH, YEAR)
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _tz(tz: ZoneInfo | None) -> ZoneInfo:
    if tz is not None:
        return tz
    from .i18n import institution_tz

    return institution_tz()


def local_now(tz: ZoneInfo | None = None) -> datetime:
    return datetime.now(_tz(tz))


def local_today(tz: ZoneInfo | None = None) -> date:
    return local_now(tz).date()


def local_date(value: datetime, tz: ZoneInfo | None = None) -> date:
    """The institution's date of a stored (UTC) time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(_tz(tz)).date()


def start_of_day(day: date, tz: ZoneInfo | None = None) -> datetime:
    """Local midnight at the start of `day`, as an aware UTC time."""
    return datetime.combine(day, time.min, tzinfo=_tz(tz)).astimezone(timezone.utc)


def end_of_day(day: date, tz: ZoneInfo | None = None) -> datetime:
    """The first instant after `day` in the institution's zone (local midnight of the next day), in
    UTC: the exclusive bound of "on or before `day`". A deadline of 30 November has passed when
    now >= end_of_day(30 Nov), i.e. from 1 December 00:00 local time."""
    return start_of_day(day + timedelta(days=1), tz)


def end_of_working_day(moment: datetime, ends: time) -> datetime:
    """The end of the working day that `moment` (a local time, aware or naive) counts against:
    `ends` on the same day, or on the next day when `moment` is at or after it. "Fixed the same
    day" (报修, 当天处理) and any other same-day target in the zone of `moment`."""
    end = datetime.combine(moment.date(), ends.replace(second=0, microsecond=0), tzinfo=moment.tzinfo)
    if moment >= end:
        end = datetime.combine(moment.date() + timedelta(days=1), end.timetz())
    return end


def is_past(day: date, now: datetime | None = None, tz: ZoneInfo | None = None) -> bool:
    """True once the local day `day` is over (an action item due that day is then overdue)."""
    now = now or datetime.now(timezone.utc)
    return now >= end_of_day(day, tz)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _cal.monthrange(year, month + 1)[1]))


@dataclass(frozen=True, order=True)
class Period:
    """A local calendar day, month or year. `start` is its first day; `end` its last (inclusive).
    `key` ("2026-11-30", "2026-11", "2026") sorts in time order as text."""

    kind: str
    start: date

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        first = {DAY: self.start, MONTH: self.start.replace(day=1),
                 YEAR: self.start.replace(month=1, day=1)}[self.kind]
        object.__setattr__(self, "start", first)

    @classmethod
    def of(cls, kind: str, day: date | datetime, tz: ZoneInfo | None = None) -> "Period":
        """The period of `kind` holding `day` (a stored time is first turned into its local date)."""
        if isinstance(day, datetime):
            day = local_date(day, tz)
        return cls(kind, day)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(MONTH, date(year, month, 1))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(YEAR, date(year, 1, 1))

    @classmethod
    def parse(cls, key: str) -> "Period":
        """"2026", "2026-11" or "2026-11-30" (the kind follows from the shape)."""
        parts = str(key).strip().split("-")
        try:
            numbers = [int(p) for p in parts]
            if len(numbers) == 1:
                return cls.year(numbers[0])
            if len(numbers) == 2:
                return cls.month(numbers[0], numbers[1])
            if len(numbers) == 3:
                return cls(DAY, date(*numbers))
        except ValueError:
            pass
        raise ValueError(f"not a period: {key!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")

    @classmethod
    def current(cls, kind: str, tz: ZoneInfo | None = None) -> "Period":
        return cls(kind, local_today(tz))

    @property
    def key(self) -> str:
        if self.kind == DAY:
            return self.start.isoformat()
        if self.kind == MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.year:04d}"

    @property
    def end(self) -> date:
        if self.kind == DAY:
            return self.start
        if self.kind == MONTH:
            return self.start.replace(day=_cal.monthrange(self.start.year, self.start.month)[1])
        return self.start.replace(month=12, day=31)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def next(self) -> "Period":
        return self.shift(1)

    def previous(self) -> "Period":
        return self.shift(-1)

    def shift(self, n: int) -> "Period":
        if self.kind == DAY:
            return Period(DAY, self.start + timedelta(days=n))
        if self.kind == MONTH:
            return Period(MONTH, add_months(self.start, n))
        return Period(YEAR, self.start.replace(year=self.start.year + n))

    def until(self, last: "Period"):
        """This period and every following one up to `last` (inclusive), in order."""
        period = self
        while period <= last:
            yield period
            period = period.next()

    def contains(self, day: date | datetime, tz: ZoneInfo | None = None) -> bool:
        if isinstance(day, datetime):
            day = local_date(day, tz)
        return self.start <= day <= self.end

    def utc_range(self, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
        """[start, end) in UTC, for `time >= start AND time < end` on stored times."""
        tz = _tz(tz)
        return start_of_day(self.start, tz), end_of_day(self.end, tz)

    def label(self, lang: str | None = None) -> str:
        """2026年11月 / Nov 2026; 2026年 / 2026; 2026年11月30日 / 30 Nov 2026."""
        if lang is None:
            from .i18n import current_language

            lang = current_language()
        s = self.start
        if self.kind == YEAR:
            return f"{s.year}" if lang == "en" else f"{s.year}年"
        if self.kind == MONTH:
            return f"{EN_MONTHS[s.month - 1]} {s.year}" if lang == "en" else f"{s.year}年{s.month}月"
        return f"{s.day} {EN_MONTHS[s.month - 1]} {s.year}" if lang == "en" else f"{s.year}年{s.month}月{s.day}日"

    def __str__(self) -> str:
        return self.key
