"""The ``vigie`` command line: a thin layer over the core.

Callbacks parse options, call a core service and print its result: data on stdout, messages
on stderr. ``spiders``, ``criteria`` and ``reports`` are imported inside the commands that need
them, so that ``vigie --help`` and ``vigie score`` never load Scrapy or matplotlib.

Exit codes (DESIGN.md): 0 success, 1 the work ran but something failed, 2 bad usage or bad input.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from watch import __version__
from watch.errors import VigieError

F = TypeVar("F", bound=Callable[..., Any])


class VigieClickError(click.ClickException):
    """A core error shown as one line on stderr, with the core's exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class


class VigieGroup(click.Group):
    """Root group: turns core errors into clean messages and exit codes, never tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VigieError as exc:
            raise VigieClickError(str(exc), exc.exit_code) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if type(exc).__module__.startswith("sqlalchemy"):
                detail = getattr(exc, "orig", None) or exc
                raise VigieClickError(f"database error: {detail}", 1) from None
            raise


@dataclass
class App:
    """What every command needs, opened on first use."""

    workspace_option: str | None
    _workspace: Any = None
    _store: Any = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def root(self) -> Path:
        from watch.workspace import resolve_root

        return resolve_root(self.workspace_option)

    @property
    def workspace(self) -> Any:
        if self._workspace is None:
            from watch.workspace import Workspace

            self._workspace = Workspace.load(self.root)
        return self._workspace

    @property
    def store(self) -> Any:
        if self._store is None:
            self._store = self.workspace.open_store()
            self.cleanups.append(self._store.dispose)
        return self._store

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            cleanup()


pass_app = click.make_pass_decorator(App)


def format_option(func: F) -> F:
    """The shared ``--format table|json|csv`` of every listing and ``show`` command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help="Output format: a table to read, JSON for scripts, CSV for spreadsheets.",
    )(func)


def emit(rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str] | None = None) -> None:
    from watch.output import render

    click.echo(render(rows, fmt, columns), nl=False)


def emit_record(record: Mapping[str, Any], fmt: str) -> None:
    from watch.output import render_record

    click.echo(render_record(record, fmt), nl=False)


def note(message: str) -> None:
    """A message for the person at the terminal, on stderr so pipes stay clean."""
    click.echo(message, err=True)


def key_values(values: Sequence[str], option: str) -> dict[str, str]:
    """Parse repeated ``KEY=VALUE`` options; a malformed one is a usage error naming it."""
    parsed = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint=option)
        parsed[key.strip()] = value.strip()
    return parsed


def with_app(func: F) -> F:
    @pass_app
    @functools.wraps(func)
    def wrapper(app: App, *args: Any, **kwargs: Any) -> Any:
        return func(app, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


@click.group(cls=VigieGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    "-w",
    envvar="VIGIE_WORKSPACE",
    type=click.Path(file_okay=False),
    help="Workspace folder (default: $VIGIE_WORKSPACE, else the current folder).",
)
@click.version_option(__version__, prog_name="vigie")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None) -> None:
    """Vigie: watch emerging social networks and decide, with evidence, whether your
    collectivité should join them.

    \b
    Weekly:    vigie collect            (feeds, pageviews, app ranks, peers...)
    Quarterly: vigie report             (the "should we join?" report)
    Any time:  vigie score --audience youth=2   (re-score with your own weights)
    Decide:    vigie decide bluesky --verdict pilot --by "..." --rationale "..."
    """
    app = App(workspace_option=workspace)
    ctx.obj = app
    ctx.call_on_close(app.close)


# --------------------------------------------------------------------------- init


@cli.command()
@click.option("--no-defaults", is_flag=True, help="Do not register the default live sources.")
@click.option("--city", help="Name of the collectivité (default: the folder's name).")
@click.option("--population", type=click.IntRange(min=0), help="Number of inhabitants.")
@click.option("--department", help="Department code, e.g. 26.")
@click.option("--peer-group", help="Label of the group of comparable cities.")
@click.option("--profile", default="default", show_default=True, help="Scoring profile name.")
@with_app
def init(
    app: App,
    no_defaults: bool,
    city: str | None,
    population: int | None,
    department: str | None,
    peer_group: str | None,
    profile: str,
) -> None:
    """Create a workspace: vigie.toml, the database, the catalogue and the default sources.

    Example: vigie init --city "Romans-sur-Isère" --population 33000 --department 26
    """
    from watch.bootstrap import init_workspace
    from watch.config import CityConfig

    if profile != "default":
        from criteria.profiles import load_profile
        from watch.errors import InputError

        try:
            load_profile(None, profile)
        except InputError as exc:
            raise InputError(
                f"{exc}; to use a profile of your own, run init with the default profile, "
                f"write profiles/{profile}.toml in the workspace, then set [profile] name"
            ) from None
    root = app.root
    name = city or root.name.replace("-", " ").replace("_", " ").strip().title() or "Ma ville"
    city_config = CityConfig(
        name=name, population=population, department=department, peer_group=peer_group
    )
    workspace, summary = init_workspace(
        root, city_config, defaults=not no_defaults, profile=profile
    )
    note(
        f"Workspace created in {workspace.root} for {name}: "
        f"{summary['sources_added']} default sources registered."
    )
    note("Next: vigie platforms list, vigie collect, vigie score")


# --------------------------------------------------------------------------- platforms


@cli.group()
def platforms() -> None:
    """The networks Vigie watches and the city's status on each."""


PLATFORM_COLUMNS = ("slug", "name", "status", "category", "protocol", "launched", "owner")


