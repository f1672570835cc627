"""Settings: declared once, flag > environment > file > default."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from normalizer.dedup import Thresholds
from normalizer.errors import SettingsError
from normalizer.model import FingerprintParams
from normalizer.settings import SETTINGS, Settings, load_settings

from .conftest import Cli


def test_every_default_passes_its_own_check() -> None:
    for setting in SETTINGS:
        assert setting.help.endswith("."), setting.name
        assert setting.check is None or setting.check(setting.default) is None, setting.name
    assert load_settings({}, {}) == Settings()


def test_fingerprint_and_threshold_defaults_are_declared_once() -> None:
    settings = Settings()
    assert settings.fingerprint_params == FingerprintParams()
    assert (settings.jaccard_threshold, settings.containment_threshold, settings.min_containment_words) == (
        Thresholds().jaccard,
        Thresholds().containment,
        Thresholds().min_containment_words,
    )


@pytest.mark.parametrize(
    ("flags", "problem"),
    [
        ({"bands": 50}, "bands x rows (50 x 3 = 150) must be at most num_perm (128)"),
        ({"lead_bands": 40}, "lead_bands x lead_rows (40 x 4 = 160) must be at most num_perm (128)"),
        ({"num_perm": 0}, "--num-perm: num_perm must be from 1 to 4096, got 0"),
        (
            {"jaccard_threshold": 7.0},
            "--jaccard-threshold: jaccard_threshold must be more than 0 and at most 1",
        ),
        ({"containment_threshold": 0}, "containment_threshold must be more than 0 and at most 1"),
        ({"seed": -1}, "--seed: seed must be from 0 to 4294967295"),
        ({"page_size": 0}, "--page-size: page_size must be at least 1"),
        ({"port": 70000}, "--port: port must be from 0 to 65535"),
        ({"fetch_timeout": 0.0}, "--fetch-timeout: fetch_timeout must be more than 0"),
        ({"feed_id": "my feed"}, "--feed-id: feed_id must be an absolute IRI"),
        ({"db": " "}, "--db: db must be a path"),
    ],
)
def test_bad_values_are_refused_where_declared(flags: dict[str, object], problem: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(problem)):
        load_settings(flags, {})


def test_a_bad_value_from_the_environment_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="NEWSNORM_BANDS: bands must be at least 1, got '0'"):
        load_settings({}, {"NEWSNORM_BANDS": "0"})


def test_the_readme_settings_table_is_the_declaration() -> None:
    readme = Path(__file__).resolve().parent.parent / "README.md"
    rows = [line for line in readme.read_text("utf-8").splitlines() if line.startswith("| `")]
    documented = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if len(cells) == 5 and cells[2].startswith("`NEWSNORM_"):
            documented[cells[0].strip("`")] = cells
    assert set(documented) == {s.name for s in SETTINGS}
    for setting in SETTINGS:
        _, default, env, commands, meaning = documented[setting.name]
        assert meaning == setting.help, setting.name
        assert env == f"`{setting.env_var}`", setting.name
        assert commands == ", ".join(setting.commands), setting.name
        shown = ",".join(map(str, setting.default)) if isinstance(setting.default, tuple) else setting.default
        assert default == (f"`{shown}`" if shown != "" else "(none)"), setting.name


def test_precedence(tmp_path: Path) -> None:
    config = tmp_path / "n.toml"
    config.write_text("[newsnorm]\nseed = 3\nnum_perm = 64\nbands = 21\n", "utf-8")
    env = {"NEWSNORM_SEED": "4", "NEWSNORM_NUM_PERM": "256"}
    settings = load_settings({"seed": 5}, env, str(config))
    assert (settings.seed, settings.num_perm, settings.bands, settings.rows) == (5, 256, 21, 3)


def test_bad_values_and_unknown_keys(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="NEWSNORM_SEED: seed must be int"):
        load_settings({}, {"NEWSNORM_SEED": "many"})
    config = tmp_path / "n.toml"
    config.write_text("sede = 3\n", "utf-8")
    with pytest.raises(SettingsError, match="unknown settings: sede"):
        load_settings({}, {}, str(config))
    with pytest.raises(SettingsError, match="not found"):
        load_settings({}, {}, str(tmp_path / "missing.toml"))


def test_config_shows_each_value_and_where_it_came_from(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_home = tmp_path / "home-config"
    (user_home / "newsnorm").mkdir(parents=True)
    (user_home / "newsnorm" / "newsnorm.toml").write_text('feed_title = "Desk"\nport = 9000\n', "utf-8")
    project = tmp_path / "project.toml"
    project.write_text("port = 8181\n", "utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(user_home))
    monkeypatch.setenv("NEWSNORM_DB", "/srv/news.db")
    monkeypatch.setenv("NEWSNORM_CONFIG", str(project))
    shown = json.loads(cli("config", "--format", "json").stdout)
    assert shown["db"] == {"value": "/srv/news.db", "from": "NEWSNORM_DB"}
    assert shown["port"] == {"value": 8181, "from": str(project)}  # the project's file over the user's
    assert shown["feed_title"]["value"] == "Desk"
    assert shown["feed_title"]["from"].endswith("newsnorm/newsnorm.toml")
    assert shown["jaccard_threshold"] == {"value": 0.5, "from": "default"}
    text = cli("config").stdout
    assert "db" in text and "/srv/news.db  [NEWSNORM_DB]" in text
    # A command reads the same files: the user's title reaches the feed.
    db = str(tmp_path / "s.db")
    assert cli("ingest", "fixtures/demo/heise.atom", "--db", db).exit_code == 0
    assert '<title type="text">Desk</title>' in cli("emit", "--db", db).stdout
    monkeypatch.setenv("NEWSNORM_CONFIG", str(tmp_path / "missing.toml"))
    missing = cli("config")
    assert missing.exit_code == 1 and "configuration file not found" in missing.stderr
