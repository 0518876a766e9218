"""Plausibility of uploaded values: the rule (table-driven) and its place in the import."""

from __future__ import annotations

from datetime import date

import pytest

from kpi import plausibility, problems
from kpi.ingest import import_file
from kpi.model import add_periods
from kpi.revisions import current_catalog
from tests.conftest import write


@pytest.mark.parametrize(
    ("value", "previous", "options", "reason", "cause"),
    [
        pytest.param(
            8.31, 82.6, {"unit": "%", "span": 100.0}, "factor", "÷10: Komma verrutscht?", id="EG-04-comma-left"
        ),
        pytest.param(75120.0, 7234.0, {}, "factor", "×10: Komma verrutscht?", id="SC-19-comma-right"),
        pytest.param(
            7.234,
            7234.0,
            {},
            "factor",
            "÷1000: Tausender- und Dezimaltrennzeichen verwechselt?",
            id="thousands-dot-read-as-decimal",
        ),
        pytest.param(
            7234000.0,
            7234.0,
            {},
            "factor",
            "×1000: Tausender- und Dezimaltrennzeichen verwechselt?",
            id="thousands-times-1000",
        ),
        pytest.param(
            0.83,
            82.0,
            {"unit": "%", "span": 100.0},
            "factor",
            "÷100: Anteil statt Prozent eingetragen (z. B. 0,83 statt 83 %)?",
            id="share-as-fraction",
        ),
        pytest.param(950.0, 9.0, {}, "factor", "×100: Komma um zwei Stellen verrutscht?", id="times-100"),
        pytest.param(
            0.12,
            1.2,
            {"unit": "Minuten", "span": 240.0},
            "factor",
            "÷10: Komma verrutscht?",
            id="slip-small-on-a-wide-range",
        ),
        pytest.param(40.0, 10.0, {}, "factor", "", id="factor-four-no-slip"),
        pytest.param(0.0, 55.0, {"unit": "%", "span": 100.0}, "factor", "", id="drop-to-zero"),
        pytest.param(-5.0, 12.0, {}, "sign", "", id="sign-flip"),
        pytest.param(
            70.0,
            50.0,
            {"typical_change": 2.0, "changes": 8, "unit": "%", "span": 100.0},
            "typical",
            "",
            id="beyond-typical-change",
        ),
    ],
)
def test_implausible_values_are_flagged_with_the_likely_cause(value, previous, options, reason, cause):
    flag = plausibility.check(value, previous, **options)
    assert flag is not None
    # the cause is a code (kpi.texts.PROBLEMS); its German words are what the table names
    worded = problems.word(flag.cause).removeprefix(" – ") if flag.cause else ""
    assert (flag.reason, worded) == (reason, cause)


@pytest.mark.parametrize(
    ("value", "previous", "options"),
    [
        pytest.param(84.1, 82.6, {"unit": "%", "span": 100.0}, id="normal-step"),
        pytest.param(29.0, 10.0, {}, id="factor-just-under-three"),
        pytest.param(2.5, 10.0, {}, id="down-to-a-quarter"),
        pytest.param(54.0, 50.0, {"typical_change": 2.0, "changes": 8}, id="within-typical-change"),
        pytest.param(70.0, 50.0, {"typical_change": 2.0, "changes": 2}, id="too-little-history-for-typical"),
        pytest.param(3.0, 1.0, {"span": 100.0}, id="small-on-the-valid-range"),
        pytest.param(5.0, None, {}, id="no-previous-value"),
    ],
)
def test_plausible_values_pass(value, previous, options):
    assert plausibility.check(value, previous, **options) is None


def test_message_names_both_values_periods_and_cause():
    flag = plausibility.check(8.31, 82.6, unit="%", span=100.0)
    text = plausibility.message("EG-04", flag, date(2025, 12, 31), date(2024, 12, 31), "yearly", "%")
    assert text.startswith(plausibility.PREFIX)
    for part in ("EG-04", "2025", "8,31", "2024", "82,6", "÷10: Komma verrutscht?"):
        assert part in text