@platforms.command("list")
@click.option(
    "--status", type=click.Choice(["watching", "joined", "left", "declined"]), help="Filter."
)
@format_option
@with_app
def platforms_list(app: App, status: str | None, fmt: str) -> None:
    """List the platforms. Example: vigie platforms list --status joined --format json"""
    from watch.platforms import list_platforms

    emit(list_platforms(app.store, status), fmt, PLATFORM_COLUMNS)


@platforms.command("show")
@click.argument("slug")
@format_option
@with_app
def platforms_show(app: App, slug: str, fmt: str) -> None:
    """Show one platform with its cited facts. Example: vigie platforms show bluesky"""
    from watch.platforms import show_platform

    emit_record(show_platform(app.store, slug), fmt)


@platforms.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="Display name.")
@click.option("--alias", "aliases", multiple=True, help="Name used in the news (repeatable).")
@click.option("--category", help="social, microblog, video, image, messaging, ...")
@click.option(
    "--protocol",
    type=click.Choice(["proprietary", "activitypub", "atproto"]),
    default="proprietary",
    show_default=True,
)
@click.option("--launched", type=click.IntRange(1990, 2100), help="Launch year.")
@click.option("--owner", help="Company or organisation behind it.")
@click.option("--hq-country", help="Headquarters country (ISO code).")
@click.option("--domain", "domains", multiple=True, help="Host of account links (repeatable).")
@click.option("--wikipedia-fr", help="Title of the French Wikipedia article.")
@click.option("--wikipedia-en", help="Title of the English Wikipedia article.")
@click.option("--app-store-id", "app_store_ids", multiple=True, help="App Store id (repeatable).")
@format_option
@with_app
def platforms_add(
    app: App,
    slug: str,
    name: str,
    aliases: tuple[str, ...],
    category: str | None,
    protocol: str,
    launched: int | None,
    owner: str | None,
    hq_country: str | None,
    domains: tuple[str, ...],
    wikipedia_fr: str | None,
    wikipedia_en: str | None,
    app_store_ids: tuple[str, ...],
    fmt: str,
) -> None:
    """Add a platform to watch.

    Example: vigie platforms add noplace --name Noplace --alias Noplace --category social
    """
    from watch.platforms import add_platform

    wikipedia = {k: v for k, v in (("fr", wikipedia_fr), ("en", wikipedia_en)) if v}
    record = add_platform(
        app.store,
        slug,
        name,
        aliases=list(aliases) or None,
        category=category,
        protocol=protocol,
        launched=launched,
        owner=owner,
        hq_country=hq_country,
        domains=list(domains),
        wikipedia=wikipedia,
        app_store_ids=list(app_store_ids),
    )
    emit_record(record, fmt)


@platforms.command("set-status")
@click.argument("slug")
@click.argument("status", type=click.Choice(["watching", "joined", "left", "declined"]))
@with_app
def platforms_set_status(app: App, slug: str, status: str) -> None:
    """Record the city's status on a platform. Example: vigie platforms set-status x joined"""
    from watch.platforms import set_status

    record = set_status(app.store, slug, status)
    note(f"{record['name']}: {record['status']}")


# --------------------------------------------------------------------------- sources


@cli.group()
def sources() -> None:
    """Where evidence comes from: feeds, APIs, newsrooms, peer homepages."""


SOURCE_COLUMNS = (
    "id",
    "kind",
    "platform",
    "enabled",
    "last_status",
    "last_fetched_at",
    "last_error",
    "silent",
    "url",
)


@sources.command("list")
@click.option("--kind", help="Only sources of this kind.")
@format_option
@with_app
def sources_list(app: App, kind: str | None, fmt: str) -> None:
    """List sources with their fetch state. Example: vigie sources list --kind feed"""
    from watch.sources import list_sources

    emit(list_sources(app.store, kind), fmt, SOURCE_COLUMNS)


@sources.command("add")
@click.option("--kind", required=True, help="feed, newsroom, pageviews, app_rank, fediverse, ...")
@click.option("--url", required=True, help="http(s) URL (or URL template for pageviews).")
@click.option("--platform", help="Platform the source is about (its own blog, ...).")
@click.option("--id", "source_id", help="Identifier (default: derived from the URL).")
@click.option("--language", help="Language of the source (fr, en).")
@click.option("--title", help="Human-readable name.")
@click.option("--option", "options", multiple=True, help="KEY=VALUE option (repeatable).")
@format_option
@with_app
def sources_add(
    app: App,
    kind: str,
    url: str,
    platform: str | None,
    source_id: str | None,
    language: str | None,
    title: str | None,
    options: tuple[str, ...],
    fmt: str,
) -> None:
    """Register a source.

    Example: vigie sources add --kind feed --url https://www.numerama.com/feed/ --language fr
    """
    from watch.sources import add_source

    record = add_source(
        app.store,
        kind,
        url,
        source_id=source_id,
        platform=platform,
        language=language,
        title=title,
        options=key_values(options, "--option") or None,
    )
    emit_record(record, fmt)


@sources.command("disable")
@click.argument("source_id")
@with_app
def sources_disable(app: App, source_id: str) -> None:
    """Stop collecting a source (its history is kept). Example: vigie sources disable numerama"""
    from watch.sources import set_enabled

    set_enabled(app.store, source_id, False)
    note(f"source {source_id} disabled")


@sources.command("enable")
@click.argument("source_id")
@with_app
def sources_enable(app: App, source_id: str) -> None:
    """Collect a disabled source again. Example: vigie sources enable numerama"""
    from watch.sources import set_enabled

    set_enabled(app.store, source_id, True)
    note(f"source {source_id} enabled")


