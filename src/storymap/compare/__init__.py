"""The planner's workbench: compare locations side by side.

Items (story places, districts, any point) are parsed and located
(:mod:`.items`), compared by a pure function of the built model
(:mod:`.compute`: geodesic distances and bearings, walking circles overlaid on
the full-resolution districts, district indicators from :mod:`.indicators`),
and formatted as a table, CSV or GeoJSON (:mod:`.formats`).
"""

from .compute import compare
from .items import CompareInputError, CompareRequest, parse_request

__all__ = ["compare", "parse_request", "CompareInputError", "CompareRequest"]
