"""Write a synthetic corpus of N press releases for the scale benchmark.

Names are invented by combining syllables (companies, brands, people, products,
technologies, alliances, events); places are real cities so the place gazetteer
has something to find. Each release is a wire-style text assembled from several
sentence templates per relation type, in one of four layouts:

* plain wire text (most releases),
* an HTML page with navigation, cookie banner and footer around an ``<article>``,
* an RSS 2.0 feed holding 3-5 short releases as items,
* a correction notice that re-issues an earlier release of the corpus.

Everything is drawn from ``random.Random(seed)``, so a corpus is reproducible.
``params.json`` (next to the releases) lists names that occur in the corpus, for
the benchmark's saved-query parameters.

    python benchmarks/generate.py 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import html
import json
import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

ONSETS = ["b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "pr", "r", "s", "st",
          "t", "tr", "v", "vr", "z", "sk", "th", "qu", "j"]
VOWELS = ["a", "e", "i", "o", "u", "ae", "ai", "ei", "ia", "io", "ou", "y"]
CODAS = ["", "", "", "n", "r", "l", "s", "x", "m", "nd", "rk", "lt", "st", "v"]

COMPANY_HEADS = ["Motors", "Automotive", "Mobility", "Energy", "Systems", "Technologies", "Robotics", "Batteries",
                 "Electric", "Industries", "Logistics", "Aerospace"]
LEGAL = ["", "", "", " AG", " GmbH", " Inc.", " Co., Ltd.", " SE", " AB", " S.p.A."]
ALLIANCE_HEADS = ["Alliance", "Consortium", "Association", "Coalition", "Network"]
TECH_HEADS = ["platform", "architecture", "battery", "e-axle", "powertrain", "operating system"]
PRODUCT_KINDS = ["SUV", "sedan", "pickup", "van", "hatchback", "bus", "truck", "robotaxi", "crossover", "humanoid robot"]
EVENT_HEADS = ["Summit", "Expo", "Mobility Week", "Innovation Day", "Tech Forum"]
SECTORS = ["electric vehicles", "battery storage", "autonomous driving", "charging infrastructure",
           "commercial vehicles", "micromobility", "hydrogen mobility", "vehicle software", "rail transport",
           "logistics"]
TITLES = ["chief executive officer", "chief technology officer", "head of product", "managing director",
          "president", "vice president of engineering", "head of charging"]
FIRST_NAMES = ["Anna", "Lukas", "Mei", "Jonas", "Sofia", "Ravi", "Elena", "Tomas", "Yuki", "Omar", "Ines", "Pavel",
               "Chen", "Marta", "Kofi", "Lea", "Arjun", "Hana", "Diego", "Nora"]
CITIES = [("Munich", "Germany"), ("Stuttgart", "Germany"), ("Turin", "Italy"), ("Lyon", "France"),
          ("Gothenburg", "Sweden"), ("Oslo", "Norway"), ("Madrid", "Spain"), ("Warsaw", "Poland"),
          ("Shanghai", "China"), ("Shenzhen", "China"), ("Seoul", "South Korea"), ("Tokyo", "Japan"),
          ("Detroit", "United States"), ("Austin", "United States"), ("Toronto", "Canada"),
          ("Sao Paulo", "Brazil"), ("Pune", "India"), ("Bangkok", "Thailand"), ("Istanbul", "Turkey"),
          ("Vienna", "Austria"), ("Prague", "Czech Republic"), ("Amsterdam", "Netherlands")]
WIRES = ["PRNewswire", "Business Wire", "GLOBE NEWSWIRE", "Nordic Wire"]

# Several phrasings per relation; {a} and {b} are the two ends.
TEMPLATES = {
    "hasBrand": ["{a} owns the {b} brand.", "{b}, a brand of {a}, will lead the rollout.",
                 "The {b} marque belongs to {a}."],
    "subsidiaryOf": ["{a} is a wholly owned subsidiary of {b}.", "{b} set up {a} as a subsidiary last year.",
                     "{a}, a subsidiary of {b}, will run the programme."],
    "memberOf": ["{a} has joined the {b}.", "{a} is a founding member of the {b}.",
                 "As a member of the {b}, {a} will share test data."],
    "launched": ["{a} today unveiled the {b}.", "{a} launched the {b} at a ceremony in its home market.",
                 "The {b} was introduced by {a} this week."],
    "develops": ["{a} developed the {b} in-house.", "{a} is developing the {b} for its next models.",
                 "The {b} is engineered by {a}."],
    "partnerOf": ["{a} and {b} signed a strategic partnership.", "{a} is partnering with {b} on the project.",
                  "{a} will work with {b} to scale production."],
    "worksFor": ['"This is a milestone for our customers," said {a}, {title} of {b}.',
                 "{a}, {title} at {b}, presented the plan.", "According to {a}, {title} of {b}, demand is strong."],
    "organizedBy": ["The {a}, organised by {b}, opens next month.", "{b} will host the {a} in the autumn.",
                    "The {a} is run by {b}."],
    "activeIn": ["{a} is active in {b}.", "{a} operates in {b} across three continents.",
                 "{a} has expanded its business in {b}."],
    "produces": ["{a} builds the {b} at its main plant.", "{a} manufactures the {b}.",
                 "Production of the {b} by {a} starts in the spring."],
    "headquarteredIn": ["{a} is headquartered in {b}.", "{a}, based in {b}, employs 4,000 people.",
                        "The headquarters of {a} are in {b}."],
    "usesTechnology": ["The {a} uses the {b}.", "The {a} is built on the {b}.", "The {a} relies on the {b}."],
}
HEADLINES = ["{company} Unveils the {product}", "{company} and {partner} Announce Partnership",
             "{company} Joins the {alliance}", "{company} Opens New Plant in {city}",
             "{company} Presents Its {tech}", "{company} Reports Record Deliveries of the {product}"]
FILLER = ["Deliveries to customers in Europe are planned for the second half of the year.",
          "The company did not disclose the financial terms.",
          "Further details will be shared at a press conference.",
          "The investment creates around 600 jobs in the region.",
          "Analysts expect the segment to grow by double digits."]


def word(rng: random.Random, syllables: int) -> str:
    text = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(CODAS)
    return text.capitalize()


@dataclass
class World:
    """The invented names releases are written about."""

    companies: list[str]
    brands: list[str]
    alliances: list[str]
    technologies: list[str]
    products: list[str]
    people: list[str]
    events: list[str]
    used: Counter = field(default_factory=Counter)

    @classmethod
    def invent(cls, rng: random.Random, size: int) -> World:
        def unique(make, count):
            found: dict[str, None] = {}
            while len(found) < count:
                found[make()] = None
            return list(found)

        brands = unique(lambda: word(rng, 2), size)
        return cls(
            companies=unique(lambda: f"{word(rng, 2)} {rng.choice(COMPANY_HEADS)}{rng.choice(LEGAL)}", size),
            brands=brands,
            alliances=unique(lambda: f"{word(rng, 2)} {rng.choice(['Charging', 'Battery', 'Mobility', 'Hydrogen'])} "
                                     f"{rng.choice(ALLIANCE_HEADS)}", max(5, size // 10)),
            technologies=unique(lambda: f"{word(rng, 2)} {rng.choice(TECH_HEADS)}", size),
            products=unique(lambda: f"{rng.choice(brands)} {word(rng, 1)} {rng.choice(PRODUCT_KINDS)}", size),
            people=unique(lambda: f"{rng.choice(FIRST_NAMES)} {word(rng, 2)}", size),
            events=unique(lambda: f"{word(rng, 2)} {rng.choice(EVENT_HEADS)} {rng.randint(2024, 2026)}",
                          max(5, size // 10)),
        )

    def pick(self, rng: random.Random, kind: str) -> str:
        # A few names recur often (as big companies do), most rarely.
        names = getattr(self, kind)
        name = names[min(int(rng.paretovariate(1.2)) - 1, len(names) - 1)] if rng.random() < 0.3 else rng.choice(names)
        self.used[(kind, name)] += 1
        return name


def fact_sentence(rng: random.Random, world: World, company: str) -> str:
    relation = rng.choice(list(TEMPLATES))
    template = rng.choice(TEMPLATES[relation])
    ends = {
        "hasBrand": (company, world.pick(rng, "brands")),
        "subsidiaryOf": (world.pick(rng, "companies"), company),
        "memberOf": (company, world.pick(rng, "alliances")),
        "launched": (company, world.pick(rng, "products")),
        "develops": (company, world.pick(rng, "technologies")),
        "partnerOf": (company, world.pick(rng, "companies")),
        "worksFor": (world.pick(rng, "people"), company),
        "organizedBy": (world.pick(rng, "events"), company),
        "activeIn": (company, rng.choice(SECTORS)),
        "produces": (company, world.pick(rng, "products")),
        "headquarteredIn": (company, rng.choice(CITIES)[0]),
        "usesTechnology": (world.pick(rng, "products"), world.pick(rng, "technologies")),
    }[relation]
    return template.format(a=ends[0], b=ends[1], title=rng.choice(TITLES))


@dataclass
class Release:
    headline: str
    dateline: str
    published: date
    wire: str
    paragraphs: list[str]
    source: str

    def wire_text(self) -> str:
        first = f"{self.dateline}, {self.published:%B} {self.published.day}, {self.published.year} /{self.wire}/ -- "
        body = [first + self.paragraphs[0], *self.paragraphs[1:]]
        return "\n\n".join([self.headline, *body, f"SOURCE {self.source}"]) + "\n"


def make_release(rng: random.Random, world: World, day: date) -> Release:
    company = world.pick(rng, "companies")
    city, country = rng.choice(CITIES)
    headline = rng.choice(HEADLINES).format(
        company=company, partner=world.pick(rng, "companies"), alliance=world.pick(rng, "alliances"),
        city=rng.choice(CITIES)[0], tech=world.pick(rng, "technologies"), product=world.pick(rng, "products"))
    paragraphs = []
    for _ in range(rng.randint(3, 6)):
        sentences = [fact_sentence(rng, world, company) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.4:
            sentences.append(rng.choice(FILLER))
        paragraphs.append(" ".join(sentences))
    return Release(headline, f"{city.upper()}, {country}", day, rng.choice(WIRES), paragraphs, company)


def html_page(release: Release) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in release.wire_text().split("\n\n")[1:])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(release.headline)}</title></head>
<body>
<nav><a href="/">Home</a> <a href="/news">Newsroom</a> <a href="/careers">Careers</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<main><article>
<h1>{html.escape(release.headline)}</h1>
{body}
</article>
<aside><h2>Related news</h2><ul><li><a href="/n/1">Quarterly results</a></li><li><a href="/n/2">Board changes</a></li></ul></aside>
</main>
<footer>Copyright {release.published.year}. All rights reserved. Imprint | Privacy</footer>
</body></html>
"""


