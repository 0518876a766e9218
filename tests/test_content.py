"""The catalog's content in English (issue 15): `*_en` wordings round-trip through YAML, Excel, catalog revisions and
the store; `localized` picks the reader's language and says when it falls back to German."""

from __future__ import annotations

import dataclasses
import io

import sqlalchemy as sa

from kpi import opendata
from kpi.catalog import parse_catalog
from kpi.catalog_io import catalog_to_dict, read_workbook, to_yaml, write_workbook
from kpi.content import ENGLISH_FIELDS, LocalText, catalog_in, localized, localized_principles
from kpi.model import Catalog
from kpi.report import load_deck
from kpi.revisions import current_catalog, diff_catalogs, record_catalog
from kpi.store import Store
from kpi.text import html_local, md_local
from kpi.views import in_language, snapshot, status_frame


def _items(catalog: Catalog) -> list[object]:
    return [
        catalog.strategy,
        *catalog.units,
        *catalog.themes,
        *catalog.action_fields,
        *catalog.goals,
        *catalog.kpis,
        *catalog.measures,
    ]


def test_the_shipped_catalog_has_english_for_every_content_text(catalog):
    missing = [
        (getattr(item, "id", ""), field)
        for item in _items(catalog)
        for field in ENGLISH_FIELDS[type(item).__name__]
        if localized(item, field, "en").foreign_in("en")
    ]
    assert missing == []
    assert len(catalog.strategy.principles_en) == len(catalog.strategy.principles) == 4
    ozg = catalog.kpi("EG-05")
    assert (ozg.name_en, ozg.unit_en) == ("Average waiting time at the Citizens' Office", "minutes")


def test_localized_falls_back_to_german_and_says_so(catalog):
    kpi = catalog.kpi("EG-05")
    assert localized(kpi, "name", "en") == LocalText("Average waiting time at the Citizens' Office", "en")
    assert localized(kpi, "name", "de") == LocalText("Durchschnittliche Wartezeit im Bürgerbüro", "de")
    bare = dataclasses.replace(kpi, name_en="")
    fallback = localized(bare, "name", "en")
    assert fallback == LocalText("Durchschnittliche Wartezeit im Bürgerbüro", "de")
    assert fallback.foreign_in("en") and not fallback.foreign_in("de")
    # A unit without letters reads the same in both languages: nothing to mark.
    percent = catalog.kpi("EG-01")
    assert percent.unit == "%" and not percent.unit_en
    assert not localized(percent, "unit", "en").foreign_in("en")


def test_principles_fall_back_as_a_whole_when_the_english_list_is_incomplete(catalog):
    s = catalog.strategy
    assert [p.lang for p in localized_principles(s, "en")] == ["en"] * 4
    short = dataclasses.replace(s, principles_en=s.principles_en[:2])
    assert [p.text for p in localized_principles(short, "en")] == list(s.principles)
    assert {p.lang for p in localized_principles(short, "en")} == {"de"}


def test_markdown_and_html_mark_a_german_fallback_and_escape_it():
    german = LocalText("Anteil <b>[OZG](http://x)</b>", "de")
    md = md_local(german, "en")
    assert md.startswith('<span lang="de">') and md.endswith("</span>")
    assert "<b>" not in md and "](http" not in md  # typed markup stays literal
    assert md_local(german, "de") == md[len('<span lang="de">') : -len("</span>")]  # German page: no mark
    assert html_local(german, "en") == '<span lang="de">Anteil &lt;b&gt;[OZG](http://x)&lt;/b&gt;</span>'
    assert html_local(LocalText("Share", "en"), "en") == "Share"
    two_lines = md_local(LocalText("eins\nzwei", "de"), "en")
    assert two_lines == '<span lang="de">eins</span>  \n<span lang="de">zwei</span>'


