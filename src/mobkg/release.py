"""The release record every reader produces, and the newswire conventions it decodes.

A wire release opens with a header that carries metadata, not prose::

    /C O R R E C T I O N -- Acme Motors/           correction notice
    HEADLINE
    MUNICH, Germany, March 4, 2025 /PRNewswire/ -- Body text ...
    ^dateline place  ^date          ^wire service

:func:`parse_dateline` splits that header off a paragraph; :func:`parse_date`
reads the date styles wires use. Readers call both, so every format yields the
same :class:`Release`.
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "Release",
    "SourceFormat",
    "Dateline",
    "parse_dateline",
    "parse_date",
    "split_correction",
    "clean_block",
    "clean_url",
]


class SourceFormat(enum.Enum):
    """How a release was read."""

    TEXT = "text"
    HTML = "html"
    MARKDOWN = "markdown"
    RSS = "rss"
    ATOM = "atom"


@dataclass(frozen=True)
class Release:
    """One press release, reduced to its headline, body blocks and header metadata."""

    source: str
    """Path or URL the release was read from (a feed item: the feed path plus ``#item``)."""
    title: str
    body: tuple[str, ...]
    """Paragraph-like blocks of body text, header and wire boilerplate removed."""
    sha256: str
    """Hex digest of the bytes this release came from."""
    format: SourceFormat
    published: date | None = None
    dateline: str | None = None
    """Dateline place as written, e.g. ``"WUHU, China"``."""
    wire: str | None = None
    url: str | None = None
    corrects: str | None = None
    """For a correction notice: the headline of the release it corrects."""
    links: tuple[str, ...] = field(default=())
    """Link texts the source listed separately (Markdown link lists, related links)."""
    author: str | None = None
    """Author named by the source's metadata (front matter, feed entry)."""
    keywords: tuple[str, ...] = field(default=())
    """Categories and tags the source's metadata gives."""
    variant: str | None = None
    """Set when a different release already has this one's headline (or, in one feed, its link): what tells
    them apart (where it was read from)."""

    @property
    def identity(self) -> str:
        """A key shared by a release and its corrections: its URL, else its normalised headline.

        A correction notice repeats the headline of the release it corrects, so
        both map to the same named graph and the correction replaces the original.

        >>> r = Release("a.txt", "Acme Unveils  X-1", (), "0" * 64, SourceFormat.TEXT)
        >>> r.identity
        'title:acme unveils x-1'
        """
        if self.url:
            identity = "url:" + self.url.strip()
        else:
            title = unicodedata.normalize("NFKC", self.title).casefold()
            title = re.sub(r"\s+", " ", title).strip()
            identity = "title:" + title if title else "sha256:" + self.sha256
        return identity + " @" + self.variant if self.variant else identity

    @property
    def key(self) -> str:
        """Short stable hash of :attr:`identity`, used in the release IRI."""
        return hashlib.sha256(self.identity.encode("utf-8")).hexdigest()[:20]


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"      # March 4, 2025 / Sept. 25 2025 / May 4th, 2025
    rf"|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}"          # 4 March 2025
    rf"|\d{{1,2}}-{_MONTH}-\d{{4}}"              # 25-Apr-2025
    r"|\d{4}-\d{2}-\d{2})"                       # 2025-03-04
)
_DATE_RE = re.compile(_DATE, re.IGNORECASE)
_PLACE = r"[A-Z][\w.'’&\- ]*?(?:,\s*[A-Z][\w.'’\- ]*?){0,2}"
_WIRE = r"(?:/\s*(?P<wire>[^/\n]{2,40}?)\s*/|\(\s*(?P<wire2>[^)\n]{2,40}?)\s*\))"
_DASH = r"(?:--|—|–|-)"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_ZONE = (r"(?:Eastern|Central|Pacific|Mountain|Atlantic|ET|EST|EDT|CT|CST|CDT|MT|MST|PT|PST|PDT|GMT|UTC|CET|CEST|BST|"
         r"JST|KST|IST|SGT|HKT|AEST|(?:America|Europe|Asia|Africa|Australia|Pacific)/[\w/]+)(?: (?:Standard |Daylight )?Time)?")
