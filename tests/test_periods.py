"""Reading the period and as-of notations people write: every form, and the ones we refuse."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from kpi.model import Frequency
from kpi.periods import PeriodError, parse_period, parse_timestamp

YEARLY, QUARTERLY, MONTHLY = Frequency.YEARLY, Frequency.QUARTERLY, Frequency.MONTHLY


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024", (date(2024, 12, 31), YEARLY)),
        (2024, (date(2024, 12, 31), YEARLY)),
        ("Berichtsjahr 2024", (date(2024, 12, 31), YEARLY)),
        ("jahr 2023", (date(2023, 12, 31), YEARLY)),
        ("2024-Q3", (date(2024, 9, 30), QUARTERLY)),
        ("2024 q1", (date(2024, 3, 31), QUARTERLY)),
        ("Q3/2024", (date(2024, 9, 30), QUARTERLY)),
        ("Q4 2024", (date(2024, 12, 31), QUARTERLY)),
        ("2. Quartal 2024", (date(2024, 6, 30), QUARTERLY)),
        ("2024-09", (date(2024, 9, 30), MONTHLY)),
        ("2024-2", (date(2024, 2, 29), MONTHLY)),
        ("09/2024", (date(2024, 9, 30), MONTHLY)),
        ("2/2023", (date(2023, 2, 28), MONTHLY)),
        ("31.12.2024", (date(2024, 12, 31), None)),
        ("1.8.2024", (date(2024, 8, 1), None)),
        ("2024-08-15", (date(2024, 8, 15), None)),
        ("  2024-Q2  ", (date(2024, 6, 30), QUARTERLY)),
    ],
    ids=[
        "year",
        "year-as-int",
        "berichtsjahr",
        "jahr-lowercase",
        "iso-quarter",
        "quarter-with-space",
        "q-slash-year",
        "q-space-year",
        "german-quartal",
        "iso-month",
        "iso-month-one-digit-leap",
        "month-slash-year",
        "one-digit-month-slash",
        "german-date",
        "german-date-short",
        "iso-date",
        "surrounding-blanks",
    ],
)
def test_each_period_form_gives_its_period_end_and_granularity(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "value,frequency,expected",
    [
        ("15.08.2024", YEARLY, date(2024, 12, 31)),
        ("15.08.2024", QUARTERLY, date(2024, 9, 30)),
        ("2024-02-10", MONTHLY, date(2024, 2, 29)),
        (date(2024, 5, 2), QUARTERLY, date(2024, 6, 30)),
        (datetime(2024, 11, 3, 14, 30), YEARLY, date(2024, 12, 31)),
    ],
    ids=[
        "german-date-in-yearly",
        "german-date-in-quarterly",
        "iso-date-in-leap-february",
        "date-object",
        "datetime-object",
    ],
)
def test_a_plain_date_snaps_to_the_end_of_the_kpis_period(value, frequency, expected):
    assert parse_period(value, frequency) == (expected, None)


def test_a_plain_date_without_frequency_stays_that_day():
    assert parse_period(date(2024, 5, 2)) == (date(2024, 5, 2), None)


@pytest.mark.parametrize(
    "text",
    [
        "2024-13",
        "13/2024",
        "00/2024",
        "2024-Q5",
        "Q0/2024",
        "31.02.2024",
        "2024-02-30",
        "32.01.2024",
        "irgendwann",
        "",
        "24",
        "2024/2025",
        "Q3-2024-09",
    ],
    ids=[
        "month-13",
        "month-13-slash",
        "month-0",
        "quarter-5",
        "quarter-0",
        "february-31",
        "iso-february-30",
        "day-32",
        "words",
        "empty",
        "two-digit-year",
        "two-years",
        "mixed",
    ],
)
def test_unreadable_periods_raise_period_error(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_period_error_names_the_text_and_the_expected_forms():
    with pytest.raises(PeriodError, match="irgendwann") as info:
        parse_period("irgendwann")
    assert "2024-Q3" in str(info.value) and "31.12.2024" in str(info.value)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2025-12-31", datetime(2025, 12, 31, 23, 59, 59, 999999)),
        ("31.12.2025", datetime(2025, 12, 31, 23, 59, 59, 999999)),
        ("1.2.2025", datetime(2025, 2, 1, 23, 59, 59, 999999)),
        ("2025-12-31T18:00", datetime(2025, 12, 31, 18, 0)),
        ("2025-12-31 18:00:05", datetime(2025, 12, 31, 18, 0, 5)),
        ("2025-12-31T18:00:05.123456", datetime(2025, 12, 31, 18, 0, 5, 123456)),
        (" 2025-06-30 ", datetime(2025, 6, 30, 23, 59, 59, 999999)),
    ],
    ids=[
        "iso-date-means-end-of-day",
        "german-date-means-end-of-day",
        "german-date-short",
        "iso-minutes",
        "iso-seconds-with-space",
        "iso-microseconds",
        "surrounding-blanks",
    ],
)
def test_parse_timestamp_reads_dates_as_end_of_day_and_keeps_times(text, expected):
    assert parse_timestamp(text) == expected


def test_parse_timestamp_with_offset_means_that_instant_in_utc():
    # Revisions are recorded in naive UTC (kpi.store.now): an as-of moment with an explicit offset has to be
    # converted to UTC, neither have its offset dropped nor be converted to the machine's local time.
    moment = datetime(2025, 6, 30, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    parsed = parse_timestamp(moment.isoformat())
    assert parsed == datetime(2025, 6, 30, 9, 0)
    assert parsed.tzinfo is None


@pytest.mark.parametrize(
    "text",
    ["gestern", "31.02.2025", "2025-13-01", "", "2025-12-31T25:00"],
    ids=["words", "february-31", "month-13", "empty", "hour-25"],
)
def test_unreadable_timestamps_raise_period_error(text):
    with pytest.raises(PeriodError, match="nicht lesbar"):
        parse_timestamp(text)
