"""BD-09 (Baidu) beside GCJ-02: the forward transform against published pairs, the exact inverse."""

from __future__ import annotations

import numpy as np
import pytest

from storymap import coords


def test_gcj02_to_bd09_matches_the_published_reference_values():
    # hutool's CoordinateUtilTest (values of wandergis/coordtransform): gcj02ToBd09(116.404, 39.915).
    lon, lat = coords.gcj02_to_bd09(116.404, 39.915)
    assert lon == pytest.approx(116.41036949371029, abs=1e-12)
    assert lat == pytest.approx(39.92133699351021, abs=1e-12)


def test_bd09_to_gcj02_agrees_with_the_published_approximate_inverse():
    # The same tests' bd09ToGcj02(116.404, 39.915), made by the closed-form approximation, which
    # is off by up to a few 1e-7 degrees (centimetres): ours is exact, so agreement is to 1e-6.
    lon, lat = coords.bd09_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.39762729119315, abs=1e-6)
    assert lat == pytest.approx(39.908656735183884, abs=1e-6)


def test_beijing_railway_station_pair():
    # A published pair for 北京站: GCJ-02 (116.42703, 39.90245), BD-09 (116.43351, 39.90851), 5 decimals.
    lon, lat = coords.gcj02_to_bd09(116.42703, 39.90245)
    assert (lon, lat) == (pytest.approx(116.43351, abs=1e-5), pytest.approx(39.90851, abs=1e-5))
    back = coords.bd09_to_gcj02(116.43351, 39.90851)
    assert back == (pytest.approx(116.42703, abs=1e-5), pytest.approx(39.90245, abs=1e-5))


def test_inverse_is_exact_over_china():
    rng = np.random.default_rng(7)
    lon = rng.uniform(74, 134, 2000)
    lat = rng.uniform(18, 53, 2000)
    g_lon, g_lat = coords.bd09_to_gcj02(*coords.gcj02_to_bd09(lon, lat))
    assert np.max(np.abs(g_lon - lon)) < 1e-11 and np.max(np.abs(g_lat - lat)) < 1e-11
    w_lon, w_lat = coords.bd09_to_wgs84(*coords.wgs84_to_bd09(lon, lat))
    assert np.max(np.abs(w_lon - lon)) < 1e-10 and np.max(np.abs(w_lat - lat)) < 1e-10


def test_bd09_is_an_input_format_only():
    # Data files declare WGS-84 or GCJ-02; the desk converts BD-09 before anything is stored.
    assert coords.BD09 not in coords.CRS_NAMES
    with pytest.raises(ValueError, match="bd09"):
        coords.to_wgs84(121.47, 31.23, coords.BD09)


def test_bd09_offset_is_hundreds_of_metres():
    # Baidu's shift from GCJ-02 in Shanghai is about 0.0065 deg east and 0.006 deg north (~600-700 m).
    lon, lat = coords.gcj02_to_bd09(121.4737, 31.2304)
    assert 0.005 < lon - 121.4737 < 0.008 and 0.004 < lat - 31.2304 < 0.008
