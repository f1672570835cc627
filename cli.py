"""The newsnorm command line: options in, one library call, exit codes out.

Exit codes: 0 success; 1 an error the user can act on; 2 a usage error; 3 the
run finished but some inputs were rejected (each named on stderr).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from feeds.intake.sources import expand_inputs, own_files
from feeds.jobs import (
    IngestSummary,
    clean_inputs,
    emit_changes,
    emit_feed,
    feed_is_current,
    ingest_inputs,
    remember_feed,
)
from feeds.publish.atom import Tally
from feeds.publish.output import atomic_output
from feeds.publish.reports import (
    article_document,
    cluster_table,
    dups_document,
    emit_document,
    feeds_document,
    feeds_table,
    ingest_document,
    search_document,
    search_table,
    story_clusters,
)
from feeds.readers.sniff import FORMATS, Format
from normalizer import __version__
from normalizer.errors import InterruptedRunError, NewsnormError
from normalizer.html import paragraphs_to_html
from normalizer.model import PassedOver, Rejected, Skipped
from normalizer.settings import Settings, load_settings, resolve_settings, settings_of
from normalizer.store import Store, open_store
from normalizer.store.search import query_phrases

EXIT_REJECTED = 3
# Between the articles of a many-article input in clean's text output.
_ARTICLE_BREAK = "* * *"
_SKIPPED_SHOWN = 10
F = TypeVar("F", bound=Callable[..., Any])


class RejectedInputs(click.ClickException):
    """Some inputs were rejected; each was already named on stderr."""

    exit_code = EXIT_REJECTED

    def show(self, file: Any = None) -> None:
        click.echo(f"newsnorm: {self.message}", file=file, err=file is None)


def _settings_options(command_name: str) -> Callable[[F], F]:
    """Add the flags of the settings the command takes (all from their declaration)."""

    def decorate(command: F) -> F:
        for setting in reversed(settings_of(command_name)):
            help_text = f"{setting.help} [default: {_shown(setting.default)}; env: {setting.env_var}]"
            if setting.kind is bool:
                # A switch: given, it is on; not given, the environment or the file decide.
                command = click.option(
                    setting.flag, setting.name, is_flag=True, flag_value=True, default=None, help=help_text
                )(command)
                continue
            command = click.option(
                setting.flag,
                setting.name,
                type=str if setting.kind is tuple else setting.kind,
                default=None,
                help=help_text,
            )(command)
        return click.option(
            "--config",
            type=click.Path(dir_okay=False),
            default=None,
            help="TOML settings file (default: ./newsnorm.toml if present).",
        )(command)

    return decorate


def _shown(default: object) -> str:
    """A default as the user would type it (a list comma-separated)."""
    return ",".join(map(str, default)) if isinstance(default, tuple) else str(default)


def _user_config() -> Path:
    """The user's own settings file, beneath the project's (``~/.config/newsnorm/newsnorm.toml``
    on Linux, as click finds the platform's place)."""
    return Path(click.get_app_dir("newsnorm")) / "newsnorm.toml"


def _settings(options: dict[str, Any]) -> Settings:
    config = options.pop("config", None)
    flags = {name: options.pop(name) for name in list(options) if name in Settings.__dataclass_fields__}
    return load_settings(flags, config_path=config, user_config=_user_config())


def _now() -> datetime:
    """The run's clock: SOURCE_DATE_EPOCH when set (reproducible runs), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except ValueError:
            raise click.UsageError(f"SOURCE_DATE_EPOCH must be whole seconds, got {epoch!r}") from None
    return datetime.now(tz=UTC).replace(microsecond=0)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the library's errors into a one-line message and exit code 1; Ctrl-C
    into what was stored so far, and exit code 130."""
    try:
        yield
    except InterruptedRunError as stopped:
        if isinstance(stopped.summary, IngestSummary):
            _report(stopped.summary, "(interrupted)")
        message = (
            "newsnorm: interrupted: what is listed above was stored (the input then being stored was not)"
        )
        click.echo(message, err=True)
        raise SystemExit(130) from None
    except KeyboardInterrupt:
        click.echo("newsnorm: interrupted", err=True)
        raise SystemExit(130) from None
    except NewsnormError as error:
        raise click.ClickException(str(error)) from None


def _ingest(
    inputs: tuple[str, ...],
    store: Store,
    settings: Settings,
    format_in: str | None,
    output: str | None = None,
) -> IngestSummary:
    found = expand_inputs(inputs, own_files(store.name, output))
    if not sys.stderr.isatty() or _quiet():
        return ingest_inputs(found, store, settings, _now(), format_in=_format(format_in))
    status = _Status(len(found.names))
    try:
        return ingest_inputs(found, store, settings, _now(), format_in=_format(format_in), on_progress=status)
    finally:
        status.close()


class _Status:
    """One line on a terminal that moves with the work: the phase and the input, inputs
    done of those known, entries stored and their rate; redrawn at most ten times a
    second, and cleared at the end."""

    def __init__(self, inputs: int) -> None:
        self.inputs = inputs
        self.done = 0
        self.entries = 0
        self.started = time.monotonic()
        self._drawn = 0.0

    def __call__(self, phase: str, name: str) -> None:
        if phase == "entry":
            self.entries += 1
        elif phase == "done":
            self.done += 1
            self.inputs = max(self.inputs, self.done)  # OPML lists add inputs as they go
        now = time.monotonic()
        if phase != "entry" or now - self._drawn >= 0.1:
            self._drawn = now
            rate = self.entries / max(now - self.started, 1e-6)
            width = shutil.get_terminal_size().columns
            words = {"fetch": "fetching", "read": "reading", "store": "storing"}
            doing = f"{words.get(phase, 'storing')} {name}" if phase != "done" else ""
            line = f"{self.done}/{self.inputs} inputs, {self.entries:,} entries ({rate:,.0f}/s) {doing}"
            click.echo(f"\r\x1b[K{line[: width - 1]}", nl=False, err=True)

    def close(self) -> None:
        click.echo("\r\x1b[K", nl=False, err=True)


def _format(format_in: str | None) -> Format | None:
    return format_in  # type: ignore[return-value]


def _report(summary: IngestSummary, store_path: str) -> None:
    if _quiet():
        _report_rejected(summary.rejected)  # errors, which -q still shows
        return
    if summary.not_modified:
        click.echo(f"{summary.not_modified} fetched feed(s) not modified since the last fetch", err=True)
    if summary.not_due:
        click.echo(f"{summary.not_due} feed(s) not due (see newsnorm feeds; --force fetches them)", err=True)
    counts = summary.counts
    click.echo(
        f"read {summary.documents} inputs, {counts.read} entries: {counts.new} new "
        f"({counts.duplicates} near-duplicates of stored stories), {counts.updated} updated, "
        f"{counts.unchanged} unchanged",
        err=True,
    )
    _report_rejected(summary.rejected)
    _report_skipped(summary.skipped)
    _report_passed_over(summary.passed_over)
    click.echo(f"store {store_path}: {summary.stored} articles", err=True)


def _report_rejected(rejected: tuple[Rejected, ...] | list[Rejected]) -> None:
    if rejected:
        click.echo(f"rejected {len(rejected)}:", err=True)
        for item in rejected:
            click.echo(f"  {item}", err=True)


def _report_first(heading: str, items: Sequence[object]) -> None:
    """A heading with the count, then the first few items named."""
    if items:
        click.echo(f"{heading.format(len(items))}:", err=True)
        for item in items[:_SKIPPED_SHOWN]:
            click.echo(f"  {item}", err=True)
        if len(items) > _SKIPPED_SHOWN:
            click.echo(f"  ... and {len(items) - _SKIPPED_SHOWN} more", err=True)


def _report_skipped(skipped: Sequence[Skipped]) -> None:
    """Feed entries left out (the rest of their feed was stored)."""
    _report_first("skipped {} feed entries", skipped)


def _report_passed_over(passed_over: Sequence[PassedOver]) -> None:
    """Inputs not read as sources (the run's own files, empty feeds)."""
    _report_first("passed over {} input(s)", passed_over)


def _finish(rejected: tuple[Rejected, ...] | list[Rejected], named: bool = False) -> None:
    """Exit 3 if anything was rejected (``named``: name the rejections first, which
    nothing printed yet)."""
    if named:
        _report_rejected(rejected)
    if rejected:
        raise RejectedInputs(f"{len(rejected)} input(s) rejected")


_FORMAT_IN = click.option(
    "--format-in",
    type=click.Choice(FORMATS),
    default=None,
    help="Read every INPUT as this format instead of sniffing it from the bytes.",
)
_INPUTS = click.argument("inputs", nargs=-1, type=str)
_CHANGED = click.option(
    "--changed",
    is_flag=True,
    help="Only the entries new or changed (new version, story cluster changed) since the last "
    "--changed emit to the same output; feed/updated moves only when something did.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsnorm")
def main() -> None:
    """Normalise news-agency feeds: read, clean, flag near-duplicate stories, emit Atom."""


def _summary_needs_a_file(summary_format: str, output: str) -> None:
    """A JSON summary takes stdout: the feed must go to a file."""
    if summary_format == "json" and output == "-":
        raise click.UsageError("--format json prints the summary on stdout: give -o a file")


def _echo_json(document: object) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


_SUMMARY = click.option(
    "--format",
    "summary_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="The summary: lines on stderr, or one JSON object on stdout (counts, rejected inputs "
    "with reasons, store, output, seconds).",
)


@main.command()
@_INPUTS
@click.option("-o", "--output", required=True, help="Atom file to write (- for stdout).")
@click.option("--collapse", is_flag=True, help="One entry per story cluster (its canonical copy).")
@_CHANGED
@_FORMAT_IN
@_SUMMARY
@_settings_options("run")
def run(
    inputs: tuple[str, ...], output: str, collapse: bool, changed: bool, format_in: str | None, **options: Any
) -> None:
    """Read INPUTs, clean them, flag near-duplicates, store, and write one Atom feed.

    INPUTs are files, folders (walked recursively), - for standard input, http(s) URLs
    and OPML lists of feeds.

    \b
    Examples:
      newsnorm run feeds/ -o news.atom                    a folder into the default store
      newsnorm run https://example.com/rss -o news.atom   fetched, conditionally next time
      newsnorm run desk.opml -o news.atom --collapse      every listed feed, one entry a story
    """
    summary_format = options.pop("summary_format")
    if not inputs:
        raise click.UsageError("give at least one INPUT (file, folder or -)")
    _summary_needs_a_file(summary_format, output)
    started = time.perf_counter()
    with _errors():
        settings = _settings(options)
        with open_store(settings) as store:
            summary = _ingest(inputs, store, settings, format_in, output)
            wrote = _emit(store, settings, output, collapse, changed, skip_current=True)
            name = store.name
    if summary_format == "json":
        _echo_json(ingest_document(summary, name, time.perf_counter() - started, output, wrote))
    else:
        _report(summary, name)
        click.echo(
            f"wrote {output}" if wrote else f"{output}: nothing changed since it was written", err=True
        )
    _finish(summary.rejected)


@main.command()
@_INPUTS
@_FORMAT_IN
@_SUMMARY
@_settings_options("ingest")
def ingest(inputs: tuple[str, ...], format_in: str | None, **options: Any) -> None:
    """Read INPUTs into the store (the first half of run), without writing a feed.

    \b
    Examples:
      newsnorm ingest feeds/ --db newsnorm.db
      newsnorm ingest desk.opml --shard 1/3 --db postgresql://newsnorm@db/newsnorm
      newsnorm ingest feeds/ --format json | jq .entries
    """
    summary_format = options.pop("summary_format")
    if not inputs:
        raise click.UsageError("give at least one INPUT (file, folder or -)")
    started = time.perf_counter()
    with _errors():
        settings = _settings(options)
        with open_store(settings) as store:
            summary = _ingest(inputs, store, settings, format_in)
            name = store.name
    if summary_format == "json":
        _echo_json(ingest_document(summary, name, time.perf_counter() - started))
    else:
        _report(summary, name)
    _finish(summary.rejected)


@main.command()
@click.option("-o", "--output", default="-", show_default=True, help="Atom file to write (- for stdout).")
@click.option("--collapse", is_flag=True, help="One entry per story cluster (its canonical copy).")
@_CHANGED
@_SUMMARY
@_settings_options("emit")
def emit(output: str, collapse: bool, changed: bool, **options: Any) -> None:
    """Write the store's newest articles as one Atom feed (the second half of run).

    \b
    Examples:
      newsnorm emit -o news.atom                      the newest 1,000 entries
      newsnorm emit --collapse --since 24h -o day.atom  a story once, the last day
      newsnorm emit --changed -o changes.atom         what changed since the last such emit
    """
    summary_format = options.pop("summary_format")
    _summary_needs_a_file(summary_format, output)
    started = time.perf_counter()
    tally = Tally()
    with _errors():
        settings = _settings(options)
        with open_store(settings, create=False) as store:
            _warn_of_stored_rule(store)
            _emit(store, settings, output, collapse, changed, tally=tally)
            name = store.name
    if summary_format == "json":
        seconds = time.perf_counter() - started
        _echo_json(emit_document(tally, output, name, seconds, changed=changed, collapse=collapse))


def _warn_of_stored_rule(store: Store) -> None:
    """A reader shows the clusters as the store picked them: say so if asked otherwise."""
    if not store.rule_is_current:
        click.echo(
            f"warning: {store.name}: its clusters' canonical copies were picked under "
            f'"{store.canonical.describe()}"; the canonical setting given applies once ingest '
            "or run re-picks them",
            err=True,
        )


def _emit(
    store: Store,
    settings: Settings,
    output: str,
    collapse: bool,
    changed: bool,
    *,
    skip_current: bool = False,
    tally: Tally | None = None,
) -> bool:
    """Write the feed; with ``changed``, only what changed, then move the output's cursor.
    With ``skip_current`` (``run``, which holds the store's write lock anyway), a whole
    feed that nothing changed since it was written is not rewritten. Whether it wrote;
    ``tally`` counts what it wrote."""
    tally = tally if tally is not None else Tally()
    if not changed:
        remember = skip_current and output != "-"
        if remember and feed_is_current(store, settings, output, collapse):
            return False
        with atomic_output(output) as out:
            emit_feed(store, settings, out, collapse=collapse, now=_now(), tally=tally)
        if remember:
            remember_feed(store, settings, output, collapse)
    else:
        name = "-" if output == "-" else str(Path(output).resolve())
        with atomic_output(output) as out:
            upto = emit_changes(store, settings, out, name, collapse=collapse, tally=tally)
        store.save_emit_cursor(name, upto)
    _report_first("left out {} stored entries that could not be written", tally.left_out)
    return True


@main.command()
@click.argument("input_", metavar="[INPUT]", required=False, default="-")
@click.option(
    "--format", "format_out", type=click.Choice(["text", "json", "html"]), default="text", show_default=True
)
@click.option("--url", default=None, help="The article's web address, if INPUT does not say it.")
@_FORMAT_IN
@_settings_options("clean")
def clean(input_: str, format_out: str, url: str | None, format_in: str | None, **options: Any) -> None:
    """Normalise one article and print it; nothing is stored. INPUT defaults to -.

    \b
    Examples:
      newsnorm clean story.txt                        the cleaned text
      newsnorm clean --format json https://example.com/news/1   with what was removed, and why
      curl -s https://example.com/rss | newsnorm clean --format json
    """
    with _errors():
        settings = _settings(options)
        articles, problems = clean_inputs([input_], settings, _format(format_in))
    rejected = [r for r in problems if isinstance(r, Rejected)]
    passed_over = [r for r in problems if isinstance(r, PassedOver)]
    _report_rejected(rejected)
    _report_skipped([r for r in problems if isinstance(r, Skipped)])
    if articles:
        _report_passed_over(passed_over)
    for number, article in enumerate(articles):
        if format_out == "json":
            # JSON Lines: one object per article, however many the input holds.
            click.echo(json.dumps(article_document(article, url), ensure_ascii=False))
        elif format_out == "html":
            click.echo(paragraphs_to_html(article.paragraphs))
        else:
            if number:
                click.echo("\n" + _ARTICLE_BREAK + "\n")
            click.echo(f"# {article.title}\n\n{article.body}" if len(articles) > 1 else article.body)
    if not articles:
        reason = f"no article found ({passed_over[0].reason})" if passed_over else "no article found"
        _finish(rejected or [Rejected(input_, reason)], named=not rejected)


@main.command()
@_INPUTS
@click.option(
    "--format", "format_out", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--threshold", type=float, default=None, help="Jaccard threshold (same as --jaccard-threshold)."
)
@click.option(
    "--min-size",
    type=click.IntRange(min=1),
    default=None,
    help="Clusters of at least this many members [default: 2 for the table, 1 (every article) for json].",
)
@click.option("--top", type=click.IntRange(min=0), default=0, help="The largest so many clusters (0: all).")
@_FORMAT_IN
@_settings_options("dups")
def dups(
    inputs: tuple[str, ...],
    format_out: str,
    threshold: float | None,
    format_in: str | None,
    **options: Any,
) -> None:
    """Report story clusters: over INPUTs alone (no store), or over the store (--db).

    \b
    Examples:
      newsnorm dups --db newsnorm.db                  the stories with copies
      newsnorm dups --db newsnorm.db --top 10         the ten largest
      newsnorm dups --format json fixtures/demo       every article's cluster, no store
    """
    min_size: int | None = options.pop("min_size")
    top: int = options.pop("top")
    if threshold is not None:
        options["jaccard_threshold"] = threshold
    stateless = bool(inputs) and options.get("db") is None
    with _errors():
        settings = _settings(options)
        path = ":memory:" if stateless else settings.db
        # Without INPUTs there is nothing to store: a missing store is an error.
        with open_store(settings, path=path, create=bool(inputs)) as store:
            if not inputs:
                _warn_of_stored_rule(store)
            rejected: tuple[Rejected, ...] = ()
            skipped: tuple[Skipped, ...] = ()
            if inputs:
                summary = ingest_inputs(inputs, store, settings, _now(), format_in=_format(format_in))
                rejected, skipped = summary.rejected, summary.skipped
            smallest = min_size if min_size is not None else (1 if format_out == "json" else 2)
            clusters = [c for c in story_clusters(store, store.canonical) if len(c.members) >= smallest]
            clusters = clusters[:top] if top else clusters
            if format_out == "json":
                _echo_json(dups_document(clusters, store))
            else:
                width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
                click.echo(cluster_table(clusters, store.canonical, width))
    _report_rejected(rejected)
    _report_skipped(skipped)
    _finish(rejected)


@main.command()
@click.option("--collapse", is_flag=True, help="One entry per story cluster (its canonical copy).")
@_settings_options("serve")
def serve(collapse: bool, **options: Any) -> None:
    """Republish the store over HTTP: /feed.atom, /archive/N.atom, /clusters.json,
    and the desk: the story clusters in a browser at / (search, filters) and each
    story with its copies diffed against the canonical one at /story/ID.

    Every document has an ETag and a Last-Modified and answers conditional
    requests with 304. Stop with Ctrl-C.

    \b
    Examples:
      newsnorm serve --db newsnorm.db                 the desk on http://127.0.0.1:8080/
      newsnorm serve --host 0.0.0.0 --base-url https://feeds.example.com --collapse
    """
    with _errors():
        settings = _settings(options)
        with open_store(settings, create=False) as store:
            name = store.name  # a missing store is an error before anything listens
            _warn_of_stored_rule(store)
        # Imported here: the server (waitress) is loaded only by the command that serves.
        from feeds.publish.serve import serve_store  # noqa: PLC0415

        server = serve_store(settings, collapse)
        click.echo(
            f"serving {name} at http://{settings.host}:{server.getsockname()[1]}/feed.atom "
            "(archives /archive/N.atom, clusters /clusters.json)",
            err=True,
        )
        try:
            server.run()
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
        finally:
            server.close()


@main.command()
@click.argument("file", type=str)
@click.option(
    "--format", "format_out", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="A line per problem, or one JSON object {file, valid, problems}.",
)  # fmt: skip
def validate(file: str, format_out: str) -> None:
    """Check an Atom document against RFC 4287's schema; one line per problem.

    \b
    Examples:
      newsnorm validate news.atom
      curl -s https://example.com/atom.xml | newsnorm validate --format json -
    """
    # Imported here: the RELAX NG schema and its rules are loaded only to validate.
    from feeds.publish.validate import validate_atom  # noqa: PLC0415

    with _errors():
        data = sys.stdin.buffer.read() if file == "-" else _read_file(file)
        problems = validate_atom(data, file)
    if format_out == "json":
        click.echo(
            json.dumps({"file": file, "valid": not problems, "problems": problems}, ensure_ascii=False)
        )
        if problems:
            raise SystemExit(1)
        return
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{file}: {len(problems)} problem(s)")
    click.echo(f"{file}: valid Atom 1.0", err=True)


@main.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML settings file (default: NEWSNORM_CONFIG, else ./newsnorm.toml if present).",
)
@click.option(
    "--format", "format_out", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def config(config_path: str | None, format_out: str) -> None:
    """Print every setting's value and where it comes from: the environment, the project's
    file (--config, NEWSNORM_CONFIG or ./newsnorm.toml), the user's file, or the default.

    A flag given to a command overrides all of these for that run.
    """
    with _errors():
        settings, origins = resolve_settings(config_path=config_path, user_config=_user_config())
    values = {name: getattr(settings, name) for name in origins}
    if format_out == "json":
        shown = {name: {"value": list(v) if isinstance(v, tuple) else v, "from": origins[name]}
                 for name, v in values.items()}  # fmt: skip
        _echo_json(shown)
        return
    width = max(map(len, values))
    for name, value in values.items():
        click.echo(f"{name:<{width}}  {_shown(value) if value != '' else '(none)'}  [{origins[name]}]")
    click.echo(f"user file: {_user_config()}", err=True)


@main.command()
@click.option(
    "--format", "format_out", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@_settings_options("feeds")
def feeds(format_out: str, **options: Any) -> None:
    """List every feed the store has polled: its last status, last change, when it is
    due next, and its failures in a row (gone: HTTP 410; a -> b: moved for good).

    \b
    Examples:
      newsnorm feeds                     the table
      newsnorm feeds --format json       for scripts
    """
    with _errors():
        settings = _settings(options)
        with open_store(settings, create=False) as store:
            states = store.feed_states()
    now = _now()
    if format_out == "json":
        _echo_json(feeds_document(states, now))
        return
    click.echo(feeds_table(states, now, shutil.get_terminal_size().columns if sys.stdout.isatty() else None))


@main.command()
@click.argument("query")
@click.option(
    "--top", type=click.IntRange(min=1), default=20, show_default=True, help="Show at most this many."
)
@click.option(
    "--format", "format_out", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@_settings_options("search")
def search(query: str, top: int, format_out: str, **options: Any) -> None:
    """Find stored articles by the words of their headline or text, in any language:
    every word must be found ("quoted words" as a phrase), accents and case aside,
    a Chinese or Japanese word as its characters. Best match first; versions an
    update replaced are left out.

    \b
    Examples:
      newsnorm search 'ceasefire gaza'
      newsnorm search '"central bank"' --top 5
      newsnorm search 北京 --format json | jq '.[].title'
    """
    with _errors():
        settings = _settings(options)
        phrases = query_phrases(query)
        with open_store(settings, create=False) as store:
            found = store.search(phrases, limit=top)
    if format_out == "json":
        _echo_json(search_document(found, phrases))
        return
    if not found:
        click.echo(f"nothing found for {query!r}", err=True)
        return
    click.echo(
        search_table(found, phrases, shutil.get_terminal_size().columns if sys.stdout.isatty() else None)
    )


def _read_file(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise click.ClickException(f"{name}: cannot read: {error.strerror or error}") from None


class _JsonLines(logging.Formatter):
    """One JSON object a record, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _set_logging(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Each logging option's callback: note it, then set the logger up from all noted so
    far (the last one parsed sees them all)."""
    assert param.name is not None
    ctx.meta[f"newsnorm.{param.name}"] = value
    verbose = int(ctx.meta.get("newsnorm.verbose") or 0)
    quiet = bool(ctx.meta.get("newsnorm.quiet"))
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logger = logging.getLogger("newsnorm")
    logger.setLevel(level)
    logger.propagate = False
    for old in list(logger.handlers):
        logger.removeHandler(old)
    stream = logging.StreamHandler(sys.stderr)
    as_json = ctx.meta.get("newsnorm.log_format") == "json"
    formatter = _JsonLines() if as_json else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    stream.setFormatter(formatter)
    logger.addHandler(stream)


def _quiet() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and context.meta.get("newsnorm.quiet"))


_LOGGING_OPTIONS = (
    click.option(
        "-v", "--verbose", count=True, expose_value=False, callback=_set_logging,
        help="Log more: -v each input (format, entries, time, fetches), -vv each entry (its "
        "duplicate decision, the rules that removed text).",
    ),
    click.option(
        "-q", "--quiet", is_flag=True, expose_value=False, callback=_set_logging,
        help="Only errors: no summary, no warnings.",
    ),
    click.option(
        "--log-format", type=click.Choice(["text", "json"]), default="text", expose_value=False,
        callback=_set_logging, help="Log lines as text, or as one JSON object each.",
    ),
)  # fmt: skip

# Every command answers --version, as the group does (the CLI contract promises it),
# and takes the logging options.
for _command in main.commands.values():
    click.version_option(__version__, prog_name="newsnorm")(_command)
    for _option in _LOGGING_OPTIONS:
        _option(_command)

__all__ = ["main"]


if __name__ == "__main__":
    main()
