"""Every setting of newsnorm, declared once: name, default, help, the commands that
take it, and the check its values must pass (so a bad value is refused before any
store is opened or created).

Precedence: a command-line flag, then the environment (``NEWSNORM_<NAME>``), then
a TOML configuration file (``--config``, or ``newsnorm.toml`` in the working
directory), then the default declared here.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from normalizer import __version__
from normalizer.canonical import DEFAULT_STEPS, CanonicalRule
from normalizer.dedup import Thresholds
from normalizer.errors import SettingsError
from normalizer.model import FingerprintParams
from normalizer.values import is_web_address, looks_absolute, parse_shard

__all__ = [
    "COMMANDS",
    "SETTINGS",
    "Setting",
    "Settings",
    "load_settings",
    "parse_since",
    "resolve_settings",
    "settings_of",
]

ENV_PREFIX = "NEWSNORM_"
DEFAULT_CONFIG = "newsnorm.toml"


# Which commands take a setting, by what the command does.
STORE = ("run", "ingest", "emit", "dups", "serve")  # opens a store
INGEST = ("run", "ingest", "dups")  # reads inputs into a store
READ = ("run", "ingest", "dups", "clean")  # reads inputs
FETCH = READ  # may fetch URLs
FEED = ("run", "emit", "serve")  # writes a feed
SERVE = ("serve",)
COMMANDS = ("run", "ingest", "emit", "serve", "clean", "dups", "validate", "config", "feeds", "search")

# A check gives the problem with a value (a phrase to follow "must be"), or None.
Check = Callable[[Any], str | None]


def _at_least(low: int) -> Check:
    return lambda value: None if value >= low else f"at least {low}"


def _between(low: int, high: int) -> Check:
    return lambda value: None if low <= value <= high else f"from {low} to {high}"


def _positive(value: float) -> str | None:
    return None if value > 0 else "more than 0"


def _share(value: float) -> str | None:
    return None if 0 < value <= 1 else "more than 0 and at most 1"


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "a path (not empty)"


def _networks(value: tuple[str, ...]) -> str | None:
    for item in value:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            return f"addresses or networks (10.0.0.5, 192.168.7.0/24), not {item!r}"
    return None


def _web_base(value: str) -> str | None:
    if not value or (is_web_address(value) and "?" not in value and "#" not in value):
        return None
    return "an http(s) URL without query or fragment (or empty)"


def _shard(value: str) -> str | None:
    return None if not value or parse_shard(value) else "I/N, with 1 <= I <= N (or empty: every feed)"


def _since(value: str) -> str | None:
    return (
        None
        if not value or parse_since(value, datetime.now(UTC))
        else "an ISO 8601 date or time, or an age (36h, 7d)"
    )


def parse_since(value: str, now: datetime) -> datetime | None:
    """The moment a ``since`` value names: an ISO 8601 date or time (UTC when it has
    no zone), or an age before ``now`` in hours or days; ``None`` if it is neither."""
    text = value.strip()
    age = re.fullmatch(r"(\d{1,6})\s*([hd])", text)
    if age:
        amount = int(age.group(1))
        return now - (timedelta(hours=amount) if age.group(2) == "h" else timedelta(days=amount))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _absolute_iri(value: str) -> str | None:
    return None if looks_absolute(value) else "an absolute IRI (urn:..., https://...)"


@dataclass(frozen=True)
class Setting:
    """The declaration of one setting: name, default, help, the commands that take
    it, and the check its values must pass."""

    name: str
    default: object
    help: str
    commands: tuple[str, ...] = ()
    check: Check | None = None

    @property
    def kind(self) -> type:
        """The Python type values of this setting must have."""
        return type(self.default)

    @property
    def env_var(self) -> str:
        """The environment variable that sets it."""
        return ENV_PREFIX + self.name.upper()

    @property
    def flag(self) -> str:
        """The command-line flag that sets it."""
        return "--" + self.name.replace("_", "-")


def _setting(default: Any, help: str, *, commands: tuple[str, ...], check: Check | None = None) -> Any:
    return field(default=default, metadata={"help": help, "commands": commands, "check": check})


_FINGERPRINT = FingerprintParams()
_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Settings:
    """The resolved value of every setting; each field's metadata holds its help."""

    db: str = _setting(
        "newsnorm.db",
        "The store: a SQLite file (created if missing), or postgresql://user@host/dbname for a "
        "store many workers share.",
        commands=(*STORE, "feeds", "search"),
        check=_non_empty,
    )
    feed_title: str = _setting(
        "newsnorm: de-duplicated news", "Title of the emitted Atom feed.", commands=FEED
    )
    feed_id: str = _setting(
        "urn:uuid:6e3f0c35-7c1e-5c55-9a44-0d1f3f2a0b7e",
        "atom:id of the emitted feed (an absolute IRI; keep it once subscribers exist).",
        commands=FEED,
        check=_absolute_iri,
    )
    jaccard_threshold: float = _setting(
        _THRESHOLDS.jaccard,
        "Estimated Jaccard at or above which two texts are one story.",
        commands=STORE,
        check=_share,
    )
    containment_threshold: float = _setting(
        _THRESHOLDS.containment,
        "Share of the shorter text found in the longer at or above which it is a trimmed copy.",
        commands=STORE,
        check=_share,
    )
    min_containment_words: int = _setting(
        _THRESHOLDS.min_containment_words,
        "Texts shorter than this many words are linked by Jaccard only, never by containment.",
        commands=STORE,
        check=_at_least(0),
    )
    num_perm: int = _setting(
        _FINGERPRINT.num_perm,
        "MinHash permutations per signature (fixed when a store is made).",
        commands=INGEST,
        check=_between(1, 4096),
    )
    seed: int = _setting(
        _FINGERPRINT.seed,
        "MinHash seed (fixed when a store is made).",
        commands=INGEST,
        check=_between(0, 2**32 - 1),
    )
    shingle_words: int = _setting(
        _FINGERPRINT.shingle_words,
        "Words per shingle (fixed when a store is made).",
        commands=INGEST,
        check=_between(1, 32),
    )
    bands: int = _setting(
        _FINGERPRINT.bands, "LSH bands (fixed when a store is made).", commands=INGEST, check=_at_least(1)
    )
    rows: int = _setting(
        _FINGERPRINT.rows,
        "Signature values per LSH band (fixed when a store is made).",
        commands=INGEST,
        check=_at_least(1),
    )
    lead_shingles: int = _setting(
        _FINGERPRINT.lead_shingles,
        "Shingles of a text's lead signature (fixed when a store is made).",
        commands=INGEST,
        check=_at_least(1),
    )
    lead_bands: int = _setting(
        _FINGERPRINT.lead_bands,
        "LSH bands of the lead signature (fixed when a store is made).",
        commands=INGEST,
        check=_at_least(1),
    )
    lead_rows: int = _setting(
        _FINGERPRINT.lead_rows,
        "Values per lead band (fixed when a store is made).",
        commands=INGEST,
        check=_at_least(1),
    )
    learn_chrome_stories: int = _setting(
        5,
        "A short line one source repeats in this many different stories is its chrome and is "
        "stripped from its later stories (0: learn nothing).",
        commands=STORE,
        check=_at_least(0),
    )
    canonical: tuple[str, ...] = _setting(
        DEFAULT_STEPS,
        "Order of preference for the copy a story cluster shows, after its newest version: "
        "source-priority, earliest, latest, longest (comma-separated; the smallest key breaks ties).",
        commands=STORE,
    )
    source_priority: tuple[str, ...] = _setting(
        (),
        "Sources for the source-priority step, best first: feed URLs, hosts (subdomains included) "
        "or agencies as credited (comma-separated).",
        commands=STORE,
    )
    max_input_mb: int = _setting(
        100,
        "Inputs larger than this many megabytes are refused (fetched ones counted once decoded).",
        commands=READ,
        check=_at_least(1),
    )
    host: str = _setting(
        "127.0.0.1", "Address `serve` listens on (loopback unless you mean otherwise).", commands=SERVE
    )
    base_url: str = _setting(
        "",
        "The address clients reach `serve` at (https://feeds.example.com/news), which starts the "
        "links of its documents (empty: the address it listens on; needed with --host 0.0.0.0).",
        commands=SERVE,
        check=_web_base,
    )
    port: int = _setting(
        8080,
        "Port `serve` listens on (0: any free port, printed on start).",
        commands=SERVE,
        check=_between(0, 65535),
    )
    limit: int = _setting(
        1000,
        "Entries in a whole feed written by run or emit, newest first (0: every entry; a feed "
        "of everything grows with the store, and so does the time to write it). --changed "
        "writes every change whatever the limit.",
        commands=("run", "emit"),
        check=_at_least(0),
    )
    since: str = _setting(
        "",
        "Leave out of a whole feed the entries older than this: an ISO 8601 date or time "
        "(2026-11-30, 2026-11-30T06:00:00+01:00; UTC if no zone), or an age (36h, 7d).",
        commands=("run", "emit"),
        check=_since,
    )
    page_size: int = _setting(
        50,
        "Changes per page of the served feed and of each archive page (keep it once subscribers exist: "
        "archive pages are kept per page size).",
        commands=SERVE,
        check=_at_least(1),
    )
    fetch_timeout: float = _setting(
        30.0,
        "Seconds a fetch may take, from connecting to the last byte, before it is given up.",
        commands=FETCH,
        check=_positive,
    )
    allow_private_networks: bool = _setting(
        False,
        "Let fetches reach loopback, private, link-local and other non-public addresses "
        "(refused by default: a feed could point newsnorm at internal services).",
        commands=FETCH,
    )
    allowed_addresses: tuple[str, ...] = _setting(
        (),
        "Non-public addresses or networks fetches may reach all the same (comma-separated, "
        "e.g. 10.0.0.5,192.168.7.0/24).",
        commands=FETCH,
        check=_networks,
    )
    shard: str = _setting(
        "",
        "This worker's share of the feeds, as I/N: of N workers, it polls the URLs whose stable "
        "hash falls to I (given directly or listed in OPML; empty: every feed).",
        commands=FETCH,
        check=_shard,
    )
    force: bool = _setting(
        False,
        "Fetch every feed now: also those a server asked to wait for (Retry-After, "
        "Cache-Control), those backing off after failures, and those gone (410).",
        commands=FETCH,
    )
    workers: int = _setting(
        0,
        "Processes that read, clean and fingerprint the next inputs while one stores (0: one per "
        "core; 1: none). The store is the same whatever the number.",
        commands=INGEST,
        check=_between(0, 64),
    )
    fetch_workers: int = _setting(
        4,
        "URLs fetched at once, at most 2 from one host (stored in input order all the same).",
        commands=FETCH,
        check=_between(1, 64),
    )
    user_agent: str = _setting(
        "",
        "User-Agent header of fetches (empty: newsnorm/VERSION); add a contact address "
        "so the sites you read can reach you.",
        commands=FETCH,
    )

    @property
    def max_input_bytes(self) -> int:
        """The input size limit in bytes."""
        return self.max_input_mb * 1024 * 1024

    @property
    def user_agent_header(self) -> str:
        """The User-Agent fetches send."""
        return self.user_agent or f"newsnorm/{__version__} (news feed normaliser)"

    @property
    def canonical_rule(self) -> CanonicalRule:
        """The rule that picks each story cluster's canonical member."""
        return CanonicalRule(self.canonical, self.source_priority)

    @property
    def fingerprint_params(self) -> FingerprintParams:
        """The parameters that give signatures their meaning."""
        return FingerprintParams(
            num_perm=self.num_perm,
            seed=self.seed,
            shingle_words=self.shingle_words,
            bands=self.bands,
            rows=self.rows,
            lead_shingles=self.lead_shingles,
            lead_bands=self.lead_bands,
            lead_rows=self.lead_rows,
        )


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.default, f.metadata["help"], f.metadata["commands"], f.metadata["check"])
    for f in fields(Settings)
)


