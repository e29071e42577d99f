"""Readers at the format level: every bad input is a ReleaseError naming the file and the reason.

Odd but readable inputs (Latin-1, Windows-1252, UTF-16, a declared charset) read
correctly; hostile ones (bombs, external entities, deep nesting, huge files,
special files, links that would break out of an IRI) are refused or defused.
Every file is generated here, in ``tmp_path``.
"""

from __future__ import annotations

import os
import random
import tracemalloc
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from mobkg.errors import ReleaseError
from mobkg.readers import (
    MAX_BYTES,
    MAX_RELEASE_BYTES,
    MAX_RELEASE_CHARS,
    decode,
    find_release_files,
    read_release_file,
)
from mobkg.readers.html import MAX_DEPTH, html_blocks

HEADLINE = "Société Générale de Mobilité Names Renée Müller Head of Charging"
BODY = ("LYON, France, March 4, 2025 -- Société Générale de Mobilité said on Tuesday that "
        "Renée Müller, formerly of Citroën, will lead its charging business from Zürich.")
ACCENTED_TEXT = f"{HEADLINE}\n\n{BODY}\n"
NAMES = ("Renée Müller", "Citroën", "Zürich")


def text_of(releases) -> str:
    return "\n".join(r.title + "\n" + "\n".join(r.body) for r in releases)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def refused(path: Path, reason: str) -> ReleaseError:
    with pytest.raises(ReleaseError) as caught:
        read_release_file(path)
    assert caught.value.source.startswith(str(path))
    assert reason in caught.value.reason
    return caught.value


def rss(items: str, prologue: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return f'{prologue}<rss version="2.0"><channel><title>Newsroom</title>{items}</channel></rss>'


# --- encodings that must be read correctly ----------------------------------------------------

@pytest.mark.parametrize(
    "name, data",
    [
        ("latin1.txt", ACCENTED_TEXT.encode("latin-1")),
        ("cp1252.txt", (ACCENTED_TEXT + "“We are ready,” she said – in French.\n").encode("cp1252")),
        ("utf16le.txt", ACCENTED_TEXT.encode("utf-16")),  # Python writes the BOM of the machine's order
        ("utf16be.txt", b"\xfe\xff" + ACCENTED_TEXT.encode("utf-16-be")),
        ("utf32.txt", ACCENTED_TEXT.encode("utf-32")),
        ("utf8bom.txt", b"\xef\xbb\xbf" + ACCENTED_TEXT.encode("utf-8")),
        ("declared.html", ("<html><head><meta charset='iso-8859-1'><title>x</title></head><body><article>"
                           f"<h1>{HEADLINE}</h1><p>{BODY}</p><p>{BODY.replace('Tuesday', 'Monday')}</p>"
                           "</article></body></html>").encode("latin-1")),
        ("declared.rss", rss(f"<item><title>{HEADLINE}</title><description>{BODY}</description></item>",
                             '<?xml version="1.0" encoding="ISO-8859-1"?>').encode("latin-1")),
    ],
)
def test_odd_but_readable_encodings_keep_accented_names(tmp_path, name, data):
    text = text_of(read_release_file(write(tmp_path, name, data)))
    for accented in NAMES:
        assert accented in text


@pytest.mark.parametrize(
    "encoding, sample",
    [
        ("cp1251", "МОСКВА -- Компания объявила о запуске нового электромобиля на заводе в Тольятти."),
        ("cp1253", "ΑΘΗΝΑ -- Η εταιρεία ανακοίνωσε σήμερα τη λειτουργία νέου εργοστασίου ηλεκτρικών οχημάτων."),
        ("shift_jis", "東京 -- 自動車メーカーは本日、新しい電気自動車の工場を開設したと発表した。"),
    ],
)
def test_other_legacy_encodings_are_detected(encoding, sample):
    assert decode(sample.encode(encoding), "x.txt") == sample


# --- inputs that must be refused -----------------------------------------------------------------

def random_bytes(size: int) -> bytes:
    return random.Random(7).randbytes(size)


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty"),
        ("whitespace.txt", b"  \n\t\r\n   \n", "empty"),
        ("random.bin.txt", random_bytes(20_000), "binary"),
        ("nul.txt", b"Acme Motors\n\nAcme \x00opened\x00 a plant.\n" * 20, "binary"),
        ("late-nul.txt", b"Acme Motors opened a plant in Lyon.\n" * 600 + b"\x00", "binary"),
        ("controls.txt", bytes(range(1, 9)) * 200, "binary"),
        ("damaged-utf8.txt", ACCENTED_TEXT.encode("utf-8") + b"\xff and a cut-off \xe2\x80", "damaged UTF-8"),
        ("utf8bom-then-latin1.txt", b"\xef\xbb\xbf" + ACCENTED_TEXT.encode("latin-1"), "byte-order mark"),
        ("utf16-odd-length.txt", ACCENTED_TEXT.encode("utf-16") + b"\x41", "byte-order mark"),
        ("utf16-no-bom.txt", ACCENTED_TEXT.encode("utf-16-le"), "binary"),
    ],
)
def test_unreadable_bytes_are_refused(tmp_path, name, data, reason):
    refused(write(tmp_path, name, data), reason)


