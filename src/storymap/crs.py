"""The names of the coordinate reference systems storymap accepts.

Apart from :mod:`storymap.coords` (which converts between them, with numpy),
so that a command line can offer the names without importing numpy.
"""

WGS84 = "wgs84"
GCJ02 = "gcj02"
CRS_NAMES = (WGS84, GCJ02)