def rss_feed(releases: list[Release], index: int) -> str:
    items = []
    for number, release in enumerate(releases):
        stamp = datetime(release.published.year, release.published.month, release.published.day, 9, tzinfo=timezone.utc)
        description = " ".join(release.paragraphs[:2])
        items.append(f"""  <item>
    <title>{html.escape(release.headline)}</title>
    <link>https://newsroom.example.com/feed{index}/item{number}</link>
    <pubDate>{format_datetime(stamp)}</pubDate>
    <description>{html.escape(description)}</description>
  </item>""")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
            f"  <title>Newsroom {index}</title>\n  <link>https://newsroom.example.com/</link>\n"
            "  <description>Press releases</description>\n" + "\n".join(items) + "\n</channel></rss>\n")


def correction(release: Release, rng: random.Random) -> str:
    fixed = Release(release.headline, release.dateline, release.published, release.wire,
                    [*release.paragraphs[:-1], release.paragraphs[-1] + " " + rng.choice(FILLER)], release.source)
    notice = (f"In the news release, {release.headline}, issued {release.published.day}-"
              f"{release.published:%b}-{release.published.year} by {release.source} over {release.wire}, "
              "a figure in the last paragraph was incomplete. The corrected release follows:")
    return f"/C O R R E C T I O N -- {release.source}/\n\n{notice}\n\n{fixed.wire_text()}"