@sources.command("import-opml")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--platform", help="Bind every imported feed to this platform.")
@with_app
def sources_import_opml(app: App, path: Path, platform: str | None) -> None:
    """Import feed sources from an OPML file. Example: vigie sources import-opml feeds.opml"""
    from watch.sources import import_opml

    result = import_opml(app.store, path, platform=platform)
    note(f"{result['added']} feeds added, {result['skipped']} already registered")


@sources.command("export-opml")
@with_app
def sources_export_opml(app: App) -> None:
    """Write the feed sources as OPML on stdout. Example: vigie sources export-opml > feeds.opml"""
    from watch.sources import export_opml

    click.echo(export_opml(app.store), nl=False)


# ---------------- decisions (issue 7)

DECISION_COLUMNS = (
    "id",
    "seq",
    "platform",
    "verdict",
    "status",
    "decided_at",
    "decided_by",
    "review_on",
    "score_total",
    "supersedes",
)


def _decision_run(app: App, slug: str, rescore: bool, now: Any) -> tuple[int, dict[str, Any]]:
    """The saved score run a decision rests on: the latest one that scored ``slug``, else a
    fresh evaluation with the workspace profile, saved first so the snapshot can cite it."""
    from criteria.runs import latest_run, load_run, save_run

    run = None if rescore else latest_run(app.store)
    if run is not None and any(p.get("platform") == slug for p in run.get("platforms", [])):
        note(f"snapshot from score run {run['run_id']} of {run.get('created_at')}")
        return int(run["run_id"]), run
    from criteria.engine import evaluate
    from criteria.profiles import load_profile

    profile = load_profile(app.workspace, None)
    run_id = save_run(app.store, evaluate(app.store, profile, now=now), label=f"decide {slug}")
    note(f"scored the platforms first (score run {run_id})")
    return run_id, load_run(app.store, run_id)


@cli.command()
@click.argument("slug")
@click.option(
    "--verdict",
    required=True,
    metavar="VERDICT",
    help="join, pilot, watch, decline (or keep, reduce, leave).",
)
@click.option(
    "--by", "decided_by", required=True, metavar="NAME", help="Who decided (body or person)."
)
@click.option("--rationale", help="Why, in plain words (at most 10,000 characters).")
@click.option(
    "--rationale-file",
    type=click.File("r", encoding="utf-8"),
    help="Read the rationale from a file ('-' for stdin).",
)
@click.option("--consulted", metavar="NAMES", help="Who was consulted, comma-separated.")
@click.option("--review-on", metavar="DATE", help="Date to review the decision (YYYY-MM-DD).")
@click.option(
    "--status",
    default="accepted",
    show_default=True,
    metavar="STATUS",
    help="proposed, accepted or rejected.",
)
@click.option("--rescore", is_flag=True, help="Score now instead of using the latest saved run.")
@format_option
@with_app
def decide(
    app: App,
    slug: str,
    verdict: str,
    decided_by: str,
    rationale: str | None,
    rationale_file: Any,
    consulted: str | None,
    review_on: str | None,
    status: str,
    rescore: bool,
    fmt: str,
) -> None:
    """Record a decision about a platform, with a frozen snapshot of the scores behind it.

    \b
    Example: vigie decide bluesky --verdict pilot --by "Conseil municipal" \\
               --rationale "Reach students; trial for six months" --review-on 2027-06-30
    """
    from watch.clock import utcnow
    from watch.decisions import (
        append_decision,
        build_snapshot,
        check_platform,
        parse_review_date,
        validate_decision,
    )

    if (rationale is None) == (rationale_file is None):
        raise click.UsageError("give the rationale with --rationale or --rationale-file")
    try:
        text = rationale if rationale is not None else rationale_file.read()
    except UnicodeDecodeError:
        raise click.BadParameter("not UTF-8 text", param_hint="--rationale-file") from None
    now = utcnow()
    review = parse_review_date(review_on)
    options: dict[str, Any] = {"consulted": consulted, "review_on": review, "status": status}
    validate_decision(verdict, decided_by, text, **options, today=now.date())
    check_platform(app.store, slug, verdict)
    run_id, run = _decision_run(app, slug, rescore, now)
    snapshot = build_snapshot(run, run_id, slug)
    record = append_decision(
        app.store, slug, verdict, decided_by, text, **options,
        score_run_id=run_id, snapshot=snapshot, now=now,
    )  # fmt: skip
    record.pop("snapshot")
    emit_record(record, fmt)
    note(f"decision {record['id']} appended (seq {record['seq']}); head hash {record['hash']}")


@cli.group()
def decisions() -> None:
    """The decision archive: list, show, export for the council, verify for audit."""


@decisions.command("list")
@click.option("--platform", help="Only the decisions about this platform.")
@click.option("--due", is_flag=True, help="Only current decisions whose review date has come.")
@format_option
@with_app
def decisions_list(app: App, platform: str | None, due: bool, fmt: str) -> None:
    """List decisions, oldest first. Example: vigie decisions list --due --format json"""
    from watch.clock import utcnow
    from watch.decisions import list_decisions

    rows = list_decisions(app.store, platform, due_on=utcnow().date() if due else None)
    emit(rows, fmt, DECISION_COLUMNS)


@decisions.command("show")
@click.argument("decision_id", type=int)
@format_option
@with_app
def decisions_show(app: App, decision_id: int, fmt: str) -> None:
    """Show one decision with its frozen snapshot. Example: vigie decisions show 3"""
    from watch.clock import utcnow
    from watch.decisions import get_decision
    from watch.output import to_json

    record = get_decision(app.store, decision_id, today=utcnow().date())
    if fmt != "table":
        emit_record(record, fmt)
        return
    snapshot = record.pop("snapshot")
    emit_record(record, fmt)
    click.echo("snapshot:\n" + to_json(snapshot))


