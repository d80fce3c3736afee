"""Histogram: binning, the np.histogram forms, non-finite counting, limits and round trips."""

from __future__ import annotations

import json

import numpy as np
import pytest

from filmstrip.media.base import from_payload
from filmstrip.media.histogram import Histogram


def test_sequence_gets_64_bins_by_default_and_matches_numpy():
    values = np.random.default_rng(0).normal(size=500)
    payload = Histogram(values).to_payload()
    counts, edges = np.histogram(values, bins=64)
    assert payload["num_bins"] == 64
    assert payload["counts"] == counts.tolist()
    assert payload["bins"] == edges.tolist()
    assert payload["buffers"] == {}
    json.dumps({k: v for k, v in payload.items() if k != "buffers"})


def test_arrays_are_flattened_and_num_bins_is_used():
    values = np.arange(12).reshape(3, 4)
    hist = Histogram(values, num_bins=3)
    assert hist.histogram == [4, 4, 4]
    assert hist.bins == [0.0, 11 / 3, 22 / 3, 11.0]


def test_python_list_sequence():
    assert Histogram([1, 2, 2, 3], num_bins=2).histogram == [1, 3]


def test_num_bins_limits():
    assert Histogram([1.0, 2.0], num_bins=512).num_bins == 512
    with pytest.raises(ValueError, match=r"num_bins: got 513; accepted: 1..512"):
        Histogram([1.0], num_bins=513)
    with pytest.raises(TypeError, match=r"num_bins: expected an int, got float"):
        Histogram([1.0], num_bins=3.5)


def test_np_histogram_keyword_and_positional_tuple():
    values = np.random.default_rng(1).random(100)
    np_hist = np.histogram(values, density=True, range=(0.0, 1.0))
    by_keyword = Histogram(np_histogram=np_hist)
    positional = Histogram(np_hist)  # the reference guide passes the tuple positionally
    assert by_keyword == positional
    assert positional.histogram == np_hist[0].tolist()
    assert positional.bins == np_hist[1].tolist()
    assert positional.num_bins == 10


def test_two_number_sequence_is_not_mistaken_for_np_histogram():
    assert sum(Histogram([3.0, 4.0], num_bins=2).histogram) == 2
    # two 1-D arrays of equal length are data, not (counts, edges)
    assert sum(Histogram((np.arange(3), np.arange(3)), num_bins=4).histogram) == 6


def test_np_histogram_validation():
    with pytest.raises(ValueError, match=r"counts shape \(3,\) and bin_edges shape \(3,\)"):
        Histogram(np_histogram=([1, 2, 3], [0, 1, 2]))
    with pytest.raises(ValueError, match=r"strictly increasing, got \[0.0, 2.0, 1.0\]"):
        Histogram(np_histogram=([1, 2], [0.0, 2.0, 1.0]))
    with pytest.raises(TypeError, match=r"np_histogram: expected a \(counts, bin_edges\) tuple"):
        Histogram(np_histogram=np.arange(3))
    with pytest.raises(ValueError, match="at most 512 bins"):
        Histogram(np_histogram=(np.ones(600), np.arange(601)))


def test_exactly_one_source():
    with pytest.raises(ValueError, match="exactly one of sequence= .* or np_histogram="):
        Histogram()
    with pytest.raises(ValueError, match="exactly one of"):
        Histogram([1.0], np_histogram=([1], [0, 1]))


def test_nan_and_inf_are_counted_not_binned():
    values = np.array([0.0, 1.0, np.nan, np.nan, np.inf, -np.inf, -np.inf, 0.5])
    payload = Histogram(values, num_bins=2).to_payload()
    assert (payload["nan_count"], payload["posinf_count"], payload["neginf_count"]) == (2, 1, 2)
    assert payload["counts"] == [1, 2]
    assert payload["bins"] == [0.0, 0.5, 1.0]


def test_all_nan_does_not_crash():
    hist = Histogram([np.nan, np.nan], num_bins=4)
    assert hist.nan_count == 2 and sum(hist.histogram) == 0 and len(hist.bins) == 5


def test_non_numeric_sequence_is_type_error():
    with pytest.raises(TypeError, match="sequence: expected numbers, got dtype <U1"):
        Histogram(["a", "b"])


def test_round_trip_keeps_counts_edges_and_non_finite_counts():
    original = Histogram(np.array([1.0, 2.0, 2.5, np.nan, np.inf]), num_bins=5)
    restored = from_payload(original.to_payload())
    assert restored == original
    assert restored.nan_count == 1 and restored.posinf_count == 1
    assert restored != Histogram(np.array([1.0, 2.0, 2.5]), num_bins=5)