def _latest(store, kpi_id):
    values = store.current_values(kpi_ids=[kpi_id])
    return values.iloc[-1]


def _next_period(store, kpi_id) -> tuple[str, float]:
    """The period after the KPI's newest value (as a date, which every frequency accepts) and that value."""
    kpi = next(k for k in current_catalog(store).kpis if k.id == kpi_id)
    last = _latest(store, kpi_id)
    return add_periods(last["period"], kpi.frequency, 1).strftime("%d.%m.%Y"), float(last["value"])


def _slip_file(tmp_path, store):
    """EG-04 and SC-19 each one period after their newest value, with a decimal slip (÷10 and ×10)."""
    lines = ["Kennzahl;Zeitraum;Wert"]
    for kpi_id, factor in (("EG-04", 0.1), ("SC-19", 10)):
        period, value = _next_period(store, kpi_id)
        number = f"{value * factor:.2f}".replace(".", ",")
        lines.append(f"{kpi_id};{period};{number}")
    return write(tmp_path, "slip.csv", "\n".join(lines) + "\n"), lines


def test_import_flags_slips_and_writes_nothing_without_confirmation(seeded_store, tmp_path):
    path, _ = _slip_file(tmp_path, seeded_store)
    before = seeded_store.measurement_count()
    result = import_file(seeded_store, path)
    assert result.ok and not result.committed
    assert [p.message.split(":")[1].split()[0] for p in result.implausible] == ["EG-04", "SC-19"]
    assert "÷10: Komma verrutscht?" in result.implausible[0].message
    assert "×10: Komma verrutscht?" in result.implausible[1].message
    assert [p.row for p in result.implausible] == [2, 3]
    assert all(p in result.warnings for p in result.implausible)
    assert seeded_store.measurement_count() == before
    confirmed = import_file(seeded_store, path, confirm_implausible=True)
    assert confirmed.committed and confirmed.new == 2


def test_preview_shows_the_previous_periods_value_for_new_periods(seeded_store, tmp_path):
    path, _ = _slip_file(tmp_path, seeded_store)
    last = _latest(seeded_store, "EG-04")
    result = import_file(seeded_store, path, dry_run=True)
    row = result.preview[result.preview["kpi_id"] == "EG-04"].iloc[0]
    assert row["change"] == "new" and row["old_value"] != row["old_value"]  # NaN: nothing before in this period
    assert row["prev_value"] == pytest.approx(last["value"])
    assert row["flag"].code == plausibility.CODE and "Komma verrutscht" in row["flag"].text("de")


def test_plausible_upload_commits_without_confirmation(seeded_store, tmp_path):
    period, last = _next_period(seeded_store, "EG-04")
    value = f"{last + 0.5:.1f}".replace(".", ",")
    path = write(tmp_path, "ok.csv", f"Kennzahl;Zeitraum;Wert\nEG-04;{period};{value}\n")
    result = import_file(seeded_store, path)
    assert result.committed and not result.implausible


def test_cli_import_refuses_implausible_values_until_confirmed(seeded_store, tmp_path):
    from tests.test_cli import counts, db_of, run_kpi

    path, _ = _slip_file(tmp_path, seeded_store)
    before = seeded_store.measurement_count()
    refused = run_kpi(db_of(seeded_store), "import", str(path))
    assert refused.returncode == 1
    flagged = [
        line for line in refused.stderr.splitlines() if line.startswith("HINWEIS") and "auffälliger Wert" in line
    ]
    assert len(flagged) == 2 and "÷10: Komma verrutscht?" in flagged[0] and "×10: Komma verrutscht?" in flagged[1]
    assert "--confirm-implausible" in refused.stderr
    assert seeded_store.measurement_count() == before
    confirmed = run_kpi(db_of(seeded_store), "import", str(path), "--confirm-implausible")
    assert confirmed.returncode == 0, confirmed.stderr
    assert counts(confirmed) == (2, 0, 0)
    assert seeded_store.measurement_count() == before + 2
