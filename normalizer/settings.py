"""Every setting of newsnorm, declared once: name, default, help.

Precedence: a command-line flag, then the environment (``NEWSNORM_<NAME>``), then
a TOML configuration file (``--config``, or ``newsnorm.toml`` in the working
directory), then the default declared here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from normalizer import __version__
from normalizer.canonical import DEFAULT_STEPS, CanonicalRule
from normalizer.errors import SettingsError
from normalizer.model import FingerprintParams

__all__ = ["SETTINGS", "Setting", "Settings", "load_settings"]

ENV_PREFIX = "NEWSNORM_"
DEFAULT_CONFIG = "newsnorm.toml"


@dataclass(frozen=True)
class Setting:
    """The declaration of one setting."""

    name: str
    default: object
    help: str

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


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """The resolved value of every setting; each field's metadata holds its help."""

    db: str = _setting("newsnorm.db", "SQLite store file (created if missing).")
    index: str = _setting(
        "",
        "Shared duplicate index for many workers, as redis://host:port/db (empty: the store's own).",
    )
    feed_title: str = _setting("newsnorm: de-duplicated news", "Title of the emitted Atom feed.")
    feed_id: str = _setting(
        "urn:uuid:6e3f0c35-7c1e-5c55-9a44-0d1f3f2a0b7e",
        "atom:id of the emitted feed (an absolute IRI; keep it once subscribers exist).",
    )
    jaccard_threshold: float = _setting(0.5, "Estimated Jaccard at or above which two texts are one story.")
    containment_threshold: float = _setting(
        0.8, "Share of the shorter text found in the longer at or above which it is a trimmed copy."
    )
    min_containment_words: int = _setting(
        40, "Texts shorter than this many words are linked by Jaccard only, never by containment."
    )
    num_perm: int = _setting(128, "MinHash permutations per signature (fixed per store).")
    seed: int = _setting(1, "MinHash seed (fixed per store).")
    shingle_words: int = _setting(4, "Words per shingle (fixed per store).")
    bands: int = _setting(42, "LSH bands (fixed per store).")
    rows: int = _setting(3, "Signature values per LSH band (fixed per store).")
    lead_shingles: int = _setting(40, "Shingles of a text's lead signature (fixed per store).")
    lead_bands: int = _setting(16, "LSH bands of the lead signature (fixed per store).")
    lead_rows: int = _setting(4, "Values per lead band (fixed per store).")
    learn_chrome_stories: int = _setting(
        5,
        "A short line one source repeats in this many different stories is its chrome and is "
        "stripped from its later stories (0: learn nothing).",
    )
    canonical: tuple[str, ...] = _setting(
        DEFAULT_STEPS,
        "Order of preference for the copy a story cluster shows, after its newest version: "
        "source-priority, earliest, latest, longest (comma-separated; first stored breaks ties).",
    )
    source_priority: tuple[str, ...] = _setting(
        (),
        "Sources for the source-priority step, best first: feed URLs, hosts (subdomains included) "
        "or agencies as credited (comma-separated).",
    )
    max_input_mb: int = _setting(
        100, "Inputs larger than this many megabytes are refused (fetched ones counted once decoded)."
    )
    host: str = _setting("127.0.0.1", "Address `serve` listens on (loopback unless you mean otherwise).")
    port: int = _setting(8080, "Port `serve` listens on (0: any free port, printed on start).")
    page_size: int = _setting(
        50,
        "Changes per page of the served feed and of each archive page (keep it once subscribers exist: "
        "archive pages are kept per page size).",
    )
    fetch_timeout: float = _setting(
        30.0, "Seconds a fetch may take, from connecting to the last byte, before it is given up."
    )
    fetch_workers: int = _setting(
        4, "URLs fetched at once, at most 2 from one host (stored in input order all the same)."
    )
    user_agent: str = _setting(
        "",
        "User-Agent header of fetches (empty: newsnorm/VERSION); add a contact address "
        "so the sites you read can reach you.",
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
    Setting(f.name, f.default, f.metadata["help"]) for f in fields(Settings)
)


def _coerce(setting: Setting, value: object, origin: str) -> object:
    kind = setting.kind
    if kind is tuple:
        # A list: a TOML array, or one comma-separated string (flag, environment).
        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, list | tuple) and all(isinstance(item, str) for item in items):
            return tuple(item.strip() for item in items if item.strip())
        raise SettingsError(f"{origin}: {setting.name} must be a list of strings, got {value!r}")
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
) -> Settings:
    """Resolve every setting: flag > environment > configuration file > default.

    Args:
        flags: values given on the command line (``None`` values are ignored).
        environ: the environment (``os.environ`` if not given).
        config_path: a TOML file that must exist; without it ``newsnorm.toml`` is
            read if present.
    """
    flags = flags or {}
    environ = os.environ if environ is None else environ
    config = _read_config(Path(config_path or DEFAULT_CONFIG), required=config_path is not None)
    known = {setting.name for setting in SETTINGS}
    unknown = sorted(set(config) - known)
    if unknown:
        raise SettingsError(f"{config_path or DEFAULT_CONFIG}: unknown settings: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if flags.get(setting.name) is not None:
            values[setting.name] = _coerce(setting, flags[setting.name], setting.flag)
        elif setting.env_var in environ:
            values[setting.name] = _coerce(setting, environ[setting.env_var], setting.env_var)
        elif setting.name in config:
            values[setting.name] = _coerce(setting, config[setting.name], "configuration")
    settings = replace(Settings(), **values)
    settings.canonical_rule  # noqa: B018 - an unknown step is an error now, not at first use
    return settings