@decisions.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv", "json"]),
    default="md",
    show_default=True,
    help="Markdown for the council (MADR-like), CSV for spreadsheets, JSON for audit.",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the Markdown.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@with_app
def decisions_export(app: App, fmt: str, lang: str | None, out: Path | None) -> None:
    """Export the whole archive. Example: vigie decisions export --format md --out decisions.md"""
    from watch.decisions import export_archive

    config = app.workspace.config
    text = export_archive(app.store, fmt, city=config.city.name, lang=lang or config.report.lang)
    if out is None:
        click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    note(f"decision archive written to {out}")


@decisions.command("verify")
@click.option(
    "--head",
    metavar="HASH",
    help="A head hash printed earlier (in a report): detects truncation.",
)
@click.option(
    "--file",
    "export_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check a JSON export instead of the database.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@with_app
def decisions_verify(app: App, head: str | None, export_file: Path | None, fmt: str) -> None:
    """Recompute the hash chain; exit 1 naming the first altered record.

    Example: vigie decisions verify --head 3f2a...e9 (the head hash printed in a report)
    """
    from watch.decisions import ArchiveAltered, verify_chain, verify_export
    from watch.output import to_json

    if export_file is not None:
        try:
            text = export_file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise click.BadParameter("not UTF-8 text", param_hint="--file") from None
        result = verify_export(text, head)
    else:
        result = verify_chain(app.store, head)
    if fmt == "json":
        click.echo(to_json(result.to_dict()))
    elif result.ok:
        click.echo(result.message)
    if not result.ok:
        raise ArchiveAltered(result.message)


# ---------------- scaleout (issue 9)


def _shared_crawl(app: App, redis_url: str | None) -> tuple[dict[str, Any] | None, Any]:
    """For `vigie collect --redis`: the settings that seed the shared queue, and a step that
    fills in, after the crawl, the sources that workers fetched. Without Redis: nothing."""
    if not redis_url:
        return None, lambda summary: None
    from spiders.distributed import fetch_marks, queue_name, seeding_settings, settle_from_store

    settings = seeding_settings(redis_url, queue=queue_name())
    marks = fetch_marks(app.store)
    return settings, lambda summary: settle_from_store(summary, app.store, before=marks)


@cli.command()
@click.option(
    "--redis",
    "redis_url",
    required=True,
    metavar="URL",
    help="The Redis shared by the crawl, e.g. redis://10.0.0.5:6379/0.",
)
@click.option(
    "--idle",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Exit once the shared queue has stayed empty, with nobody busy, this many seconds.",
)
@click.option(
    "--queue",
    envvar="VIGIE_REDIS_QUEUE",
    metavar="NAME",
    help="Prefix of the crawl's Redis keys, the same on every process (default: vigie).",
)
@click.option("--only", "kinds", multiple=True, metavar="KIND", help="Work only this kind.")
@with_app
def worker(
    app: App, redis_url: str, idle: float, queue: str | None, kinds: tuple[str, ...]
) -> None:
    """An extra crawl worker sharing the Redis scheduler of `vigie collect --redis`.

    Run it on any machine that reaches Redis and the workspace's database (PostgreSQL):
    it fetches what the shared queue holds, saves the results, and exits by itself once the
    queue has stayed empty for --idle seconds.

    \b
    Example:
      export VIGIE_DATABASE_URL=postgresql+psycopg://vigie@db.example/vigie
      vigie worker --redis redis://10.0.0.5:6379/0 --idle 30
    """
    from spiders.distributed import queue_name, run_worker
    from watch.clock import utcnow
    from watch.errors import PartialFailure

    report = run_worker(
        app.store,
        app.workspace.config.collect,
        redis_url=redis_url,
        queue=queue_name(queue),
        idle=idle,
        now=utcnow(),
        kinds=kinds or None,
    )
    detail = ", ".join(f"{kind} {c['fetched']}" for kind, c in report.kinds.items() if c["fetched"])
    note(f"worker done: {report.fetched} pages fetched" + (f" ({detail})" if detail else ""))
    if report.failures:
        raise PartialFailure(
            f"{report.failures} answers failed (saved on their sources: vigie sources list)"
        )


# ---------------- spiders (issue 4)


@cli.group()
def peers() -> None:
    """Peer cities (name, population, homepage) and the networks their homepages link to."""


PEER_COLUMNS = ("name", "population", "platforms", "last_status", "last_error", "homepage")


@peers.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_app
def peers_import(app: App, path: Path) -> None:
    """Import peer cities from a CSV with columns name, population, homepage.

    Bad rows are reported with their line numbers and nothing is imported. Peers already
    known (same name and homepage) are updated. `vigie collect --only peers` then visits
    every homepage.

    Example: vigie peers import peers-drome.csv
    """
    from watch.peers import import_peers

    result = import_peers(app.store, path)
    note(f"{result['added']} peers added, {result['updated']} updated")


@peers.command("list")
@click.option("--platform", help="Only the peers linking to this platform.")
@format_option
@with_app
def peers_list(app: App, platform: str | None, fmt: str) -> None:
    """List peers with the accounts they link to.

    Example: vigie peers list --platform bluesky --format json
    """
    from watch.peers import list_peers

    rows = list_peers(app.store, platform)
    if fmt == "table":
        rows = [{**r, "platforms": sorted(r["platforms"])} for r in rows]
    emit(rows, fmt, None if fmt == "json" else PEER_COLUMNS)


@peers.command("discover")
@click.option("--department", required=True, help="Department code, e.g. 26, 971 or 2A.")
@click.option("--population", metavar="MIN-MAX", help="Inhabitants, e.g. 20000-50000 (or 20000-).")
@click.option("--communes-url", metavar="URL", help="Communes API template with {department}.")
@click.option("--annuaire-url", metavar="URL", help="Town-hall directory template with {insee}.")
@format_option
@with_app
def peers_discover(
    app: App,
    department: str,
    population: str | None,
    communes_url: str | None,
    annuaire_url: str | None,
    fmt: str,
) -> None:
    """Build the peer list from the State's directories: the communes of a department in a
    population range (geo.api.gouv.fr) and their town hall's website (API Annuaire de
    l'administration). Communes without a website are named on stderr.

    Example: vigie peers discover --department 26 --population 20000-50000
    """
    from watch.errors import PartialFailure
    from watch.peer_discovery import (
        check_department,
        default_endpoints,
        endpoints_with,
        parse_population_range,
        save_discovery,
    )

    code = check_department(department)
    bounds = parse_population_range(population)
    endpoints = endpoints_with(default_endpoints(), communes_url, annuaire_url)
    from spiders.peers import discover_peers  # Scrapy only once the options are known good

    city = app.workspace.config.city
    exclude = {value.casefold() for value in (city.insee, city.name) if value}
    found = discover_peers(app.workspace.config.collect, endpoints, code, bounds)
    result = save_discovery(app.store, found, exclude=exclude)
    emit(result["peers"], fmt, ("name", "population", "insee", "homepage"))
    note(
        f"{len(found.communes)} communes in {code}; {result['added']} peers added, "
        f"{result['updated']} updated"
    )
    if result["without_website"]:
        note("no website in the directory: " + ", ".join(result["without_website"]))
    for failure in result["failures"]:
        note(f"  ! {failure}")
    if result["failures"]:
        raise PartialFailure(f"{len(result['failures'])} lookup(s) failed; the rest was saved")


@cli.group()
def metrics() -> None:
    """Dated figures: Wikipedia pageviews, App Store ranks, user totals, followers."""


METRIC_COLUMNS = ("platform", "metric", "subject", "period", "value", "source_id")


@metrics.command("list")
@click.option("--platform", help="Only this platform.")
@click.option("--metric", help="Only this metric (a trailing '.' or '*' matches a prefix).")
@click.option("--subject", help="Only this subject (an account handle or an instance host).")
@format_option
@with_app
def metrics_list(
    app: App, platform: str | None, metric: str | None, subject: str | None, fmt: str
) -> None:
    """List stored metrics.

    Example: vigie metrics list --platform bluesky --metric pageviews.fr --format csv
    """
    from watch.metrics import list_metrics

    rows = list_metrics(app.store, platform=platform, metric=metric, subject=subject)
    emit(rows, fmt, None if fmt == "json" else METRIC_COLUMNS)


# ---------------- criteria (issue 5)


def _number_options(values: Sequence[str], option: str) -> dict[str, float]:
    """``NAME=NUMBER`` options; a value that is not a number is a usage error naming it."""
    parsed = {}
    for key, value in key_values(values, option).items():
        try:
            parsed[key] = float(value)
        except ValueError:
            raise click.BadParameter(
                f"{key}={value!r} is not a number", param_hint=option
            ) from None
    return parsed


@cli.command()
@click.option("--profile", "profile_name", help="Profile name (profiles/NAME.toml) or TOML file.")
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="CRITERION=W",
    help="Override a criterion weight, e.g. --weight momentum=2 (repeatable).",
)
@click.option(
    "--audience",
    "audiences",
    multiple=True,
    metavar="AUDIENCE=P",
    help="Override an audience priority, e.g. --audience youth=2 (repeatable).",
)
@click.option("--as-of", "as_of", help="Score with the evidence available at this date.")
@click.option("--save", is_flag=True, help="Store the evaluation as a score run.")
@click.option("--label", help="Label of the saved run (with --save).")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the explanations.")
@format_option
@with_app
def score(
    app: App,
    profile_name: str | None,
    weights: tuple[str, ...],
    audiences: tuple[str, ...],
    as_of: str | None,
    save: bool,
    label: str | None,
    lang: str | None,
    fmt: str,
) -> None:
    """Score every platform: totals, verdicts, confidence and stability.

    \b
    Examples:
      vigie score
      vigie score --audience youth=2 --weight trust_safety=3
      vigie score --profile profiles/seniors.toml --format json
      vigie score --save --label "comité du 12 mars"
    """
    from criteria.engine import evaluate
    from criteria.output import TABLE_COLUMNS, problem_lines, score_rows, summary_lines
    from criteria.profiles import load_profile
    from watch.clock import parse_instant, utcnow
    from watch.errors import InputError

    weight_overrides = _number_options(weights, "--weight")
    audience_overrides = _number_options(audiences, "--audience")
    try:
        moment = parse_instant(as_of) if as_of else None
    except ValueError:
        raise InputError(f"--as-of: {as_of!r} is not a date (expected YYYY-MM-DD)") from None
    workspace = app.workspace
    profile = load_profile(
        workspace, profile_name, weights=weight_overrides, audiences=audience_overrides
    )
    language = lang or workspace.config.report.lang
    evaluation = evaluate(app.store, profile, now=utcnow(), as_of=moment, lang=language)
    data = evaluation.to_dict()
    if save:
        from criteria.runs import save_run

        data["run_id"] = save_run(app.store, evaluation, label=label)
        note(f"saved as score run {data['run_id']}")
    if fmt == "json":
        emit_record(data, fmt)
    else:
        emit(score_rows(data), fmt, None if fmt == "csv" else TABLE_COLUMNS)
    for line in (summary_lines(data) if fmt == "table" else []) + problem_lines(data):
        note(line)
    if data["errors"]:
        from watch.errors import PartialFailure

        raise PartialFailure(f"{len(data['errors'])} criterion evaluation(s) failed (see above)")


