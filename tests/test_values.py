"""Per value: its own source, its quality mark and both kinds of comment, wherever a value is shown (views, charts,
deck); the forecast is not fitted across a break in the series."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from kpi import charts
from kpi.report.deck import ActionFieldSlide, build_deck
from kpi.revisions import current_catalog
from kpi.store import Store, measurement_t, now
from kpi.views import comment_notes, comments_by_period, kpi_detail, snapshot

pytestmark = pytest.mark.both_backends  # DuckDB and PostgreSQL (tests/pg.py)


def add_value(
    store: Store,
    kpi_id: str,
    period: date,
    value: float,
    *,
    quality: str | None = None,
    comment: str | None = None,
    source: str | None = None,
) -> None:
    """One measurement revision written straight to the store (the upload column `Qualität` is parsed elsewhere)."""
    with store.connect() as conn:
        upload_id = store.record_upload(
            conn, kind="measurements", file_name="direkt.csv", username="test", n_new=1, n_changed=0, n_unchanged=0
        )
        conn.execute(
            measurement_t.insert(),
            [
                dict(
                    kpi_id=kpi_id,
                    period=period,
                    value=value,
                    comment=comment,
                    source=source,
                    quality=quality,
                    upload_id=upload_id,
                    recorded_at=now(),
                    recorded_by="test",
                )
            ],
        )


def test_comment_notes_merge_value_and_discussion_comments_newest_period_first():
    series = pd.DataFrame(
        {
            "period": [date(2023, 11, 30), date(2023, 12, 31), date(2024, 5, 31)],
            "comment": ["Cyberangriff", None, "wieder verfügbar"],
            "recorded_by": ["it", "it", "it"],
            "recorded_at": [datetime(2024, 1, 1)] * 3,
        }
    )
    comments = pd.DataFrame(
        {
            "kpi_id": ["EG-04", "EG-04"],
            "period": [date(2023, 12, 31), date(2023, 11, 30)],
            "text": ["Ausfall dauert an", "Cyberangriff"],
            "author": ["amt", "amt"],
            "recorded_at": [datetime(2024, 2, 1)] * 2,
        }
    )
    notes = comment_notes(series, comments)
    assert list(zip(notes["period"], notes["text"], notes["kind"])) == [
        (date(2024, 5, 31), "wieder verfügbar", "value"),
        (date(2023, 12, 31), "Ausfall dauert an", "discussion"),
        (date(2023, 11, 30), "Cyberangriff", "value"),  # the same text as a discussion comment: shown once
    ]
    assert comment_notes(series, comments, since=date(2024, 1, 1))["text"].tolist() == ["wieder verfügbar"]
    assert comments_by_period(notes)[date(2023, 12, 31)] == "Ausfall dauert an"


def test_real_values_keep_their_own_source(seeded_store):
    detail = kpi_detail(seeded_store, snapshot(seeded_store), "SC-16")
    real = detail.revisions[detail.revisions["period"] <= date(2021, 6, 30)]
    assert len(real) and set(real["source"]) == {"Breitbandatlas | Gigabit-Grundbuch"}
    assert "Demo-Daten (illustrativ)" not in set(detail.revisions["source"])


def test_a_value_without_source_gets_the_kpis_catalog_source(seeded_store, tmp_path):
    from kpi.ingest import import_file
    from tests.conftest import write

    kpi = next(k for k in current_catalog(seeded_store).kpis if k.id == "EG-02")
    latest = seeded_store.current_values(kpi_ids=["EG-02"]).iloc[-1]
    path = write(tmp_path, "ohne-quelle.csv", f"Kennzahl;Zeitraum;Wert\nEG-02;2030;{latest['value']:.0f}\n")
    assert import_file(seeded_store, path).committed
    row = seeded_store.current_values(kpi_ids=["EG-02"]).iloc[-1]
    assert row["period"] == date(2030, 12, 31) and row["source"] == kpi.source


def test_forecast_is_fitted_only_on_the_values_after_a_break(seeded_store):
    before = snapshot(seeded_store).statuses["EG-02"].forecast
    values = seeded_store.current_values(kpi_ids=["EG-02"])
    last = values.iloc[-1]
    # A new definition from the newest period on, far above the old series, then steady growth.
    add_value(seeded_store, "EG-02", last["period"], last["value"] * 2, quality="break", comment="neue Zählweise")
    add_value(seeded_store, "EG-02", date(last["period"].year + 1, 12, 31), last["value"] * 2.1)
    add_value(seeded_store, "EG-02", date(last["period"].year + 2, 12, 31), last["value"] * 2.2)
    add_value(seeded_store, "EG-02", date(last["period"].year + 3, 12, 31), last["value"] * 2.3)
    after = snapshot(seeded_store, as_of=None).statuses["EG-02"].forecast
    assert before is not None and after is not None
    # Through the four points after the break (a forecast needs four) the slope is 0.1 × last value per year.
    slope_per_year = after.value_at(date(last["period"].year + 2, 12, 31)) - after.value_at(
        date(last["period"].year + 1, 12, 31)
    )
    assert abs(slope_per_year - 0.1 * last["value"]) < 0.02 * last["value"]


def test_chart_draws_provisional_values_hollow_and_marks_a_break(seeded_store):
    last = seeded_store.current_values(kpi_ids=["EG-02"]).iloc[-1]
    add_value(seeded_store, "EG-02", last["period"], last["value"], quality="break", comment="neue Zählweise")
    add_value(seeded_store, "EG-02", date(last["period"].year + 1, 12, 31), last["value"] * 1.05, quality="provisional")
    snap = snapshot(seeded_store)
    detail = kpi_detail(seeded_store, snap, "EG-02")
    figure = charts.kpi_figure(detail.kpi, detail.series, detail.status, "de")
    actual = next(t for t in figure.data if t.name == "Ist-Werte")
    assert list(actual.marker.symbol[-2:]) == ["circle", "circle-open"]
    assert "vorläufig" in actual.customdata[-1][0]
    assert any(a.text == "Bruch in der Reihe" for a in figure.layout.annotations)
    assert any(s.line.dash == "dot" and s.x0 == last["period"] for s in figure.layout.shapes)


def test_deck_kpi_slide_lists_the_value_comment_of_the_periods_in_view(seeded_store):
    snap = snapshot(seeded_store)
    deck = build_deck(snap, seeded_store.comments())
    slide = next(
        s for s in deck.slides if isinstance(s, ActionFieldSlide) and any(c.kpi_id == "EG-04" for c in s.cards)
    )
    texts = [n.text for n in slide.comments if n.kpi_id == "EG-04"]
    assert any(text.startswith("Cyberangriff") for text in texts), texts
    assert "Keine Kommentare" not in "\n".join(n.text for n in slide.comments)


def test_deck_card_names_a_provisional_newest_value(seeded_store):
    last = seeded_store.current_values(kpi_ids=["EG-02"]).iloc[-1]
    add_value(seeded_store, "EG-02", date(last["period"].year + 1, 12, 31), last["value"], quality="provisional")
    card = next(c for c in build_deck(snapshot(seeded_store)).cards if c.kpi_id == "EG-02")
    assert card.actual.endswith("(vorläufig)")
