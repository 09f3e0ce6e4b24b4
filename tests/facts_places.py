"""FACTS.md §2 place positions, copied by hand (lat, lon), shared by the data tests.

Kept apart from geodata/ on purpose: the tests check the data against the facts,
not against itself.
"""

#: FACTS.md §2, copied by hand (lat, lon): the gazetteer must hold each of them.
FACTS_PLACES = {
    "Damascus": (33.5131, 36.2919), "Homs": (34.7308, 36.7094), "Hama": (35.1318, 36.7578),
    "Aleppo": (36.200, 37.160), "Idlib": (35.9306, 36.6339), "Latakia": (35.5167, 35.7833),
    "Tartus": (34.889, 35.887), "Jableh": (35.361, 35.926), "Baniyas": (35.182, 35.940),
    "Daraa": (32.619, 36.102), "Suwayda": (32.709, 36.569), "Deir ez-Zor": (35.336, 40.141),
    "Raqqa": (35.953, 39.009), "Tabqa": (35.836, 38.548), "Qamishli": (37.052, 41.232),
    "Hasakah": (36.502, 40.748), "Manbij": (36.528, 37.955), "Kobani": (36.891, 38.354),
    "Afrin": (36.512, 36.869), "Azaz": (36.587, 37.046), "al-Bab": (36.370, 37.515),
    "Tell Rifaat": (36.472, 37.097), "Jisr al-Shughur": (35.812, 36.318),
    "Saraqib": (35.864, 36.806), "Maarat al-Numan": (35.643, 36.673),
    "Salamiyah": (35.011, 37.053), "Palmyra": (34.560, 38.267), "Mayadin": (35.019, 40.452),
    "Albu Kamal": (34.453, 40.918), "al-Tanf garrison": (33.50, 38.65),
}