def test_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    assert path.stat().st_size > MAX_BYTES
    tracemalloc.start()
    try:
        refused(path, "larger than 50 MiB are refused")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, "the file was read into memory before its size was checked"


def test_single_release_file_over_its_limit_is_refused(tmp_path):
    chunk = "<p>Acme Motors opened another charging hub today, the company said in Lyon.</p>\n" * 1000
    path = tmp_path / "page.html"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("<!DOCTYPE html><html><body><article>")
        while handle.tell() < 50 * 1000 * 1000:  # the "50 MB page"
            handle.write(chunk)
        handle.write("</article></body></html>")
    assert MAX_RELEASE_BYTES < path.stat().st_size < MAX_BYTES
    refused(path, "single releases larger than 5 MiB are refused")


def test_release_text_over_its_limit_is_refused(tmp_path):
    description = "Acme Motors opened a plant. " * (MAX_RELEASE_CHARS // 28 + 10)
    feed = rss(f"<item><title>Long</title><description>{description}</description></item>")
    error = refused(write(tmp_path, "long.rss", feed), "characters are refused")
    assert error.source.endswith("#item1")


def test_html_with_unclosed_tags_is_read(tmp_path):
    page = ("<html><body><article><h1>Acme Motors Opens Lyon Plant<p>LYON, France, March 4, 2025 -- Acme Motors "
            "<b>opened a plant<div><p>The plant will build <i>electric vans for Europe.<p>Production starts in May")
    text = text_of(read_release_file(write(tmp_path, "unclosed.html", page)))
    assert "electric vans for Europe" in text


def test_hundred_thousand_nested_divs_are_refused(tmp_path):
    page = "<html><body>" + "<div>Acme Motors opened a plant in Lyon today. " * 100_000 + "</body></html>"
    refused(write(tmp_path, "nested.html", page), f"more than {MAX_DEPTH} levels deep")


def test_deeply_nested_fragment_in_a_feed_is_refused(tmp_path):
    description = "&lt;div&gt;Acme " * 1000
    feed = rss(f"<item><title>Deep</title><description>{description}</description></item>")
    refused(write(tmp_path, "nested.rss", feed), f"more than {MAX_DEPTH} levels deep")


def test_nesting_within_the_limit_is_read():
    assert html_blocks("<div>" * (MAX_DEPTH - 10) + "Acme Motors opened a plant.") == ["Acme Motors opened a plant."]


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{n} "{(f"&lol{n - 1};" if n > 1 else "&lol;") * 10}">\n' for n in range(1, 10))
    + "]>\n"
)


@pytest.mark.parametrize(
    "name, data",
    [
        ("bomb.xml", BILLION_LAUGHS + rss("<item><title>&lol9;</title><description>x</description></item>", "")),
        ("xxe.rss", '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                    + rss("<item><title>&xxe;</title><description>&xxe;</description></item>", "")),
        ("xxe-parameter.rss", '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>'
                              + rss("<item><title>t</title><description>d</description></item>", "")),
        # padding pushes the <rss> tag past the sniffing window: the suffix still says "feed"
        ("padded-bomb.rss", BILLION_LAUGHS.replace("]>", "<!-- " + "pad " * 1000 + "-->]>")
                            + rss("<item><title>&lol9;</title><description>x</description></item>", "")),
    ],
)
def test_xml_bombs_and_external_entities_are_refused(tmp_path, name, data):
    refused(write(tmp_path, name, data), "refused (possible XML bomb)")


def test_entities_in_an_html_page_are_neither_expanded_nor_fetched(tmp_path):
    page = ('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            "<html><body><article><h1>Acme Motors Opens a Plant</h1>"
            "<p>LYON, France, March 4, 2025 -- Acme Motors &xxe; opened a plant &lol2; in Lyon today.</p>"
            "<p>The plant will build electric vans for customers across Europe.</p></article></body></html>")
    text = text_of(read_release_file(write(tmp_path, "entities.html", page)))
    assert "root:" not in text
    assert "lollol" not in text


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("zero-items.rss", rss(""), "feed has no items"),
        ("zero-entries.atom", '<feed xmlns="http://www.w3.org/2005/Atom"><title>N</title></feed>', "feed has no items"),
        ("broken.rss", rss("<item><title>Acme</item>"), "malformed XML"),
    ],
)
def test_feeds_without_releases_are_refused(tmp_path, name, data, reason):
    refused(write(tmp_path, name, data), reason)


