"""The data model: what a layer is, whether a frame is valid, and what holds on a date.

Owns
    ``catalog``   the catalog (``geodata/catalog.toml``): layer specs, styles' labels, region
    ``vocab``     the data contract: required properties and allowed values per layer kind
    ``validate``  every rule a validated GeoDataFrame obeys (collect all problems, report once)
    ``tiling``    zones of control tile their region on every date (no overlap, no gap)
    ``timeline``  dates: parsing, ``as_of`` (valid_from inclusive, valid_to exclusive), change days
    ``loaded``    :class:`LoadedLayers`, the frames every renderer and analysis takes
    ``view``      :class:`MapView` and :class:`Overlay`: one as-of view shared by every output
    ``records``   features made JSON-safe, and the distinct sources behind them
    ``sources``   the numbered source list (each reference once, what it supports)

This is the middle of the flow ``file or store → validated frame → as-of view →
styled layer → output``: it never reads a file format itself (that is
:mod:`layers.ingest`) and never draws (that is :mod:`layers.render`).

May import: :mod:`layers.errors`, :mod:`layers.problems`, :mod:`layers.geo`.
"""
