"""Styled layers drawn: the web map (Folium/Leaflet) and the static map (matplotlib).

Owns
    ``style``           one symbology for every renderer: colours, confidence, legends
    ``lod``             level of detail: geometry simplified and rounded per zoom band
    ``labels``          which places get a label, and decluttering on the static map
    ``site_labels``     the sites' names as permanent labels (web map and timeline)
    ``escape``          text from files made safe for HTML and JavaScript
    ``assets``          Leaflet and the app's own scripts, served offline (one bundle)
    ``webmap``          the Folium map: offline basemap, layers, tooltips, popups, legend
    ``webmap_fast``     the per-date feature-group script the app sends on a slider step
    ``timeline_data``   every date's features for the frame to play, as per-layer parts
    ``webmap_html``     tooltip, popup and legend HTML
    ``webmap_basemap``  the offline basemap on the web map
    ``staticmap``       the briefing slide: map, banners, legend, scale bar, north arrow
    ``mpl_draw``, ``map_panel``, ``cartography``, ``basemap_static``: its parts

May import: :mod:`layers.errors`, :mod:`layers.problems`, :mod:`layers.geo`,
:mod:`layers.core`, :mod:`layers.analysis`. Never the other way round.
"""
