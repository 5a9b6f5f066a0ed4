"""StatisticsConfig: construction, validation, conversion."""

from __future__ import annotations

import pytest

from mvps.errors import InvalidInput
from mvps.statistics import StatisticsConfig


def test_defaults_enable_statistics_only():
    config = StatisticsConfig()
    assert config.enabled is True
    assert config.correlations is False
    assert config.histograms is False
    assert config.exact_uniqueness is False
    assert config.columns is None


def test_from_value_none_gives_defaults():
    assert StatisticsConfig.from_value(None) == StatisticsConfig()


@pytest.mark.parametrize("flag", [True, False])
def test_from_value_bool_sets_enabled(flag):
    assert StatisticsConfig.from_value(flag) == StatisticsConfig(enabled=flag)


def test_from_value_dict_snake_and_camel_case():
    config = StatisticsConfig.from_value(
        {"histograms": True, "exactUniqueness": True, "columns": ["a", "b"]}
    )
    assert config == StatisticsConfig(histograms=True, exact_uniqueness=True, columns=["a", "b"])
    snake = StatisticsConfig.from_value({"exact_uniqueness": True, "correlations": True})
    assert snake.exact_uniqueness and snake.correlations


def test_from_value_returns_config_unchanged():
    config = StatisticsConfig(histograms=True)
    assert StatisticsConfig.from_value(config) is config


def test_to_dict_round_trips_through_from_value():
    config = StatisticsConfig(
        enabled=True, correlations=True, histograms=False, exact_uniqueness=True, columns=["x"]
    )
    assert config.to_dict() == {
        "enabled": True,
        "correlations": True,
        "histograms": False,
        "exact_uniqueness": True,
        "columns": ["x"],
    }
    assert StatisticsConfig.from_value(config.to_dict()) == config


def test_columns_are_deduplicated_and_a_single_name_is_accepted():
    assert StatisticsConfig(columns=["a", "b", "a"]).columns == ["a", "b"]
    assert StatisticsConfig(columns="a").columns == ["a"]
    assert StatisticsConfig(columns=("a", "b")).columns == ["a", "b"]


def test_unknown_dict_key_is_rejected_with_the_allowed_keys():
    with pytest.raises(InvalidInput, match=r"unknown statistics_config keys \['histogram'\]"):
        StatisticsConfig.from_value({"histogram": True})


@pytest.mark.parametrize("value", [1, "yes", 0.5, ["enabled"]])
def test_other_values_are_rejected(value):
    with pytest.raises(InvalidInput, match="statistics_config must be"):
        StatisticsConfig.from_value(value)


def test_non_bool_flags_are_rejected():
    with pytest.raises(InvalidInput, match=r"StatisticsConfig.histograms must be True or False"):
        StatisticsConfig(histograms="yes")  # type: ignore[arg-type]


def test_non_string_columns_are_rejected():
    with pytest.raises(InvalidInput, match="column names"):
        StatisticsConfig(columns=["a", 1])  # type: ignore[list-item]


def test_statistics_config_module_re_exports_the_class():
    from mvps.statistics_config import StatisticsConfig as Reexported

    assert Reexported is StatisticsConfig