def settings_of(command: str) -> tuple[Setting, ...]:
    """The settings a command takes, in declaration order."""
    return tuple(setting for setting in SETTINGS if command in setting.commands)


def _cross_problems(settings: Settings) -> list[str]:
    """What is wrong with values that are each fine alone but not together."""
    problems = []
    for bands, rows, label in (
        (settings.bands, settings.rows, "bands x rows"),
        (settings.lead_bands, settings.lead_rows, "lead_bands x lead_rows"),
    ):
        if bands * rows > settings.num_perm:
            problems.append(
                f"{label} ({bands} x {rows} = {bands * rows}) must be at most num_perm ({settings.num_perm})"
            )
    return problems


def _coerce(setting: Setting, value: object, origin: str) -> object:
    coerced = _typed(setting, value, origin)
    problem = setting.check(coerced) if setting.check else None
    if problem:
        raise SettingsError(f"{origin}: {setting.name} must be {problem}, got {value!r}")
    return coerced


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def _typed(setting: Setting, value: object, origin: str) -> object:
    kind = setting.kind
    if kind is tuple:
        # A list: a TOML array, or one comma-separated string (flag, environment).
        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, list | tuple) and all(isinstance(item, str) for item in items):
            return tuple(item.strip() for item in items if item.strip())
        raise SettingsError(f"{origin}: {setting.name} must be a list of strings, got {value!r}")
    if kind is bool and isinstance(value, str):
        # From the environment (NEWSNORM_ALLOW_PRIVATE_NETWORKS=1) or a flag's text.
        word = value.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise SettingsError(f"{origin}: {setting.name} must be true or false (1/0, yes/no), got {value!r}")
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise SettingsError(f"{origin}: {setting.name} must be {kind.__name__}, got {value!r}")