def generate(count: int, folder: Path, *, seed: int = 7) -> dict[str, int]:
    """Write ``count`` releases under ``folder`` (emptied first); return how many of each layout."""
    rng = random.Random(seed * 1_000_003 + count)
    world = World.invent(rng, max(20, count // 4))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    written: list[Release] = []
    layouts = Counter()
    day = date(2024, 1, 1)
    while sum(layouts.values()) < count:
        number = sum(layouts.values())
        day += timedelta(days=rng.random() < 0.3)
        roll = rng.random()
        shard = folder / f"{number // 1000:03d}"
        shard.mkdir(exist_ok=True)
        if roll < 0.02 and written:
            original = rng.choice(written)
            (shard / f"r{number:06d}-correction.txt").write_text(correction(original, rng), encoding="utf-8")
            layouts["correction"] += 1
        elif roll < 0.07:
            release = make_release(rng, world, day)
            (shard / f"r{number:06d}.html").write_text(html_page(release), encoding="utf-8")
            written.append(release)
            layouts["html"] += 1
        elif roll < 0.10 and count - number >= 3:
            items = [make_release(rng, world, day) for _ in range(min(rng.randint(3, 5), count - number))]
            (shard / f"r{number:06d}.rss").write_text(rss_feed(items, number), encoding="utf-8")
            layouts["rss item"] += len(items)
        else:
            release = make_release(rng, world, day)
            (shard / f"r{number:06d}.txt").write_text(release.wire_text(), encoding="utf-8")
            written.append(release)
            layouts["text"] += 1
    params = {kind: max((n for (k, n) in world.used if k == kind), key=lambda n: world.used[(kind, n)])
              for kind in ("companies", "brands", "alliances", "technologies", "products", "people", "events")}
    params["sector"] = SECTORS[0]
    (folder / "params.json").write_text(json.dumps(params, indent=2) + "\n", encoding="utf-8")
    return dict(layouts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of releases (feed items count one each)")
    parser.add_argument("folder", type=Path, help="output folder (replaced)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    layouts = generate(args.count, args.folder, seed=args.seed)
    print(f"{sum(layouts.values())} releases in {args.folder}: " + ", ".join(f"{n} {k}" for k, n in sorted(layouts.items())))


if __name__ == "__main__":
    main()
