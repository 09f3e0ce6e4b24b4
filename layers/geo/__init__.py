"""Geometry on the ellipsoid: the lowest floor, knowing nothing of layers or dates.

Owns
    ``geodesy``     distances, bearings, circles, lengths and areas on WGS84 (pyproj.Geod)
    ``coords``      reading and writing coordinates: decimal, DMS, MGRS
    ``coordcheck``  sanity of raw coordinates: the region, swapped axes, projected metres

May import: :mod:`layers.errors` and :mod:`layers.problems` only. Everything else
in ``layers`` may import this.
"""
