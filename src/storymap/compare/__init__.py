"""The planner's workbench: compare locations side by side.

Items (story places, districts, any point; typed as ids, names, aliases or
pinyin) are parsed and located (:mod:`.items`), compared by a pure function of
the built model (:mod:`.compute`: geodesic distances and bearings, walking
circles overlaid on the full-resolution districts, district indicators from
:mod:`.indicators`), and formatted as a table, tidy CSV tables or GeoJSON
(:mod:`.formats`). :mod:`.offline` is the data a page without the server (the
static copy) compares from, in ``static/js/compare-local.js``.
"""

from .items import CompareInputError, CompareRequest, parse_request

__all__ = ["compare", "parse_request", "CompareInputError", "CompareRequest"]


def __getattr__(name):
    # The computation's libraries (numpy, shapely, pyproj) load when it is first asked for, so
    # the command line can list `storymap compare` and its options without them.
    if name == "compare":
        from .compute import compare

        return compare
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
