"""Questions an analyst asks of the layers: where, how far, how much ground, who held it.

Owns
    ``gazetteer``  offline place search (spelling variants, coordinates typed in any form)
    ``territory``  area held by each controller over time; ground gained and lost
    ``exposure``   how much of a route runs through each controller's zone
    ``measures``   the analyst's measures over the loaded layers (stats, rings, diffs)
    ``overlays``   analysis results as overlays (range rings, change layers) for any renderer
    ``who``        who held a place on a date: controller, since, until, source, confidence

Numbers here are geodesic (:mod:`layers.geo.geodesy`), computed on the as-of
view of :mod:`layers.core`; nothing here draws.

May import: :mod:`layers.errors`, :mod:`layers.problems`, :mod:`layers.geo`,
:mod:`layers.core`.
"""
