"""Command-line commands for a city's own strategy: `init`, `demo remove`, `catalog template|import|export|log`."""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import date
from pathlib import Path

from kpi.revisions import current_catalog
from kpi.store import Store


def _day(text: str) -> date:
    from kpi.periods import PeriodError, parse_timestamp

    try:
        return parse_timestamp(text).date()
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' ist kein Datum (z. B. 2024-06-01 oder 01.06.2024)") from exc


def cmd_init(args: argparse.Namespace, store: Store) -> int:
    from kpi.own_strategy import init_store

    result = init_store(store, Path(args.catalog), user=args.user)
    print(result.message, file=sys.stdout if result.ok else sys.stderr)
    for line in result.lines:
        print(f"  {line}", file=sys.stderr)
    return 0 if result.ok else 1


def cmd_demo(args: argparse.Namespace, store: Store) -> int:
    from kpi.own_strategy import remove_demo

    if not store.is_initialised():
        print("Die Datenbank enthält noch keinen Strategiekatalog: nichts zu entfernen.", file=sys.stderr)
        return 1
    print(remove_demo(store, user=args.user).message)
    return 0


def cmd_template(args: argparse.Namespace, store: Store) -> int:
    from kpi.catalog_io import write_workbook

    out = Path(args.out)
    out.write_bytes(write_workbook(None))
    print(
        f"{out} geschrieben: Vorlage mit je einer Beispielzeile pro Blatt (Strategie, Organisationseinheiten, "
        "Themenfelder, Handlungsfelder, Ziele, Kennzahlen, Maßnahmen)."
    )
    return 0


def _print_import(diff, preview, valid_from: date) -> None:
    print(
        f"Änderungen (gültig ab {valid_from:%d.%m.%Y}): {diff.n_added} neu, {diff.n_changed} geändert, "
        f"{diff.n_retired} entfallen, {diff.n_unchanged} unverändert"
    )
    for line in diff.lines():
        print(f"  {line}")
    if preview:
        changed = sum(1 for p in preview if p.changed)
        print(f"Status je Kennzahl danach ({changed} ändern sich):")
        for p in preview:
            print(f"  {'*' if p.changed else ' '} {p.text()}")