# ---------------- reports (issue 6)


@cli.command()
@click.option("--quarter", help="Quarter to report on, e.g. 2026-Q4 (default: the current one).")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language (default: [report] lang).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md"]),
    default="html",
    show_default=True,
    help="index.html with inline charts, or report.md with PNG charts beside it.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output folder (default: the workspace's reports/QUARTER/).",
)
@with_app
def report(app: App, quarter: str | None, lang: str | None, fmt: str, out: Path | None) -> None:
    """Write the quarterly "should we join?" report and save the score run it shows.

    \b
    Examples:
      vigie report
      vigie report --quarter 2026-Q3 --lang en
      vigie report --format md --out /tmp/conseil
    """
    from reports.build import build_report
    from watch.clock import utcnow

    result = build_report(
        app.workspace, app.store, now=utcnow(), quarter=quarter, lang=lang, fmt=fmt, out=out
    )
    note(
        f"report {result.quarter}: {result.platforms} platforms, score run {result.run_id}"
        + (f", {result.failed_sources} sources in error" if result.failed_sources else "")
    )
    click.echo(str(result.path))
    if result.errors:
        from watch.errors import PartialFailure

        raise PartialFailure(
            f"{len(result.errors)} criteria failed (scored as missing, listed in the report's "
            f"method): {result.errors[0]}"
        )


