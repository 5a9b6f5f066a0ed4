"""Feature functions for the LendingClub data: zip codes and bankruptcy flags."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mvps.datasets.lending_features import NO_ZIPCODE, pub_rec_bankruptcies, zipcode
from mvps.errors import InvalidInput


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("0174 Michelle Gateway\r\nMendozaberg, OK 22690", "22690"),
        ("1076 Carney Fort Apt. 347\r\nLoganmouth, SD 05113", "05113"),
        ("USNS Johnson\r\nFPO AE 05113", "05113"),
        ("PSC 4115, Box 7815\r\nAPO AA 48052", "48052"),
        ("12 Main Street\nSpringfield, IL 62704-1234", "62704"),
        ("12 Main Street, Springfield, IL 62704  ", "62704"),
        ("12 Main Street\r\nSpringfield, IL", NO_ZIPCODE),
        ("Box 1234567", NO_ZIPCODE),
        ("", NO_ZIPCODE),
        (None, NO_ZIPCODE),
        (math.nan, NO_ZIPCODE),
    ],
)
def test_zipcode_of_one_address(address, expected):
    assert zipcode(address) == expected


def test_zipcode_rejects_non_text():
    with pytest.raises(InvalidInput, match="address string"):
        zipcode(22690)  # type: ignore[call-overload]


def test_zipcode_of_a_series_is_vectorised_and_keeps_index_and_name():
    addresses = pd.Series(
        [
            "0174 Michelle Gateway\r\nMendozaberg, OK 22690",
            None,
            "no zip here",
            "USS Diaz\r\nFPO AP 70466",
        ],
        index=[10, 11, 12, 13],
        name="address",
        dtype="str",
    )
    result = zipcode(addresses)
    assert isinstance(result, pd.Series)
    assert result.name == "address"
    assert list(result.index) == [10, 11, 12, 13]
    assert result.tolist() == ["22690", NO_ZIPCODE, NO_ZIPCODE, "70466"]
    assert pd.api.types.is_string_dtype(result)


def test_zipcode_of_an_object_series():
    addresses = pd.Series(["a\r\nb, TX 00813", np.nan], dtype=object)
    assert zipcode(addresses).tolist() == ["00813", NO_ZIPCODE]


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, 0.0), (0.0, 0.0), (1, 1.0), (1.0, 1.0), (3, 1.0), (np.int64(8), 1.0)],
)
def test_pub_rec_bankruptcies_flags_any_bankruptcy(number, expected):
    result = pub_rec_bankruptcies(number)
    assert result == expected
    assert isinstance(result, float)


@pytest.mark.parametrize("number", [None, math.nan, np.nan])
def test_pub_rec_bankruptcies_keeps_missing_values_missing(number):
    assert math.isnan(pub_rec_bankruptcies(number))


def test_pub_rec_bankruptcies_rejects_negative_and_non_numbers():
    with pytest.raises(InvalidInput, match="negative"):
        pub_rec_bankruptcies(-1)
    with pytest.raises(InvalidInput, match="expects a number"):
        pub_rec_bankruptcies("1")  # type: ignore[call-overload]
    with pytest.raises(InvalidInput, match="expects a number"):
        pub_rec_bankruptcies(True)  # type: ignore[call-overload]


def test_pub_rec_bankruptcies_of_a_series():
    counts = pd.Series(
        [0.0, 1.0, np.nan, 4.0, 0.0], index=list("abcde"), name="pub_rec_bankruptcies"
    )
    result = pub_rec_bankruptcies(counts)
    assert result.dtype == "float64"
    assert result.name == "pub_rec_bankruptcies"
    assert list(result.index) == list("abcde")
    pd.testing.assert_series_equal(
        result,
        pd.Series([0.0, 1.0, np.nan, 1.0, 0.0], index=list("abcde"), name="pub_rec_bankruptcies"),
    )


def test_pub_rec_bankruptcies_of_an_integer_series_and_nullable_series():
    assert pub_rec_bankruptcies(pd.Series([0, 2, 1])).tolist() == [0.0, 1.0, 1.0]
    nullable = pub_rec_bankruptcies(pd.Series([0, None, 2], dtype="Int64"))
    assert nullable.iloc[0] == 0.0
    assert math.isnan(nullable.iloc[1])
    assert nullable.iloc[2] == 1.0


def test_pub_rec_bankruptcies_of_a_series_rejects_negative_counts():
    with pytest.raises(InvalidInput, match="negative count"):
        pub_rec_bankruptcies(pd.Series([0.0, -2.0]))