def test_catalog_in_english_replaces_what_has_english_and_keeps_the_rest(catalog):
    bare = dataclasses.replace(catalog.kpi("EG-03"), name_en="")
    partial = dataclasses.replace(catalog, kpis=tuple(bare if k.id == "EG-03" else k for k in catalog.kpis))
    english = catalog_in(partial, "en")
    assert english.kpi("EG-05").name == "Average waiting time at the Citizens' Office"
    assert english.kpi("EG-05").unit == "minutes"
    assert english.kpi("EG-03").name == catalog.kpi("EG-03").name  # no English: German stays ...
    assert localized(english.kpi("EG-03"), "name", "en").lang == "de"  # ... and is still known as German
    assert english.strategy.principles == catalog.strategy.principles_en
    assert english.themes[1].name == "Smart City" and english.action_fields[0].name == "Digital administrative services"
    assert catalog_in(partial, "de") is partial


def test_yaml_round_trip_keeps_every_english_wording(catalog):
    assert parse_catalog(catalog_to_dict(catalog)) == catalog
    text = to_yaml(catalog)
    assert "name_en: Average waiting time at the Citizens' Office" in text and "principles_en:" in text


def test_a_catalog_without_english_writes_no_english_keys(catalog):
    def german(item: object) -> object:
        fields = {f"{f}_en": "" for f in ENGLISH_FIELDS[type(item).__name__]}
        return dataclasses.replace(item, **fields)

    stripped = dataclasses.replace(
        catalog,
        strategy=dataclasses.replace(german(catalog.strategy), principles_en=()),
        units=tuple(german(u) for u in catalog.units),
        themes=tuple(german(t) for t in catalog.themes),
        action_fields=tuple(german(a) for a in catalog.action_fields),
        goals=tuple(german(g) for g in catalog.goals),
        kpis=tuple(german(k) for k in catalog.kpis),
        measures=tuple(german(m) for m in catalog.measures),
    )
    assert "_en:" not in to_yaml(stripped)  # the same file (and revision hash) as before English existed
    assert parse_catalog(catalog_to_dict(stripped)) == stripped


def test_excel_export_writes_english_columns_and_import_reads_them(catalog):
    from openpyxl import load_workbook

    data = write_workbook(catalog)
    wb = load_workbook(io.BytesIO(data))
    headers = [c.value for c in wb["Kennzahlen"][1]]
    assert {"Name (englisch)", "Einheit (englisch)", "Definition (englisch)", "Quelle (englisch)"} <= set(headers)
    assert parse_catalog(read_workbook(data)) == catalog


def test_excel_import_accepts_other_spellings_and_no_english_columns_at_all(catalog):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(write_workbook(catalog)))
    ws = wb["Kennzahlen"]
    for cell in ws[1]:
        if cell.value == "Name (englisch)":
            cell.value = "Name (English)"
    out = io.BytesIO()
    wb.save(out)
    assert parse_catalog(read_workbook(out.getvalue())).kpi("EG-05").name_en == catalog.kpi("EG-05").name_en
    # A workbook made from the template before English columns existed still imports (German only).
    for name in wb.sheetnames:
        sheet = wb[name]
        for col in reversed(range(1, sheet.max_column + 1)):
            if str(sheet.cell(1, col).value or "").lower().endswith(("(englisch)", "(english)")):
                sheet.delete_cols(col)
        if name == "Strategie":
            for row in reversed(range(2, sheet.max_row + 1)):
                if str(sheet.cell(row, 1).value or "").lower().endswith("(englisch)"):
                    sheet.delete_rows(row)
    out = io.BytesIO()
    wb.save(out)
    german = parse_catalog(read_workbook(out.getvalue()))
    assert german.kpi("EG-05").name == catalog.kpi("EG-05").name and german.kpi("EG-05").name_en == ""
    assert german.strategy.mission_en == "" and german.strategy.principles_en == ()