# ---------------- demo (issue 8)


class _Progress:
    """Step lines on stderr (``[2/6] ...  3.1 s``) and a live count of collected sources."""

    def __init__(self, total: int) -> None:
        import time

        self._clock = time.monotonic
        self.total = total
        self.step = 0
        self.started = self._clock()
        self.step_started = self.started
        self.tty = sys.stderr.isatty()
        self.done = 0
        self.expected = 0

    def begin(self, message: str) -> None:
        self.step += 1
        self.step_started = self._clock()
        note(f"[{self.step}/{self.total}] {message}")

    def end(self, message: str) -> None:
        if self.tty and self.expected:
            click.echo("", err=True)
        note(f"      {message} ({self._clock() - self.step_started:.1f} s)")

    def source_done(self, report: Any) -> None:
        """Collect progress: one updating line on a terminal, a line every 10 sources else."""
        self.done += 1
        line = f"      collected {self.done}/{self.expected} sources"
        if report.status == "failed":
            prefix = "\r" if self.tty else ""  # over the live count, which is redrawn below
            note(f"{prefix}      ! {report.source_id}: {report.message}")
        if self.tty:
            click.echo("\r" + line, err=True, nl=False)
        elif self.done % 10 == 0 or self.done == self.expected:
            note(line)

    def elapsed(self) -> float:
        return self._clock() - self.started


def _collect_with_progress(store: Any, workspace: Any, now: Any, progress: _Progress) -> Any:
    """Run the real collection (one crawler process start) and describe it on stderr."""
    from spiders.runner import run_collect
    from watch.fetchstate import select_sources

    progress.expected = len(select_sources(store, now))
    summary = run_collect(store, workspace.config.collect, now=now, progress=progress.source_done)
    totals = ", ".join(f"{v} {k}" for k, v in sorted(summary.totals.items())) or "nothing new"
    progress.end(f"{len(summary.sources)} sources, {len(summary.failed)} failed: {totals}")
    progress.expected = 0
    return summary


def _score_past_quarters(workspace: Any, store: Any, now: Any, quarters: list[str]) -> list[str]:
    """Score each closed quarter as of its end, saved as that quarter's report run."""
    from reports.build import evaluate_quarter, save_report_run
    from reports.quarters import Quarter, as_of

    lines = []
    lang = workspace.config.report.lang
    for label in quarters:
        quarter = Quarter.parse(label)
        evaluation = evaluate_quarter(
            workspace, store, now=now, moment=as_of(quarter, now), lang=lang
        )
        run_id = save_report_run(store, evaluation, quarter)
        top = evaluation.to_dict()["platforms"][:1]
        best = f", first: {top[0]['platform']} {top[0]['total']}" if top else ""
        lines.append(f"{label} (run {run_id}{best})")
    return lines


def _record_example_decision(store: Any, manifest: Any, run_id: int, now: Any) -> dict[str, Any]:
    """Append the demo's example decision, frozen on the current report's score run."""
    from criteria.runs import load_run
    from watch.decisions import append_decision, build_snapshot
    from watch.demo import example_decision

    decision = example_decision(manifest, now)
    slug = decision.pop("slug")
    snapshot = build_snapshot(load_run(store, run_id), run_id, slug)
    return append_decision(
        store, slug, decision.pop("verdict"), decision.pop("decided_by"),
        decision.pop("rationale"), **decision, score_run_id=run_id, snapshot=snapshot, now=now,
    )  # fmt: skip


