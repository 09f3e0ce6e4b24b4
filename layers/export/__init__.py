"""Files an analyst takes away: slide maps, data files, standalone HTML, packs.

Owns
    ``files``  one entry point per format (PNG, PDF, SVG, HTML, GeoJSON, KML, GeoPackage)
    ``html``   the standalone interactive HTML with its own time slider (assets in ``_html/``)
    ``kml``    KML with TimeSpan and the map's styles
    ``pack``   a multi-date PDF pack and an animated GIF of the timeline

Every file starts from the same :class:`~layers.core.view.MapView` as the screen.

May import: :mod:`layers.errors`, :mod:`layers.problems`, :mod:`layers.geo`,
:mod:`layers.core`, :mod:`layers.analysis`, :mod:`layers.render`.
"""
