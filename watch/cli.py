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
        self.exit_code = exit_code


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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="vigie")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
