"""WGS-84 <-> GCJ-02 conversion (storymap.coords)."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from storymap import coords

GEOD = Geod(ellps="WGS84")

# Published test vector of wandergis/coordtransform (test/app.js), Tiananmen.
TIANANMEN = (116.404, 39.915)
TIANANMEN_GCJ02 = (116.41024449916938, 39.91640428150164)  # wgs84togcj02(116.404, 39.915)
# gcj02towgs84(116.404, 39.915) as published: the one-step approximation 2*g - f(g).
TIANANMEN_WGS84_ONE_STEP = (116.39775550083061, 39.91359571849836)


def metres(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def shanghai_grid():
    """A 41 x 41 grid over the whole municipality (Chongming to Jinshan, Qingpu to the sea)."""
    lon, lat = np.meshgrid(np.linspace(120.85, 122.25, 41), np.linspace(30.65, 31.90, 41))
    return lon.ravel(), lat.ravel()


def random_china(count=20_000, seed=20251201):
    """Seeded random points over mainland China and its waters."""
    rng = np.random.default_rng(seed)
    return rng.uniform(73.6, 134.7, count), rng.uniform(18.2, 53.5, count)


def test_forward_matches_published_vector():
    lon, lat = coords.wgs84_to_gcj02(*TIANANMEN)
    assert lon == pytest.approx(TIANANMEN_GCJ02[0], abs=1e-12)
    assert lat == pytest.approx(TIANANMEN_GCJ02[1], abs=1e-12)


def test_inverse_is_exact_where_the_published_value_is_an_approximation():
    exact = coords.gcj02_to_wgs84(*TIANANMEN)
    # The exact inverse maps back onto the input; the one-step value does not.
    assert metres(*coords.wgs84_to_gcj02(*exact), *TIANANMEN) < 1e-4
    assert metres(*coords.wgs84_to_gcj02(*TIANANMEN_WGS84_ONE_STEP), *TIANANMEN) > 0.01
    # ... and the two agree to well under a metre (the one-step error is centimetres).
    assert metres(*exact, *TIANANMEN_WGS84_ONE_STEP) < 1.0


@pytest.mark.parametrize("points", [shanghai_grid(), random_china()], ids=["shanghai-grid", "random-china"])
def test_round_trip_wgs_gcj_wgs_within_a_centimetre(points):
    lon, lat = points
    back = coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(lon, lat))
    assert np.max(metres(lon, lat, *back)) < 0.01


@pytest.mark.parametrize("points", [shanghai_grid(), random_china()], ids=["shanghai-grid", "random-china"])
def test_round_trip_gcj_wgs_gcj_within_a_centimetre(points):
    lon, lat = points
    back = coords.wgs84_to_gcj02(*coords.gcj02_to_wgs84(lon, lat))
    assert np.max(metres(lon, lat, *back)) < 0.01


def test_shift_in_shanghai_is_a_few_hundred_metres():
    lon, lat = shanghai_grid()
    shift = metres(lon, lat, *coords.wgs84_to_gcj02(lon, lat))
    assert shift.min() > 300
    assert shift.max() < 700


@pytest.mark.parametrize(
    "lon, lat",
    [(-0.1276, 51.5072), (-74.006, 40.7128), (151.2093, -33.8688), (37.6173, 55.7558), (139.6917, 35.6895)],
    ids=["london", "new-york", "sydney", "moscow", "tokyo"],
)
def test_points_outside_china_are_unchanged(lon, lat):
    assert coords.wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert coords.gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert coords.to_wgs84(lon, lat, coords.GCJ02) == (lon, lat)


def test_scalar_input_gives_python_floats():
    for func in (coords.wgs84_to_gcj02, coords.gcj02_to_wgs84):
        lon, lat = func(121.47, 31.23)
        assert type(lon) is float and type(lat) is float


def test_array_input_gives_arrays_equal_to_elementwise_scalars():
    lon, lat = random_china(count=50, seed=7)
    for func in (coords.wgs84_to_gcj02, coords.gcj02_to_wgs84):
        a_lon, a_lat = func(lon, lat)
        assert isinstance(a_lon, np.ndarray) and a_lon.shape == lon.shape
        scalars = np.array([func(x, y) for x, y in zip(lon, lat)])
        np.testing.assert_array_equal(a_lon, scalars[:, 0])
        np.testing.assert_array_equal(a_lat, scalars[:, 1])
        # A list is accepted too.
        l_lon, _ = func(list(lon), list(lat))
        np.testing.assert_array_equal(l_lon, a_lon)


def test_mixed_array_converts_only_the_points_inside_china():
    lon = np.array([116.404, -0.1276])
    lat = np.array([39.915, 51.5072])
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    assert (g_lon[0], g_lat[0]) == pytest.approx(TIANANMEN_GCJ02, abs=1e-12)
    assert (g_lon[1], g_lat[1]) == (-0.1276, 51.5072)


def test_to_wgs84_dispatches_on_crs():
    assert coords.to_wgs84(121.47, 31.23, "wgs84") == (121.47, 31.23)
    assert coords.to_wgs84(*TIANANMEN, "gcj02") == coords.gcj02_to_wgs84(*TIANANMEN)
    with pytest.raises(ValueError, match="bd09"):
        coords.to_wgs84(121.47, 31.23, "bd09")