def test_english_wordings_round_trip_through_revisions_and_the_store_tables(store: Store, catalog):
    def content(c: Catalog) -> tuple:
        measures = tuple((m.title, m.title_en, m.description, m.description_en) for m in c.measures)
        return c.strategy, c.units, c.themes, c.action_fields, c.goals, c.kpis, measures

    assert content(current_catalog(store, measure_states=False)) == content(catalog)  # revision 1 (conftest)
    assert content(store.stored_catalog()) == content(catalog)  # the current-catalog tables carry them too
    changed = dataclasses.replace(
        catalog,
        kpis=tuple(dataclasses.replace(k, name_en="Waiting time") if k.id == "EG-05" else k for k in catalog.kpis),
    )
    diff = diff_catalogs(catalog, changed)
    assert [c.id for c in diff.changes] == ["EG-05"]
    assert any("Name (englisch)" in line for line in diff.changes[0].details)
    assert record_catalog(store, changed, decision="Übersetzung", user="t").revision_id is not None
    assert current_catalog(store, measure_states=False).kpi("EG-05").name_en == "Waiting time"
    assert store.stored_catalog().kpi("EG-05").name_en == "Waiting time"


def test_an_older_duckdb_store_gets_the_english_columns(tmp_path, catalog):
    url = f"duckdb:///{tmp_path / 'old.duckdb'}"
    store = Store(url, lock_timeout=2)
    record_catalog(store, catalog)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM catalog_revision"))
        for table, column in (("kpi", "name_en"), ("strategy", "principles_en"), ("org_unit", "name_en")):
            conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    engine.dispose()
    from kpi import store as store_module

    store_module._MIGRATED.discard(url)
    reopened = Store(url, lock_timeout=2)
    legacy = reopened.stored_catalog()  # migrated on connect: the columns are back, empty
    assert legacy.kpi("EG-05").name_en == "" and legacy.kpi("EG-05").unit_en == "minutes"
    record_catalog(reopened, catalog, decision="neu", user="t")
    assert reopened.stored_catalog().kpi("EG-05").name_en == catalog.kpi("EG-05").name_en


def test_snapshot_in_english_names_kpis_in_english_and_says_which_stayed_german(seeded_store: Store):
    snap = snapshot(seeded_store)
    english = in_language(snap, "en")
    frame = status_frame(english).set_index("kpi_id")
    assert frame.loc["EG-05", "name"] == "Average waiting time at the Citizens' Office"
    assert frame.loc["EG-05", "unit"] == "minutes" and frame.loc["EG-05", "name_lang"] == "en"
    assert frame.loc["EG-05", "theme"] == "E-Government"
    assert set(english.measures["title"]) == {m.title_en for m in snap.catalog.measures}
    assert status_frame(snap).set_index("kpi_id").loc["EG-05", "name"].startswith("Durchschnittliche")
    assert in_language(snap, "de") is snap


def test_the_deck_in_english_uses_the_english_content(seeded_store: Store):
    deck = load_deck(seeded_store, None, "en")
    text = repr(deck)
    assert "Average waiting time at the Citizens' Office" in text
    assert "Durchschnittliche Wartezeit" not in text


def test_the_api_carries_the_english_wordings(seeded_store: Store):
    listing = opendata.kpi_list(seeded_store, None)
    row = next(r for r in listing["kpis"] if r["kpi_id"] == "EG-05")
    assert row["name"].startswith("Durchschnittliche") and row["name_en"].startswith("Average waiting time")
    assert row["unit_en"] == "minutes" and "name_lang" not in row
    assert listing["strategy"]["title_en"] == "Digitalisation strategy of the City of Iserlohn"
    detail = opendata.kpi_detail(seeded_store, None, "EG-05")
    assert detail["definition_en"].startswith("Mean waiting time") and detail["source_en"]
    percent = opendata.kpi_detail(seeded_store, None, "EG-01")
    assert "unit_en" not in percent  # "%" has no English wording of its own
