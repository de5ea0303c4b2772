"""Fuzzing every route and parameter: a page, a 4xx JSON error, never a 5xx or a traceback.

The routes come from the app's own URL map, so a view added later is fuzzed
too. Hypothesis fills path parameters, query strings and the headers the app
reads (Accept-Encoding, If-None-Match, Range) with arbitrary text; examples
are bounded so the suite stays fast. The checked client fails any response
whose body shows a stack trace.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PARAMETERS = ["lon", "lat", "crs", "lang", "code", "v", "q", "id", "ids", "a", "b", "format"]

text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "nan", "inf", "-inf", "1e400", "-0", "121.4868", "31.2406", "gcj02", "wgs84", "en", "zh",
                     "310101", "../../etc/passwd", "%00", "</script><script>window.__x=13</script>", "9" * 400,
                     "\ud800", "\x00", "$&", "a" * 5000]),
)


def get_routes(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods)


def fill(rule: str, values) -> str:
    """A URL for a rule, each <converter:name> replaced by a percent-encoded value."""
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", lambda _: quote(next(values), safe=""), rule)


def assert_clean(response, url: str) -> None:
    assert response.status_code < 500, (url, response.status_code, response.get_data()[:300])
    if url.startswith("/api/") and response.status_code >= 400:
        assert response.is_json, (url, response.mimetype)
        assert response.get_json()["error"]["status"] == response.status_code


@pytest.fixture(scope="module")
def routes(app):
    found = get_routes(app)
    assert "/api/locate" in found and "/api/districts/<code>" in found
    return found


@given(data=st.data())
@SETTINGS
def test_any_route_with_any_parameters(client, routes, data):
    rule = data.draw(st.sampled_from(routes), label="route")
    values = iter(data.draw(st.lists(text, min_size=3, max_size=3), label="path values"))
    query = data.draw(st.dictionaries(st.sampled_from(PARAMETERS), text, max_size=4), label="query")
    url = fill(rule, values)
    if query:
        url += "?" + urlencode(query, errors="surrogatepass")
    headers = data.draw(st.fixed_dictionaries({}, optional={
        "Accept-Encoding": st.sampled_from(["gzip;q=0, identity", "br;q=0.5, gzip;q=nan", "*;q=2", "br", "x"])
        | st.text(max_size=20).filter(str.isprintable),
        "If-None-Match": st.text(max_size=20).filter(str.isprintable),
        "Range": st.sampled_from(["bytes=0-10", "bytes=-5", "bytes=x"]),
    }), label="headers")
    assert_clean(client.get(url, headers=headers), url)


@given(lon=text, lat=text, crs=text)
@SETTINGS
def test_locate_with_any_coordinates(client, lon, lat, crs):
    url = "/api/locate?" + urlencode({"lon": lon, "lat": lat, "crs": crs}, errors="surrogatepass")
    response = client.get(url)
    assert_clean(response, url)
    assert response.status_code in (200, 400, 404)


@given(code=text)
@SETTINGS
def test_district_detail_with_any_code(client, code):
    url = "/api/districts/" + quote(code, safe="", errors="surrogatepass")
    response = client.get(url)
    assert_clean(response, url)
    assert response.status_code in (200, 404, 308)