@cli.command()
@click.option(
    "--dir",
    "target",
    default="vigie-demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="New or empty folder for the demo workspace.",
)
@pass_app
def demo(app: App, target: Path) -> None:
    """The whole cycle, offline, on the embedded illustrative sample; prints the report path.

    \b
    Serves the sample on 127.0.0.1, collects it with the real crawler, scores the last four
    quarter-ends and today, writes this quarter's report and records an example decision.
    The folder must be new or empty (a second run into the same folder is refused).
    Example: vigie demo --dir /tmp/vigie-demo && vigie -w /tmp/vigie-demo score --audience youth=2
    """
    import os

    from watch.clock import utcnow
    from watch.cycle import past_quarters
    from watch.demo import (
        check_environment,
        check_target,
        create_demo_workspace,
        register_sample,
    )
    from watch.errors import PartialFailure
    from watch.sample_server import serving_sample

    root = target.expanduser().resolve()
    check_environment(os.environ)
    check_target(root)
    now = utcnow()
    progress = _Progress(total=6)
    progress.begin(f"Creating the demo workspace in {root}")
    with serving_sample(now) as server:
        workspace = create_demo_workspace(root, server.manifest)
        store = workspace.open_store()
        app.cleanups.append(store.dispose)
        setup = register_sample(store, workspace, server)
        progress.end(
            f"{workspace.config.city.name}: {setup.sources} sample sources and {setup.peers} "
            f"peer cities on {server.base_url}, already on {', '.join(setup.joined)}"
        )
        progress.begin("Collecting the sample over HTTP (Scrapy, feedparser)")
        summary = _collect_with_progress(store, workspace, now, progress)
    quarters = past_quarters(now, 4)
    progress.begin(f"Scoring the four past quarter-ends ({quarters[0]} to {quarters[-1]})")
    scored = _score_past_quarters(workspace, store, now, quarters)
    progress.end("; ".join(scored))
    progress.begin("Writing this quarter's report")
    from reports.build import build_report

    report = build_report(workspace, store, now=now)
    progress.end(f"{report.quarter}: {report.platforms} platforms, score run {report.run_id}")
    progress.begin("Recording an example decision")
    record = _record_example_decision(store, server.manifest, report.run_id, now)
    progress.end(
        f"{record['platform']}: {record['verdict']}, review on {record['review_on']} "
        f"(decision {record['id']}, hash {record['hash'][:12]})"
    )
    progress.begin(f"Done in {progress.elapsed():.1f} s. Next steps:")
    note(f"      vigie -w {root} score --audience youth=2")
    note(f"      vigie -w {root} decisions list")
    note(f"      open {report.path}")
    click.echo(str(report.path))
    if summary.failed:
        raise PartialFailure(
            f"{len(summary.failed)} sample sources failed: {', '.join(summary.failed)}"
        )


@cli.command("run")
@with_app
def run_cycle(app: App) -> None:
    """The whole cycle on the workspace's sources, for cron: collect, score, report.

    \b
    Collects every due source, scores with the workspace profile and saves the run; when a
    quarter has closed since the last report, writes that quarter's report and prints its
    path. A lock file (vigie.lock) keeps two runs from overlapping; a stale one is taken over.
    Exit 1 when a source failed (the rest was collected and scored).
    Cron: 17 6 * * * cd /srv/vigie/ma-ville && vigie run >> vigie-run.log 2>&1
    """
    from watch.clock import isoformat, utcnow
    from watch.cycle import current_quarter, report_due, run_lock
    from watch.errors import PartialFailure

    now = utcnow()
    workspace = app.workspace
    with run_lock(workspace.root, now) as lock:
        if lock.taken_over is not None:
            started = isoformat(lock.taken_over.started_at) or "an unknown time"
            note(f"took over a stale lock (pid {lock.taken_over.pid}, since {started})")
        store = app.store
        progress = _Progress(total=3)
        progress.begin("Collecting the due sources")
        summary = _collect_with_progress(store, workspace, now, progress)
        progress.begin("Scoring with the workspace profile")
        from criteria.engine import evaluate
        from criteria.profiles import load_profile
        from criteria.runs import save_run

        evaluation = evaluate(store, load_profile(workspace, None), now=now)
        run_id = save_run(store, evaluation, label="run", quarter=current_quarter(now))
        progress.end(f"score run {run_id}")
        from reports.adapters import REPORT_LABEL

        due = report_due(store, now, REPORT_LABEL)
        progress.begin(f"Quarterly report: {due or 'none due'}")
        if due is not None:
            from reports.build import build_report

            report = build_report(workspace, store, now=now, quarter=due)
            progress.end(f"{report.path}")
            click.echo(str(report.path))
    for source_id in summary.failed:
        note(f"source {source_id} failed: {summary.sources[source_id].message}")
    if summary.failed:
        raise PartialFailure(
            f"{len(summary.failed)} of {len(summary.sources)} sources failed; "
            "the rest was collected and scored"
        )


# ---------------- feeds (issue 3)


def _source_line(report: Any) -> None:
    """Progress of a collect on stderr: one line per source that failed or brought news."""
    if report.status == "failed":
        note(f"  ! {report.source_id}: {report.message}")
    elif report.message:
        note(f"  ~ {report.source_id}: {report.message}")
    elif report.counts.get("entries"):
        note(f"  + {report.source_id}: {report.counts['entries']} new entries")


