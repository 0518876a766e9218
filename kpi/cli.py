"""`python -m kpi …`: the command line over the same core the app uses (the IT office scripts it)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

from kpi.catalog import DEFAULT_CATALOG, CatalogError
from kpi.opendata import EXPORT_COLUMNS  # noqa: F401  (the export columns, read by tests and scripts)
from kpi.periods import PeriodError, parse_timestamp
from kpi.revisions import current_catalog
from kpi.store import Store, StoreError, StoreLockedError, StoreMissingError


def _json_default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return str(value)


def _as_of(args: argparse.Namespace) -> datetime | None:
    return parse_timestamp(args.as_of) if getattr(args, "as_of", None) else None


def cmd_seed(args: argparse.Namespace, store: Store) -> int:
    from kpi.seed import seed

    report = seed(store, Path(args.catalog))
    print(report)
    return 0


def _run_import(store: Store, importer, args: argparse.Namespace) -> int:
    """Import a file with `importer` (measurements or measure updates) and print problems, hints and the summary."""
    if not store.is_initialised():
        print(
            "Fehler: die Datenbank enthält noch keinen Strategiekatalog; zuerst `python -m kpi seed`.", file=sys.stderr
        )
        return 1
    result = importer(store, Path(args.file), dry_run=args.dry_run, user=args.user)
    for problem in result.problems:
        print(f"FEHLER {problem}", file=sys.stderr)
    if result.problem_count > len(result.problems):
        print(f"… und {result.problem_count - len(result.problems)} weitere Fehler", file=sys.stderr)
    for warning in result.warnings:
        print(f"HINWEIS {warning}", file=sys.stderr)
    print(result.summary())
    if result.problems:
        print("Nichts wurde geschrieben.", file=sys.stderr)
        return 1
    if result.implausible and not result.committed and not args.dry_run:
        print(
            f"{len(result.implausible)} auffällige Werte (siehe HINWEIS oben): nichts wurde geschrieben. Nach "
            "Prüfung mit --confirm-implausible erneut importieren.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_import(args: argparse.Namespace, store: Store) -> int:
    from functools import partial

    from kpi.ingest import import_file

    return _run_import(store, partial(import_file, confirm_implausible=args.confirm_implausible), args)


def cmd_export(args: argparse.Namespace, store: Store) -> int:
    from kpi import opendata

    frame = opendata.export_frame(store, _as_of(args), neutralise=args.format == "csv")
    text = opendata.export_json(frame) if args.format == "json" else opendata.export_csv(frame)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_status(args: argparse.Namespace, store: Store) -> int:
    from kpi.views import out_of_window_notice, snapshot, status_frame

    snap = snapshot(store, _as_of(args))
    if snap is None:
        print("Die Datenbank enthält noch keinen Strategiekatalog; zuerst `python -m kpi seed`.", file=sys.stderr)
        return 1
    frame = status_frame(snap)
    if line := out_of_window_notice(snap):
        print(f"Warnung: {line}", file=sys.stderr)
    if args.format == "json":
        records = [
            {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
            for r in frame.to_dict(orient="records")
        ]
        json.dump(records, sys.stdout, default=_json_default, ensure_ascii=False, indent=1)
        print()
        return 0
    from kpi.i18n import fmt_number, status_label

    shown = frame[["kpi_id", "status", "stale", "latest_period", "latest_value", "target", "forecast_value", "name"]]
    lines = []
    for r in shown.itertuples():
        lines.append(
            f"{r.kpi_id:<8} {status_label(r.status, 'de'):<16} {'überfällig' if r.stale else '':<10} "
            f"{r.latest_period.strftime('%d.%m.%Y') if r.latest_period else '–':<11} "
            f"{fmt_number(r.latest_value):>10} → {fmt_number(r.target):>10}  "
            f"Prognose {fmt_number(r.forecast_value):>10}  {r.name[:50]}"
        )
    print(f"Stand: {(snap.as_of or datetime.now()).strftime('%d.%m.%Y %H:%M')} — {snap.catalog.strategy.title}")
    print("\n".join(lines))
    counts = frame["status"].value_counts()
    print(
        "Summe: "
        + ", ".join(f"{status_label(s, 'de')} {n}" for s, n in counts.items())
        + f", überfällig {int(frame['stale'].sum())}"
    )
    return 0


def cmd_backtest(args: argparse.Namespace, store: Store) -> int:
    from kpi.backtest import backtest_text, run_backtest
    from kpi.status import Point

    catalog = current_catalog(store)
    if catalog is None:
        print("Die Datenbank enthält noch keinen Strategiekatalog; zuerst `python -m kpi seed`.", file=sys.stderr)
        return 1
    from kpi.views import reference_day, sane_values

    values, _ = sane_values(
        store, catalog, store.current_values(None, [k.id for k in catalog.kpis]), reference_day(None)
    )
    series: dict[str, list] = {}
    for kpi_id, period, value in zip(values["kpi_id"], values["period"], values["value"]):
        series.setdefault(kpi_id, []).append(Point(period, float(value)))
    result = run_backtest(catalog.kpis, series)
    print(json.dumps(result, indent=1) if args.json else backtest_text(result))
    return 0


def cmd_bench(args: argparse.Namespace, store: Store) -> int:
    from kpi.bench import run_bench

    if args.pg:
        from kpi.bench.pg import backends_report, bench_backends

        results = bench_backends(runs=args.runs, rows=args.rows, kpis=min(args.kpis, 500))
        print(json.dumps(results, indent=1, default=_json_default) if args.json else backends_report(results))
        return 0
    if args.reports:
        from kpi.bench.reports import bench_reports, reports_report

        results = bench_reports(runs=args.runs)
        print(json.dumps(results, indent=1, default=_json_default) if args.json else reports_report(results))
        return 0
    results = (
        {} if args.api_only else run_bench(runs=args.runs, rows=args.rows, kpis=args.kpis, pages=not args.no_pages)
    )
    if args.api or args.api_only:
        from kpi.bench.api import bench_api

        results["api"] = bench_api(requests=args.api_requests, clients=args.api_clients)
    print(json.dumps(results, indent=1, default=_json_default) if args.json else _bench_text(results))
    return 0


def _bench_text(results: dict) -> str:
    from kpi.bench import bench_report
    from kpi.bench.api import api_report

    text = bench_report(results) if set(results) - {"api"} else ""
    return text + (api_report(results["api"]) if "api" in results else "")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    if not sys.stdin.isatty():
        raise SystemExit("Fehler: kein Terminal für die Passworteingabe; --password-stdin verwenden.")
    first = getpass.getpass("Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise SystemExit("Fehler: die Passwörter stimmen nicht überein.")
    return first


def cmd_user(args: argparse.Namespace, store: Store) -> int:
    from kpi import auth

    try:
        if args.user_command == "add":
            user = auth.add_user(store, args.name, args.role, _read_password(args), unit=args.unit)
            print(
                f"Benutzer '{user.name}' angelegt (Rolle {user.role}{', Bereich ' + user.unit if user.unit else ''})."
            )
        elif args.user_command == "passwd":
            auth.set_password(store, args.name, _read_password(args))
            print(f"Passwort für '{auth.normalise_name(args.name)}' geändert.")
        elif args.user_command == "unlock":
            forgotten = auth.unlock(store, args.name)
            print(
                f"Anmeldung für '{auth.normalise_name(args.name)}' freigegeben ({forgotten} Fehlversuch(e) vergessen)."
            )
        elif args.user_command == "remove":
            if not auth.remove_user(store, args.name):
                print(f"Fehler: den Benutzer '{auth.normalise_name(args.name)}' gibt es nicht.", file=sys.stderr)
                return 1
            print(f"Benutzer '{auth.normalise_name(args.name)}' entfernt.")
        else:
            rows = store.users()
            if args.format == "json":
                json.dump(rows, sys.stdout, default=_json_default, ensure_ascii=False, indent=1)
                print()
            else:
                for r in rows:
                    print(
                        f"{r['name']:<24} {r['role']:<11} {r['unit'] or '–':<10} "
                        f"angelegt {r['created_at']:%d.%m.%Y %H:%M}"
                    )
                print(f"{len(rows)} Benutzer")
    except auth.AuthError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_import_measures(args: argparse.Namespace, store: Store) -> int:
    from kpi.ingest import import_measures

    return _run_import(store, import_measures, args)


def cmd_uploads(args: argparse.Namespace, store: Store) -> int:
    from kpi.audit import counts_text, kind_label, protocol_frame, state_label

    frame = protocol_frame(store).head(args.limit)
    if args.format == "json":
        records = [
            {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
            for r in frame.drop(columns=["sha256"]).to_dict(orient="records")
        ]
        json.dump(records, sys.stdout, default=_json_default, ensure_ascii=False, indent=1)
        print()
        return 0
    for r in frame.to_dict(orient="records"):
        print(
            f"#{r['id']:<5} {r['created_at']:%d.%m.%Y %H:%M}  {kind_label(r['kind']):<12} "
            f"{state_label(r['state']):<19} {r['username'] or '–':<12} {counts_text(r):<42} {r['file_name'] or ''}"
        )
    return 0


def cmd_undo(args: argparse.Namespace, store: Store) -> int:
    from kpi.audit import undo_upload
    from kpi.auth import User

    # The command line runs with direct access to the database: it acts with the rights of the administration.
    result = undo_upload(store, args.upload_id, User(args.user, "admin", source="cli"))
    print(result.message, file=sys.stdout if result.ok else sys.stderr)
    for row in result.skipped:
        print("übersprungen: " + ", ".join(f"{k}={_json_default(v)}" for k, v in row.items()))
    return 0 if result.ok else 1


def cmd_report(args: argparse.Namespace, store: Store) -> int:
    from kpi.report import ReportError, build_report, file_name
    from kpi.report_cache import chart_dir
    from kpi.store import now

    # Without --as-of the report is frozen at this moment, and says so: it can be made again later.
    as_of = _as_of(args) or now()
    out = Path(args.out) if args.out else Path(file_name(as_of, args.format))
    if out.is_dir():
        out = out / file_name(as_of, args.format)
    try:
        report = build_report(store, as_of, args.format, args.lang, chart_dir(store))
    except ReportError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    out.write_bytes(report.data)
    print(
        f"{out} geschrieben: {report.pages} {'Seiten' if args.format == 'pdf' else 'Folien'}, "
        f"Stand {as_of.isoformat(sep=' ', timespec='seconds')}, {report.seconds:.1f} s "
        f"(Diagramme {report.chart_seconds:.1f} s, {report.rendered} von {report.charts} neu gezeichnet)"
    )
    return 0


def cmd_migrate(args: argparse.Namespace, store: Store) -> int:
    from kpi.migration import migrate_store

    source = Store(args.source) if args.source else store
    return 0 if migrate_store(source, Store(args.to)).ok else 5


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="nur prüfen und zählen, nichts schreiben")
    p.add_argument("--user", default="cli", help="wer importiert (für das Protokoll)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi", description="Digitalcockpit: KPI-Monitoring (Kommandozeile)")
    parser.add_argument("--db", help="SQLAlchemy-URL der Datenbank (Standard: KPI_DB_URL oder data/kpi.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "seed", help="Demo: Strategiekatalog und Demo-Messwerte laden (idempotent); eigene Strategie: init"
    )
    p.add_argument("--catalog", default=str(DEFAULT_CATALOG))
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("import", help="Messwerte aus CSV/XLSX importieren")
    _import_arguments(p)
    p.add_argument(
        "--confirm-implausible",
        action="store_true",
        help="auffällige Werte (z. B. Komma verrutscht) geprüft: trotzdem übernehmen",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="aktuelle (oder Stand-)Werte ausgeben")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--as-of", help="Stand (ISO-Zeitpunkt), z. B. 2025-12-31T23:59")
    p.add_argument("--out", help="Datei statt Standardausgabe")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("status", help="Status jeder Kennzahl")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--as-of", help="Stand (ISO-Zeitpunkt)")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "report", help="Ausschuss-Bericht als PDF oder PowerPoint (derselbe Foliensatz wie die Präsentation)"
    )
    p.add_argument("--format", choices=["pdf", "pptx"], default="pdf")
    p.add_argument("--as-of", help="Stand (ISO-Zeitpunkt oder Datum), z. B. 2025-12-31; Standard: jetzt")
    p.add_argument("--out", help="Zieldatei oder -ordner (Standard: digitalcockpit_stand_<Datum>.<format>)")
    p.add_argument("--lang", choices=["de", "en"], default="de", help="Sprache des Berichts")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("bench", help="Messungen: Import und Status gegen DuckDB direkt")
    p.add_argument("--json", action="store_true")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--kpis", type=int, default=2000)
    p.add_argument("--no-pages", action="store_true", help="ohne Seiten- und Browser-Messungen")
    p.add_argument("--api", action="store_true", help="auch die Open-Data-API unter Last messen")
    p.add_argument("--api-only", action="store_true", help="nur die Open-Data-API messen")
    p.add_argument("--pg", action="store_true", help="nur Import und Status: DuckDB- gegen PostgreSQL-Store")
    p.add_argument("--reports", action="store_true", help="nur den Ausschussbericht: ungecacht gegen gecacht")
    p.add_argument("--api-requests", type=int, default=2000, help="Anfragen je Adresse (Standard 2000)")
    p.add_argument("--api-clients", type=int, default=20, help="gleichzeitige Clients (Standard 20)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("backtest", help="Prognose gegen naive Verfahren prüfen (jüngste 1–3 Werte verborgen)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backtest)

    p = sub.add_parser("user", help="Benutzer verwalten (lokale Anmeldung)")
    users = p.add_subparsers(dest="user_command", required=True)
    q = users.add_parser("add", help="Benutzer anlegen")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=["viewer", "department", "it_office", "admin"])
    q.add_argument("--unit", help="verantwortlicher Bereich (für die Rolle department), z. B. BB")
    q.add_argument("--password-stdin", action="store_true", help="Passwort aus der ersten Zeile der Standardeingabe")
    q = users.add_parser("passwd", help="Passwort setzen")
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true", help="Passwort aus der ersten Zeile der Standardeingabe")
    q = users.add_parser("list", help="Benutzer auflisten")
    q.add_argument("--format", choices=["table", "json"], default="table")
    q = users.add_parser("remove", help="Benutzer entfernen")
    q.add_argument("name")
    q = users.add_parser("unlock", help="Anmelde-Verzögerung nach Fehlversuchen aufheben")
    q.add_argument("name")
    p.set_defaults(func=cmd_user)

    p = sub.add_parser("import-measures", help="Maßnahmen-Stände aus CSV/XLSX importieren")
    _import_arguments(p)
    p.set_defaults(func=cmd_import_measures)

    p = sub.add_parser("uploads", help="Protokoll: alle Uploads, neueste zuerst")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_uploads)

    p = sub.add_parser("undo", help="einen Upload rückgängig machen (schreibt wiederherstellende Revisionen)")
    p.add_argument("upload_id", type=int)
    p.add_argument("--user", default="cli", help="wer rückgängig macht (für das Protokoll)")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("migrate", help="DuckDB-Datenbank nach PostgreSQL übernehmen (alle Revisionen, Protokoll)")
    p.add_argument("--to", required=True, help="Ziel, z. B. postgresql+psycopg://kpi@db.example/kpi (leer)")
    p.add_argument("--from", dest="source", help="Quelle (Standard: --db bzw. KPI_DB_URL bzw. data/kpi.duckdb)")
    p.set_defaults(func=cmd_migrate)

    from kpi.catalog_cli import add_parsers

    add_parsers(sub)  # init, demo remove, catalog template|import|export|log
    from kpi import cluster
    from kpi.bench import load as loadtest

    cluster.add_parsers(sub)
    loadtest.add_parsers(sub)
    return parser


def store_label(url: str | None) -> str:
    from kpi.store import database_url

    return (url or database_url()).removeprefix("duckdb:///")


READ_COMMANDS = {"status", "export", "uploads", "report"}  # open the store read-only, never create it


def main(argv: list[str] | None = None) -> int:
    import duckdb
    import sqlalchemy as sa

    from kpi.store import database_url
    from kpi.store_checks import check_store_url

    args = build_parser().parse_args(argv)
    try:
        check_store_url(args.db or database_url(), read_only=args.command in READ_COMMANDS)
        store = Store(args.db, read_only=args.command in READ_COMMANDS)
        return args.func(args, store)
    except StoreLockedError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 3
    except StoreError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, StoreMissingError) else 4
    except (sa.exc.SQLAlchemyError, duckdb.Error) as exc:
        # A damaged, read-only or full store: one sentence, never a traceback; a failed write rolled back.
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        written = "" if args.command in READ_COMMANDS else " Nichts übernommen."
        print(f"Fehler: die Datenbank {store_label(args.db)} ist nicht benutzbar ({first}).{written}", file=sys.stderr)
        return 4
    except BrokenPipeError:
        # The reader went away (`export | head`): not an error of ours. Point stdout at /dev/null so that the
        # interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (CatalogError, PeriodError, OSError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