def cmd_catalog_import(args: argparse.Namespace, store: Store) -> int:
    from kpi.catalog_io import read_catalog_file
    from kpi.revisions import diff_catalogs, record_catalog
    from kpi.views import status_preview

    path = Path(args.file)
    catalog = read_catalog_file(path)  # CatalogError lists every problem; main() prints it
    existing = current_catalog(store) if store.is_initialised() else None
    if existing is not None and existing.strategy.id != catalog.strategy.id:
        print(
            f"Fehler: die Datenbank enthält die Strategie '{existing.strategy.id}', die Datei "
            f"'{catalog.strategy.id}'. Nichts geschrieben.",
            file=sys.stderr,
        )
        return 1
    if existing is not None and not args.dry_run and (not args.valid_from or not (args.decision or "").strip()):
        print(
            'Fehler: eine Katalogänderung braucht --valid-from DATUM und --decision "Beschluss" '
            '(z. B. --decision "Ratsbeschluss V/2024/117"). Nichts geschrieben.',
            file=sys.stderr,
        )
        return 1
    valid_from = args.valid_from or (date.today() if existing is not None else catalog.strategy.adopted)
    diff = diff_catalogs(existing, catalog)
    preview = status_preview(store, catalog, valid_from) if existing is not None else []
    _print_import(diff, preview, valid_from)
    if args.dry_run:
        print("Probelauf: nichts geschrieben.")
        return 0
    result = record_catalog(
        store,
        catalog,
        valid_from=valid_from,
        decision=(args.decision or "").strip(),
        user=args.user,
        file_name=f"{path.name} · {(args.decision or '').strip()}",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    print(result.message)
    return 0


def cmd_catalog_export(args: argparse.Namespace, store: Store) -> int:
    from kpi.catalog_io import to_yaml, write_workbook
    from kpi.periods import parse_timestamp

    as_of = parse_timestamp(args.as_of) if args.as_of else None
    catalog = current_catalog(store, as_of=as_of) if store.is_initialised() else None
    if catalog is None:
        print("Die Datenbank enthält noch keinen Strategiekatalog.", file=sys.stderr)
        return 1
    if args.format == "xlsx":
        if not args.out:
            print("Fehler: für --format xlsx bitte --out DATEI.xlsx angeben.", file=sys.stderr)
            return 1
        Path(args.out).write_bytes(write_workbook(catalog))
    elif args.out:
        Path(args.out).write_text(to_yaml(catalog), encoding="utf-8")
    else:
        sys.stdout.write(to_yaml(catalog))
    if args.out:
        print(
            f"{args.out} geschrieben: Katalog '{catalog.strategy.title}' mit {len(catalog.kpis)} Kennzahlen"
            + (f", Stand {as_of:%d.%m.%Y %H:%M}" if as_of else "")
        )
    return 0


def cmd_catalog_log(args: argparse.Namespace, store: Store) -> int:
    from kpi.revisions import revision_log

    frame = revision_log(store)
    for r in frame.to_dict(orient="records"):
        state = "rückgängig gemacht" if r["state"] == "undone" else ("Rückgängig" if r["kind"] == "undo" else "")
        print(
            f"#{r['id']:<4} gültig ab {r['valid_from']:%d.%m.%Y}  erfasst {r['recorded_at']:%d.%m.%Y %H:%M}  "
            f"{r['recorded_by'] or '–':<10} {r['decision'] or ''} {state}".rstrip()
        )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from kpi.catalog import DEFAULT_CATALOG

    p = sub.add_parser("init", help="eigene Strategie anlegen (nur der Katalog, keine Messwerte) oder prüfen")
    p.add_argument(
        "--catalog", required=True, help=f"Katalogdatei (.yaml oder .xlsx), Schema wie {DEFAULT_CATALOG.name}"
    )
    p.add_argument("--user", default="cli")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="Demo-Daten verwalten")
    demo = p.add_subparsers(dest="demo_command", required=True)
    q = demo.add_parser("remove", help="alle Demo-Werte und Demo-Maßnahmenstände zurückziehen (protokolliert)")
    q.add_argument("--user", default="cli")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("catalog", help="Strategiekatalog: Excel-Vorlage, Import als Revision, Export")
    cat = p.add_subparsers(dest="catalog_command", required=True)
    q = cat.add_parser("template", help="Excel-Vorlage zum Ausfüllen schreiben")
    q.add_argument("--out", required=True)
    q.set_defaults(func=cmd_template)
    q = cat.add_parser("import", help="Katalog (.yaml/.xlsx) prüfen, Unterschiede zeigen und als Revision speichern")
    q.add_argument("file")
    q.add_argument("--dry-run", action="store_true", help="nur prüfen und Unterschiede zeigen, nichts schreiben")
    q.add_argument("--valid-from", type=_day, help="gültig ab (Datum des Beschlusses), z. B. 2024-06-01")
    q.add_argument("--decision", help='Beschluss, z. B. "Ratsbeschluss V/2024/117"')
    q.add_argument("--user", default="cli", help="wer speichert (für das Protokoll)")
    q.set_defaults(func=cmd_catalog_import)
    q = cat.add_parser("export", help="Katalog (wie zu einem Stand erfasst) als YAML oder Excel")
    q.add_argument("--format", choices=["yaml", "xlsx"], default="yaml")
    q.add_argument("--as-of", help="Stand (ISO-Zeitpunkt oder Datum)")
    q.add_argument("--out", help="Zieldatei (für yaml Standard: Standardausgabe)")
    q.set_defaults(func=cmd_catalog_export)
    q = cat.add_parser("log", help="alle Katalog-Revisionen, neueste zuerst")
    q.set_defaults(func=cmd_catalog_log)