def _read_config(path: Path, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise SettingsError(f"{path}: configuration file not found")
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: unreadable configuration: {error}") from None
    section = data.get("newsnorm", data)
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: [newsnorm] must be a table")
    return section


def load_settings(
    flags: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: str | None = None,
    user_config: Path | None = None,
) -> Settings:
    """Resolve every setting: flag > environment > configuration file > user file > default.

    Args:
        flags: values given on the command line (``None`` values are ignored).
        environ: the environment (``os.environ`` if not given).
        config_path: a TOML file that must exist; without it ``NEWSNORM_CONFIG`` names
            one, else ``newsnorm.toml`` is read if present.
        user_config: the user's own TOML file, read if present, beneath the others.
    """
    return resolve_settings(flags, environ, config_path, user_config)[0]


def _checked_config(path: Path, required: bool) -> dict[str, Any]:
    config = _read_config(path, required=required)
    known = {setting.name for setting in SETTINGS}
    unknown = sorted(set(config) - known)
    if unknown:
        raise SettingsError(f"{path}: unknown settings: {', '.join(unknown)}")
    return config


def resolve_settings(
    flags: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: str | None = None,
    user_config: Path | None = None,
) -> tuple[Settings, dict[str, str]]:
    """:func:`load_settings`, and where each setting's value came from (``--flag``,
    ``NEWSNORM_NAME``, a file's path, or ``default``)."""
    flags = flags or {}
    environ = os.environ if environ is None else environ
    named = config_path or environ.get(ENV_PREFIX + "CONFIG") or None
    project = Path(named or DEFAULT_CONFIG)
    config = _checked_config(project, required=named is not None)
    user = _checked_config(user_config, required=False) if user_config else {}
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for setting in SETTINGS:
        if flags.get(setting.name) is not None:
            values[setting.name] = _coerce(setting, flags[setting.name], setting.flag)
            origins[setting.name] = setting.flag
        elif setting.env_var in environ:
            values[setting.name] = _coerce(setting, environ[setting.env_var], setting.env_var)
            origins[setting.name] = setting.env_var
        elif setting.name in config:
            values[setting.name] = _coerce(setting, config[setting.name], str(project))
            origins[setting.name] = str(project)
        elif setting.name in user:
            values[setting.name] = _coerce(setting, user[setting.name], str(user_config))
            origins[setting.name] = str(user_config)
        else:
            origins[setting.name] = "default"
    settings = replace(Settings(), **values)
    problems = _cross_problems(settings)
    if problems:
        raise SettingsError(f"settings: {problems[0]}")
    settings.canonical_rule  # noqa: B018 - an unknown step is an error now, not at first use
    return settings, origins