_TIME = rf"(?:\s*@?\s*\d{{1,2}}:\d{{2}}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+{_ZONE})?)?"
_NAMED_WIRE = r"(?P<wire>[A-Z][^\n()/]{1,50}?(?:Newswire|NewsWire|NEWSWIRE|MediaWire|Wire|WIRE))"
_END = rf"\s*(?:{_DASH}+\s*|$)"
_DATELINE_RES = (  # the first that matches wins: the more specific come first
    # HANOI, VIETNAM - Media OutReach Newswire - 17 July 2026 - text
    re.compile(rf"^(?P<place>{_PLACE})\s*{_DASH}\s*{_NAMED_WIRE}\s*{_DASH}\s*(?P<date>{_DATE}){_END}"),
    # MUNICH, Germany, March 4, 2025 /PRNewswire/ -- text
    re.compile(rf"^(?P<place>{_PLACE})\s*,\s*(?P<date>{_DATE}){_TIME}\s*{_WIRE}?{_END}"),
    # SEOUL, South Korea--(BUSINESS WIRE)--text
    re.compile(rf"^(?P<place>{_PLACE})\s*{_DASH}+\s*\((?P<wire>[^)\n]{{2,40}})\)\s*{_DASH}+\s*"),
    # RELLINGEN, GERMANY - May 18, 2026 (NEWMEDIAWIRE) - text / NEW YORK, NY — April 28, 2026 — (NOTICIAS NEWSWIRE) —
    # Washington, United States - April 16, 2026 / SmileHQ / text
    re.compile(rf"^(?P<place>{_PLACE})\s*{_DASH}\s*(?P<date>{_DATE}){_TIME}\s*(?:{_DASH}\s*)?{_WIRE}{_END}"),
    # Las Vegas, NV — January 6, 2026 — text
    re.compile(rf"^(?P<place>{_PLACE})\s*{_DASH}+\s*(?P<date>{_DATE}){_TIME}{_END}"),
    # Kendall County, Texas (Newsworthy.ai) Wednesday Jan 28, 2026 @ 7:00 AM Central — text
    re.compile(rf"^(?P<place>{_PLACE})\s*\((?P<wire>[^)\n]{{2,40}})\)\s*{_WEEKDAY}(?P<date>{_DATE}){_TIME}{_END}"),
    # PORT COQUITLAM, BC / PR Karma / August 27, 2024 16:15 text
    re.compile(rf"^(?P<place>{_PLACE})\s*/\s*(?P<wire>[^/\n]{{2,40}}?)\s*/\s*(?P<date>{_DATE}){_TIME}{_END}"),
    # ENGLEWOOD, Colo., March 3, 2026 – PRISM MediaWire (Press Release Service) – text
    re.compile(rf"^(?P<place>{_PLACE})\s*,\s*(?P<date>{_DATE})\s*{_DASH}\s*{_NAMED_WIRE}(?:\s*\([^)\n]*\))?{_END}"),
)


@dataclass(frozen=True)
class Dateline:
    place: str
    published: date | None
    wire: str | None
    rest: str
    """The paragraph with the header removed."""


def parse_date(text: str) -> date | None:
    """Read the first wire-style date in ``text``.

    >>> parse_date("Sept. 25, 2025"), parse_date("issued 25-Apr-2025 by"), parse_date("12 June 2025")
    (datetime.date(2025, 9, 25), datetime.date(2025, 4, 25), datetime.date(2025, 6, 12))
    """
    found = _DATE_RE.search(text)
    if not found:
        return None
    raw = found.group(0)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    parts = re.findall(r"[A-Za-z]+|\d+", raw)
    month = next(_MONTHS.get(p[:4].lower(), _MONTHS.get(p[:3].lower())) for p in parts if p.isalpha())
    numbers = [int(p) for p in parts if p.isdigit()]
    day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_dateline(paragraph: str) -> Dateline | None:
    """Split a wire header (place, date, wire service) off the start of ``paragraph``.

    >>> d = parse_dateline("WUHU, China, Jan. 7, 2025 /PRNewswire/ -- Acme today said ...")
    >>> d.place, d.published, d.wire, d.rest
    ('WUHU, China', datetime.date(2025, 1, 7), 'PRNewswire', 'Acme today said ...')
    """
    head = paragraph.strip()
    for pattern in _DATELINE_RES:
        found = pattern.match(head)
        if not found:
            continue
        groups = found.groupdict()
        place = groups["place"].strip(" ,")
        if len(place) > 60 or not place[:1].isupper():
            continue
        wire = groups.get("wire") or groups.get("wire2")
        published = parse_date(groups["date"]) if groups.get("date") else None
        return Dateline(place, published, wire.strip() if wire else None, head[found.end():].strip())
    return None


_CORRECTION_RE = re.compile(r"^/?\s*C\s*O\s*R\s*R\s*E\s*C\s*T\s*I\s*O\s*N\s*-+\s*(?P<who>[^/]+?)\s*/?\s*$")
_NOTICE_RE = re.compile(r"^In the (?:news )?release,?\s+(?P<headline>.+?)(?:,\s*issued\b|$)", re.IGNORECASE)


