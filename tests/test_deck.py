"""The committee deck as data: structure, bounded slides, frozen Stand, comments and decisions."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kpi.report.deck import (
    KPIS_PER_SLIDE,
    ActionFieldSlide,
    DecisionSlide,
    ThemeSlide,
    TitleSlide,
    _comment_notes,
    balanced_chunks,
    build_deck,
    shorten,
    stand_text,
)
from kpi.revisions import current_catalog
from kpi.views import comment_notes, snapshot

D = datetime(2025, 12, 31, 23, 59, 59, 999999)


@pytest.mark.parametrize(
    ("n", "size", "expected"),
    [
        pytest.param(0, 4, [0], id="empty-field-still-one-slide"),
        pytest.param(3, 4, [3], id="fits-on-one"),
        pytest.param(4, 4, [4], id="exactly-full"),
        pytest.param(7, 4, [4, 3], id="seven-split-4-3"),
        pytest.param(8, 4, [4, 4], id="eight-split-4-4"),
        pytest.param(9, 4, [3, 3, 3], id="nine-split-evenly"),
        pytest.param(21, 12, [11, 10], id="decisions"),
    ],
)
def test_balanced_chunks(n, size, expected):
    chunks = balanced_chunks(list(range(n)), size)
    assert [len(c) for c in chunks] == expected
    assert [x for c in chunks for x in c] == list(range(n))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        pytest.param(D, "Stand: 31.12.2025", id="end-of-day-is-a-date"),
        pytest.param(datetime(2026, 3, 4, 9, 5), "Stand: 04.03.2026, 09:05 Uhr", id="moment-shows-time"),
        pytest.param(None, "Stand: 02.01.2026", id="live-uses-today"),
    ],
)
def test_stand_text(as_of, expected):
    assert stand_text(as_of, date(2026, 1, 2)) == expected


def test_stand_text_english():
    assert stand_text(D, D.date(), "en") == "As of 31/12/2025"


def test_shorten_keeps_words_and_marks_the_cut():
    assert shorten("kurz", 10) == "kurz"
    text = shorten("Aufrufsystem nach dem Cyberangriff abgeschaltet, Ersatz verzögert", 40)
    assert text.endswith(" …") and len(text) <= 40 and "Cyberangriff" in text


@pytest.fixture
def deck(seeded_store):
    return build_deck(snapshot(seeded_store, D), seeded_store.comments(D))


def test_deck_order_title_themes_fields_decisions(deck, seeded_store):
    catalog = current_catalog(seeded_store)
    kinds = [type(s) for s in deck.slides]
    assert kinds[0] is TitleSlide
    assert kinds[1 : 1 + len(catalog.themes)] == [ThemeSlide] * len(catalog.themes)
    fields = [s for s in deck.slides if isinstance(s, ActionFieldSlide)]
    assert kinds[1 + len(catalog.themes) : 1 + len(catalog.themes) + len(fields)] == [ActionFieldSlide] * len(fields)
    assert all(k is DecisionSlide for k in kinds[1 + len(catalog.themes) + len(fields) :])
    assert deck.stand == "Stand: 31.12.2025"
    assert deck.slide_number(2) == f"Folie 3 / {len(deck)}"


def test_every_kpi_on_exactly_one_slide_and_no_slide_overfull(deck, seeded_store):
    catalog = current_catalog(seeded_store)
    shown = [card.kpi_id for card in deck.cards]
    assert sorted(shown) == sorted(k.id for k in catalog.kpis)
    fields = [s for s in deck.slides if isinstance(s, ActionFieldSlide)]
    assert all(len(s.cards) <= KPIS_PER_SLIDE for s in fields)
    assert {s.field_id for s in fields} == {a.id for a in catalog.action_fields}
    for slide in fields:
        assert all(card.kpi.action_field_id == slide.field_id for card in slide.cards)
        # The field's measures are listed once, on its first slide.
        assert (slide.part == 1) or not slide.measures


def test_title_slide_carries_leitbild_and_principles(deck, seeded_store):
    strategy = current_catalog(seeded_store).strategy
    title = deck.slides[0]
    assert title.mission == strategy.mission
    assert title.principles == strategy.principles
    assert title.committee == "Ausschuss für Digitalisierung und Zukunft"


def test_theme_counts_add_up(deck, seeded_store):
    catalog = current_catalog(seeded_store)
    for slide in deck.theme_slides:
        total = sum(c.count for c in slide.counts)
        assert total == sum(1 for k in catalog.kpis if k.theme_id == slide.theme_id)
        assert slide.share.endswith("%")
        assert all(c.label.split(" ", 1)[0] in "★✔▲✖⊗◌○" for c in slide.counts)  # icon and word, never colour alone


def test_decisions_list_off_track_stale_and_late(deck, seeded_store):
    decisions = [s for s in deck.slides if isinstance(s, DecisionSlide)]
    items: dict[str, list[str]] = {}
    for slide in decisions:
        for section in slide.sections:
            items.setdefault(section.key, []).extend(i.ref for i in section.items)
    assert sorted(items["off_track"]) == sorted(c.kpi_id for c in deck.cards if c.status in ("off_track", "missed"))
    # Overdue: stale KPIs, and KPIs still without a value whose first one is due.
    overdue = [c.kpi_id for c in deck.cards if c.stale or (c.status == "no_data" and c.evaluation.next_due < D.date())]
    assert sorted(items.get("stale", [])) == sorted(overdue)
    late = snapshot(seeded_store, D).measures
    assert sorted(items["late"]) == sorted(late[late["late"]]["id"])


def test_department_comment_as_of_shows_on_its_slide(seeded_store):
    seeded_store.add_comment("EG-01", date(2025, 12, 31), "Zwischenbericht 7 liegt dem Ausschuss vor", "stab")
    now_deck = build_deck(snapshot(seeded_store, None), seeded_store.comments(None))
    slide = next(
        s for s in now_deck.slides if isinstance(s, ActionFieldSlide) and "EG-01" in [c.kpi_id for c in s.cards]
    )
    assert [n.text for n in slide.comments if n.kpi_id == "EG-01"] == ["Zwischenbericht 7 liegt dem Ausschuss vor"]
    # The comment was written after D: the deck as of D does not know it.
    old_deck = build_deck(snapshot(seeded_store, D), seeded_store.comments(D))
    assert "Zwischenbericht 7" not in old_deck.text()


def test_deck_text_is_reproducible(deck, seeded_store):
    again = build_deck(snapshot(seeded_store, D), seeded_store.comments(D))
    assert again.text() == deck.text()


def test_english_deck(seeded_store):
    deck = build_deck(snapshot(seeded_store, D), seeded_store.comments(D), lang="en")
    assert deck.stand == "As of 31/12/2025"
    assert deck.slide_number(0) == f"Slide 1 / {len(deck)}"
    assert any(s.title.startswith("Decisions needed") for s in deck.slides)


def test_catalog_without_kpis_still_makes_a_deck(store):
    deck = build_deck(snapshot(store, D), store.comments(D))
    assert isinstance(deck.slides[0], TitleSlide)
    assert all(c.status == "no_data" for c in deck.cards)


def test_the_deck_asks_for_the_notes_of_every_commented_kpi_and_only_those(seeded_store):
    """The deck reads notes only for the KPIs with a comment (a large strategy has thousands of KPIs and few
    comments): exactly the KPIs for which views.comment_notes finds any, by a value's comment or a discussion."""
    seeded_store.add_comment("EG-01", date(2025, 12, 31), "Zwischenbericht 7 liegt dem Ausschuss vor", "stab")
    snap, comments = snapshot(seeded_store, None), seeded_store.comments(None)
    noted = set()
    for kpi in snap.kpis:
        series = snap.series(kpi.id)
        since = min([kpi.baseline_period, *series["period"][:1]])
        if len(comment_notes(series, comments[comments["kpi_id"] == kpi.id], since=since)):
            noted.add(kpi.id)
    value_commented = {k for k, c in zip(snap.values["kpi_id"], snap.values["comment"]) if isinstance(c, str)}
    assert "EG-01" in noted and len(noted & value_commented) >= 3
    assert set(_comment_notes(snap, comments, "de")) == noted