@cli.command()
@click.option(
    "--only",
    metavar="feeds|spiders|KIND",
    help="Only feeds, only the other spiders, or one source kind (pageviews, peers, ...).",
)
@click.option("--source", "source_id", metavar="ID", help="Only this source, even if not due.")
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Share this crawl with `vigie worker` processes through Redis (scale-out).",
)
@with_app
def collect(app: App, only: str | None, source_id: str | None, redis_url: str | None) -> None:
    """Fetch every due source and save what it says (signals, metrics, peers).

    Exit 1 when a source failed: each failure is said on stderr and saved on the source
    (`vigie sources list`); everything else was collected.

    \b
    Examples:
      vigie collect
      vigie collect --only feeds
      vigie collect --source blog-mastodon
    """
    from spiders.runner import run_collect
    from watch.clock import utcnow
    from watch.errors import PartialFailure

    shared_settings, settle = _shared_crawl(app, redis_url)
    summary = run_collect(
        app.store,
        app.workspace.config.collect,
        now=utcnow(),
        only=only,
        source_id=source_id,
        progress=_source_line,
        extra_settings=shared_settings,
    )
    settle(summary)
    note(summary.describe())
    if summary.failed:
        raise PartialFailure(
            f"{len(summary.failed)} source(s) failed: {', '.join(summary.failed)} "
            "(saved on each source: vigie sources list)"
        )


@cli.group()
def signals() -> None:
    """Dated evidence from the news: launches, features, milestones, fines, outages..."""


SIGNAL_COLUMNS = ("published_at", "platform", "kind", "value", "unit", "title", "source_id")
# DESIGN.md's signal kinds (watch.models.SIGNAL_KINDS, not imported: --help stays light).
SIGNAL_KIND_CHOICES = (
    "launch", "feature", "milestone", "adoption", "regulation", "risk", "business", "shutdown",
    "other",
)  # fmt: skip


@signals.command("list")
@click.option("--platform", help="Only this platform (slug).")
@click.option(
    "--kind",
    type=click.Choice(SIGNAL_KIND_CHOICES),
    help="Only this kind of news.",
)
@click.option("--since", metavar="DATE", help="Only signals published on or after DATE.")
@format_option
@with_app
def signals_list(
    app: App, platform: str | None, kind: str | None, since: str | None, fmt: str
) -> None:
    """List signals, newest first.

    Example: vigie signals list --platform bluesky --kind milestone --since 2026-01-01
    """
    from watch.signals import list_signals

    rows = list_signals(app.store, platform=platform, kind=kind, since=since)
    emit(rows, fmt, None if fmt == "json" else SIGNAL_COLUMNS)


# ---------------- candidates (issue 10)


@cli.group()
def candidates() -> None:
    """Networks named in the news that are not in the catalogue yet (the emergence watch)."""


CANDIDATE_COLUMNS = ("name", "score", "mentions", "sources", "trend", "first_seen", "last_seen",
                     "kinds", "examples")  # fmt: skip


def _candidate_table_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A listing row for people: the trend as one word, kinds and the newest title in short."""
    trend = row.get("trend") or {}
    examples = row.get("examples") or []
    return {
        **row,
        "trend": f"{trend.get('direction', '')} ({trend.get('recent', 0)}/{trend.get('previous', 0)})",
        "kinds": ", ".join(f"{kind} {n}" for kind, n in (row.get("kinds") or {}).items()),
        "examples": examples[0]["title"] if examples else "",
        "first_seen": (row.get("first_seen") or "")[:10],
        "last_seen": (row.get("last_seen") or "")[:10],
    }


@candidates.command("list")
@click.option("--limit", type=click.IntRange(min=1), help="Only the N best candidates.")
@click.option("--all", "show_all", is_flag=True, help="Also the dismissed and promoted ones.")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=365,
    show_default=True,
    help="Read the news of the last N days.",
)
@format_option
@with_app
def candidates_list(app: App, limit: int | None, show_all: bool, days: int, fmt: str) -> None:
    """List candidate networks, best emergence score first.

    The score (0-100) rises with the number of distinct sources naming it and with growth (the
    last 30 days against the 60 before). Example: vigie candidates list --format json
    """
    from watch.clock import utcnow
    from watch.emergence import list_candidates

    rows = list_candidates(app.store, utcnow(), limit=limit, include_decided=show_all, days=days)
    if fmt == "json":
        emit(rows, fmt)
        return
    columns = (*CANDIDATE_COLUMNS, "status") if show_all else CANDIDATE_COLUMNS
    emit([_candidate_table_row(row) for row in rows], fmt, columns)


@candidates.command("promote")
@click.argument("name")
@click.option("--slug", help="Catalogue slug (default: derived from the name).")
@click.option("--by", "by", help="Who decided (kept with the candidate).")
@click.option("--reason", help="Why (kept with the candidate).")
@format_option
@with_app
def candidates_promote(
    app: App, name: str, slug: str | None, by: str | None, reason: str | None, fmt: str
) -> None:
    """Add a candidate to the catalogue; its past mentions become its signals.

    Example: vigie candidates promote Noplace --slug noplace
    """
    from watch.clock import utcnow
    from watch.emergence_decisions import promote_candidate

    record = promote_candidate(app.store, name, utcnow(), slug=slug, by=by, reason=reason)
    note(
        f"{record['name']} added to the catalogue as {record['slug']}: {record['signals']} signals"
    )
    emit_record(record, fmt)


@candidates.command("dismiss")
@click.argument("name")
@click.option("--by", "by", required=True, help="Who decided.")
@click.option("--reason", required=True, help="Why it is not worth watching.")
@with_app
def candidates_dismiss(app: App, name: str, by: str, reason: str) -> None:
    """Hide a candidate for good, recording who decided and why.

    Example: vigie candidates dismiss "Friend.tech" --by "C. Martin" --reason "crypto, shut down"
    """
    from watch.clock import utcnow
    from watch.emergence_decisions import dismiss_candidate

    record = dismiss_candidate(app.store, name, utcnow(), by=by, reason=reason)
    note(f"{record['name']} dismissed by {record['decided_by']}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="vigie")


if __name__ == "__main__":  # pragma: no cover
    main()