def split_correction(blocks: list[str]) -> tuple[str | None, list[str]]:
    """Recognise a ``/C O R R E C T I O N -- X/`` notice at the top of ``blocks``.

    Returns the corrected headline (or ``None`` for an ordinary release) and the
    blocks of the corrected release that follows the notice.

    >>> split_correction(["/C O R R E C T I O N -- Acme/", "In the news release, Acme Grows, issued 2-May-2025 by Acme", "Acme Grows", "Body."])
    ('Acme Grows', ['Acme Grows', 'Body.'])
    """
    if not blocks or not _CORRECTION_RE.match(blocks[0].strip()):
        return None, blocks
    rest = blocks[1:]
    headline = ""
    if rest:
        notice = _NOTICE_RE.match(rest[0].strip())
        if notice:
            headline = notice.group("headline").strip()
            rest = rest[1:]
    if not headline and rest:
        headline = rest[0].strip()
    return headline or "unknown release", rest


_BOILERPLATE_RE = re.compile(
    r"^(?:SOURCE\s|View original content|Photo\s*[-–:]|Logo\s*[-–:]|Video\s*[-–:]|Related Links?\b"
    r"|https?://\S+$|www\.\S+$|Media (?:contact|inquiries)|Press contact|CONTACT:|Cision\b|###$"
    r"|The post .{1,400} appeared first on .{1,80}$|View (?:source|original) version on \S+|--\s*News Direct\s*--$"
    r"|Contact Details\b|Disseminated on behalf of\b|Company Website\s*$|Forward[- ]Looking Statements?\s*$)",
    re.IGNORECASE,
)


def is_boilerplate(block: str) -> bool:
    """True for wire trailer lines (SOURCE, multimedia links, contacts) that are not release prose."""
    return bool(_BOILERPLATE_RE.match(block.strip()))


_TYPOGRAPHIC = {0x00A0: " ", 0x2009: " ", 0x202F: " ", 0x200B: None, 0x2010: "-", 0x2011: "-"}
"""No-break and thin spaces become spaces, zero-width spaces go, Unicode and no-break hyphens become "-"."""


def clean_block(block: str) -> str:
    """Normalise whitespace and typographic oddities of one body block."""
    block = unicodedata.normalize("NFC", block).translate(_TYPOGRAPHIC)
    # Two sentences glued by a scrape: "... thermal expertise.The partnership aims ..." (not "U.S." or "Autoware.AI").
    block = re.sub(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])", " ", block)
    # A web address glued to the next heading by a scrape: "www.acme.com.About Acme" -> "www.acme.com. About Acme".
    block = re.sub(r"(\.(?:com|org|net|io|ai|co|de|eu|uk|cn|jp|fr|it|es|nl|ch|se|kr|in)\.)(?=[A-Z])", r"\1 ", block)
    return re.sub(r"[ \t\r\f\v]+", " ", block).strip()


# scheme, optional user info, a host (name or bracketed IPv6 address), optional port
_URL_AUTHORITY = re.compile(
    r"^https?://(?:[^\s/?#@\[\]]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#:@\[\]]+)(?::[0-9]*)?(?=[/?#]|$)", re.IGNORECASE
)
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _iri_safe(ch: str) -> bool:
    """Whether ``ch`` may stand unescaped in an IRI (RFC 3987 ``iunreserved``/delimiters)."""
    code = ord(ch)
    if code < 0x80:
        return 0x20 < code < 0x7F and ch not in '<>"{}|\\^`%'
    if code < 0xA0 or 0xD800 <= code <= 0xF8FF or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFF) >= 0xFFF0:
        return False
    return code < 0xE0000 or 0xE1000 <= code <= 0xEFFFD


def clean_url(url: str | None) -> str | None:
    """An ``http(s)`` URL made safe to use as an IRI, or ``None`` for anything else.

    Pages and feeds are untrusted: a link may hold spaces, angle brackets, quotes or
    control characters (which would break out of an IRI) or use another scheme
    (``javascript:``, ``file:``). Every character an IRI may not hold, and every
    ``%`` that starts no escape, is percent-encoded, so a hostile link stays one IRI.

    >>> clean_url(' https://acme.example/a b"> } ; DROP ALL ')
    'https://acme.example/a%20b%22%3E%20%7D%20;%20DROP%20ALL'
    >>> clean_url("https://acme.example/caf\u00e9?q=100%25&r=5%"), clean_url("javascript:alert(1)")
    ('https://acme.example/caf\u00e9?q=100%25&r=5%25', None)
    """
    if not url:
        return None
    url = url.strip()
    authority = _URL_AUTHORITY.match(url)
    if authority is None:
        return None
    fragment = url.find("#", authority.end())  # only the first "#" starts the fragment
    out = []
    for index, ch in enumerate(url):
        if (_iri_safe(ch) and (index < authority.end() or ch not in "[]") and (ch != "#" or index == fragment)) or (
            ch == "%" and _PERCENT_ESCAPE.match(url, index)
        ):
            out.append(ch)
        else:
            out.append("".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass")))
    return "".join(out)