# --- paths that are not readable release files --------------------------------------------------

def test_folder_given_as_a_file_is_refused(tmp_path):
    folder = tmp_path / "looks-like-a-release.txt"
    folder.mkdir()
    refused(folder, "is a folder")


def test_missing_file_and_dangling_link_are_refused(tmp_path):
    refused(tmp_path / "missing.txt", "no such file")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    refused(tmp_path / "dangling.txt", "no such file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    refused(fifo, "not a regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_is_refused():
    refused(Path("/dev/zero"), "not a regular file")


def test_unreadable_file_is_refused(tmp_path):
    path = write(tmp_path, "secret.txt", ACCENTED_TEXT)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not deny reads")
        refused(path, "permission denied")
    finally:
        path.chmod(0o644)


def test_folders_list_regular_release_files_only(tmp_path):
    write(tmp_path, "good.txt", ACCENTED_TEXT)
    (tmp_path / "folder-named.txt").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "link-to-device.txt").symlink_to("/dev/null")
    assert find_release_files([tmp_path]) == [tmp_path / "good.txt"]


def test_empty_folder_in_a_list_is_refused(tmp_path):
    good = write(tmp_path, "good.txt", ACCENTED_TEXT)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReleaseError, match="holds no release files") as caught:
        find_release_files([good, tmp_path / "empty"])
    assert caught.value.source == str(tmp_path / "empty")


# --- links from untrusted pages and feeds --------------------------------------------------------

HOSTILE_LINKS = [
    'https://acme.example/news/a b"> <https://evil.example/> . } ; DROP ALL ; #',
    "https://acme.example/news?q=<script>alert(1)</script>&x=%zz",
    "https://acme.example/\u202ereversed\u0000nul\u2028line",
    "https://acme.example/a#frag#ment{}|\\^`",
]


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_hostile_feed_links_become_valid_iris(tmp_path, link):
    escaped = link.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\u0000", "")
    feed = rss(f"<item><title>Acme Opens Plant</title><link>{escaped}</link>"
               "<description>Acme opened a plant.</description></item>")
    (release,) = read_release_file(write(tmp_path, "links.rss", feed))
    assert release.url is not None and release.url.startswith("https://acme.example/")
    ox.NamedNode(release.url)  # raises ValueError for anything that is not a valid IRI


@pytest.mark.parametrize("link", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "/relative/path"])
def test_links_that_are_not_web_urls_are_dropped(tmp_path, link):
    page = (f"<html><head><link rel='canonical' href='{link}'><title>Acme</title></head><body><article>"
            "<h1>Acme Motors Opens a Plant</h1>"
            "<p>LYON, France, March 4, 2025 -- Acme Motors opened a plant in Lyon.</p>"
            "<p>The plant will build electric vans for customers across Europe.</p></article></body></html>")
    (release,) = read_release_file(write(tmp_path, "canonical.html", page))
    assert release.url is None


@pytest.mark.parametrize(("markdown", "expected"), [
    ("About [Voltaro, Inc](https://voltaro.example/)Voltaro is a maker of cargo bikes.",
     "About Voltaro, Inc Voltaro is a maker of cargo bikes."),
    ("Read [the report](https://x.example/r). Then [Voltaro](https://v.example/)'s view.",
     "Read the report. Then Voltaro's view."),
])
def test_a_link_glued_to_the_next_word_gets_its_space(tmp_path, markdown, expected):
    path = tmp_path / "glued.md"
    path.write_text("# Voltaro news\n\n" + markdown + "\n", encoding="utf-8")
    assert read_release_file(path)[0].body == (expected,)


def test_an_archive_path_dates_a_release_whose_text_has_no_date(tmp_path):
    folder = tmp_path / "wire" / "2025" / "0714"
    folder.mkdir(parents=True)
    undated, dated = folder / "undated.md", folder / "dated.md"
    undated.write_text("# Velora opens a depot\n\nVelora Freight opened a depot in Ghent.\n", encoding="utf-8")
    dated.write_text("# Velora opens a depot\n\nGHENT, Belgium, March 3, 2025 -- Velora Freight opened a depot.\n",
                     encoding="utf-8")
    assert read_release_file(undated)[0].published == date(2025, 7, 14)
    assert read_release_file(dated)[0].published == date(2025, 3, 3)  # the text's own date wins


def test_numbers_in_a_path_that_are_no_date_give_none(tmp_path):
    for parts in (("2025", "1340"), ("release-2025",), ("20250714",)):
        folder = tmp_path.joinpath(*parts)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "x.md"
        path.write_text("# Velora opens a depot\n\nVelora Freight opened a depot in Ghent.\n", encoding="utf-8")
        assert read_release_file(path)[0].published is None, parts
