"""Every way into a validated frame: files, uploads and the catalog's own layers.

Owns
    ``formats``         sniffing and reading GeoJSON, KML/KMZ, GeoPackage, Shapefile (pyogrio)
    ``zipsafe``         unpacking archives safely (traversal, links, bombs, limits)
    ``load``            :func:`load_layer`: read any accepted file, then validate it (core)
    ``upload``          an analyst's upload: limits, a report per feature, an overlay
    ``catalog_layers``  every catalog layer loaded together, cached by path and mtime
    ``layer_cache``     the on-disk GeoParquet cache of validated catalog layers

A new importer (CSV, XLSX, GPX, Esri JSON, ...) is a module here: it turns a file
into a GeoDataFrame plus :class:`~layers.problems.Problem` objects, and
:func:`load_layer` hands that to :func:`layers.core.validate.validate_frame`.

May import: :mod:`layers.errors`, :mod:`layers.problems`, :mod:`layers.geo`,
:mod:`layers.core`.
"""
