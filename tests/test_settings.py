"""Settings: declared once, flag > environment > file > default."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalizer.errors import SettingsError
from normalizer.settings import SETTINGS, Settings, load_settings


def test_every_setting_has_help_and_a_default() -> None:
    assert {s.name for s in SETTINGS} == set(Settings.__dataclass_fields__)
    assert all(s.help.endswith(".") for s in SETTINGS)


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
