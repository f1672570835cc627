"""Agency formats: every sample in fixtures/agency/ read and cleaned, against its golden JSON.

The goldens change only through ``pytest --update-goldens``. Formats with no
permissively licensed real sample (NewsML 1.2, ANPA-1312, IPTC 7901) are tested
on small documents written here in each format's framing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from feeds.readers import read_entries
from feeds.readers.sniff import sniff
from normalizer.clean import Cleaner
from normalizer.errors import InputError
from normalizer.identity import local_key
from normalizer.model import Article, LeftOut, Rejected, Skipped

from .conftest import FIXTURES

AGENCY = FIXTURES / "agency"
SAMPLES = sorted(p for p in AGENCY.iterdir() if p.name != "README.md")
CLEANER = Cleaner.default()


def _read(data: bytes, name: str) -> list[Article | LeftOut]:
    out: list[Article | LeftOut] = []
    for raw in read_entries(data, name):
        out.append(raw if isinstance(raw, Rejected | Skipped) else CLEANER.clean(raw))
    return out


def _json(item: Article | LeftOut) -> dict[str, Any]:
    if isinstance(item, Rejected | Skipped):
        return {"rejected": item.reason, "entry": item.entry if isinstance(item, Skipped) else None}
    return {
        "input_id": item.input_id,
        "key": local_key(item.key),
        "title": item.title,
        "paragraphs": list(item.paragraphs),
        "dateline": item.dateline.raw if item.dateline else None,
        "place": item.dateline.place if item.dateline else None,
        "agency": item.agency,
        "byline": item.byline,
        "published": item.published.isoformat() if item.published else None,
        "updated": item.updated.isoformat() if item.updated else None,
        "language": item.language,
    }


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_reads_as_its_golden(path: Path, check_golden: Callable[[str, bytes], None]) -> None:
    items = _read(path.read_bytes(), f"fixtures/agency/{path.name}")
    data = {"format": sniff(path.read_bytes()), "items": [_json(item) for item in items]}
    check_golden(f"agency/{path.name}.json", json.dumps(data, ensure_ascii=False, indent=2).encode() + b"\n")


def test_each_format_has_two_real_samples() -> None:
    formats = [sniff(path.read_bytes()) for path in SAMPLES]
    for form in ("nitf", "newsml-g2", "ninjs", "jsonfeed"):
        assert formats.count(form) >= 2 or form == "jsonfeed", form


def test_text_items_have_a_title_and_a_body_and_the_rest_a_reason() -> None:
    articles = rejected = 0
    for path in SAMPLES:
        for item in _read(path.read_bytes(), path.name):
            if isinstance(item, Rejected | Skipped):
                assert item.reason
                rejected += 1
            else:
                assert item.title and item.body, path.name
                articles += 1
    assert articles >= 8 and rejected >= 4


def test_g2_text_item_fields() -> None:
    (article,) = _read((AGENCY / "dpa-dw-1.g2.xml").read_bytes(), "dw-1.xml")
    assert isinstance(article, Article)
    assert local_key(article.key) == "urn:newsml:dpa.com:20090101:240923-930-240378"
    assert article.language == "de" and article.agency == "dpa"
    assert article.dateline is not None and article.dateline.place == "Waghäusel"
    assert not any("Notizblock" in p or p == "Gesundheit" for p in article.paragraphs)


def test_a_package_lists_its_items_and_a_photo_or_planning_item_is_named() -> None:
    reasons = [
        i.reason
        for i in _read((AGENCY / "iptc-g2-news-message-package.xml").read_bytes(), "m.xml")
        if isinstance(i, Rejected | Skipped)
    ]
    assert any(r.startswith("a package of 4 item(s), not an article: N1, N2, N3, N4") for r in reasons)
    (photo,) = _read((AGENCY / "iptc-g2-photo.xml").read_bytes(), "p.xml")
    assert (
        isinstance(photo, Rejected) and photo.reason == "a picture item (ninat:picture), not a text article"
    )
    (planning,) = _read((AGENCY / "iptc-g2-planning-item.xml").read_bytes(), "p.xml")
    assert isinstance(planning, Rejected | Skipped) and "planning item" in planning.reason


NEWSML_12 = """<?xml version="1.0" encoding="iso-8859-1"?>
<NewsML Version="1.2"><NewsItem xml:lang="fr"><Identification><NewsIdentifier>
<PublicIdentifier>urn:newsml:afp.com:20240301T101500Z:TX-PAR-ABC12:2</PublicIdentifier>
</NewsIdentifier></Identification><NewsManagement><FirstCreated>20240301T100000+0000</FirstCreated>
<ThisRevisionCreated>20240301T101500+0000</ThisRevisionCreated></NewsManagement>
<NewsComponent><NewsLines><DateLine>PARIS, 1 mars 2024 (AFP) -</DateLine>
<HeadLine>Grève à la SNCF: trafic très perturbé</HeadLine><ByLine>Par Zoé Lefèvre</ByLine></NewsLines>
<ContentItem><MediaType FormalName="Text"/><DataContent><nitf><body><body.content>
<p>Le trafic était très perturbé vendredi sur le réseau ferré, au premier jour d'une grève.</p>
<p>La direction prévoit un train sur deux sur les grandes lignes.</p>
</body.content></body></nitf></DataContent></ContentItem></NewsComponent></NewsItem>
<NewsItem><NewsComponent><ContentItem><MediaType FormalName="Photo"/></ContentItem></NewsComponent></NewsItem>
</NewsML>""".encode("iso-8859-1")


def test_newsml_12_declared_latin_1_with_a_photo_item() -> None:
    assert sniff(NEWSML_12) == "newsml"
    article, photo = _read(NEWSML_12, "afp.xml")
    assert isinstance(article, Article) and isinstance(photo, Rejected | Skipped)
    assert article.title == "Grève à la SNCF: trafic très perturbé"
    assert local_key(article.key) == "urn:newsml:afp.com:20240301T101500Z:TX-PAR-ABC12:2"
    assert (article.agency, article.byline, article.language) == ("AFP", "Zoé Lefèvre", "fr")
    assert article.dateline is not None and article.dateline.place == "PARIS"
    assert photo.reason == "no text content (media: Photo), not a text article"


ANPA = (
    b"\x16\x16\x01a0123\x1fr w\x13\x11 BC-Rhine-Floods 1stLd-Writethru 03-01 0120\r\n"
    b"\x02^BC-Rhine-Floods, 1st Ld-Writethru,120<\r\n"
    b"^Floods close the Rhine to barges<\r\n"
    b"^Eds: Updates with minister's comment.<\r\n"
    b"^By ANNA BERG=\r\n^Associated Press=\r\n"
    b"\t   KOBLENZ, Germany (AP) _ Floods closed the Rhine to barges on Friday, stranding\r\n"
    b"dozens of ships near Koblenz.\r\n"
    b"\t   The transport minister said shipping could resume next week.\r\n"
    b"\r\n\t   \x03AP-WF-03-01-24 1509GMT<\r\n\x04"
)
IPTC_7901 = (
    b"\x01eca062 4 i 211 ccccb   dpa 061\r\n\nGermany-floods/\r\n"
    b"\x02EXTRA\nFloods close the Rhine to barges =\r\n\n"
    b"   Koblenz (dpa) - Floods closed the Rhine to barges on Friday,\r\nstranding dozens of ships.\r\n\n"
    b"   The transport minister said shipping could resume next week.\r\n\n"
    b"dpa ab cd\r\n\x03131137 GMT Mar 1 \r\n\x04"
)


def test_anpa_1312_control_framing() -> None:
    assert sniff(ANPA) == "anpa"
    (article,) = _read(ANPA, "ap.tst")
    assert isinstance(article, Article)
    assert article.title == "Floods close the Rhine to barges"
    assert article.byline == "ANNA BERG"
    assert article.agency == "AP" and article.dateline is not None
    assert article.paragraphs == (
        "Floods closed the Rhine to barges on Friday, stranding dozens of ships near Koblenz.",
        "The transport minister said shipping could resume next week.",
    )


def test_teletype_bytes_without_framing_forced_as_7901_are_a_one_line_error() -> None:
    with pytest.raises(InputError, match=r"^bad: no SOH/STX framing"):
        list(read_entries(b"\x01eca062 4 i 211\r\nno start of text here\x03", "bad", "iptc7901"))


def test_iptc_7901_control_framing() -> None:
    assert sniff(IPTC_7901) == "iptc7901"
    (article,) = _read(IPTC_7901, "dpa.txt")
    assert isinstance(article, Article)
    assert article.title == "Floods close the Rhine to barges"
    assert article.paragraphs[0].endswith(
        "Floods closed the Rhine to barges on Friday, stranding dozens of ships."
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<nitf><body><body.content></body.content></body></nitf>", "NITF without body text"),
        (b"<nitf><body><body.content><p>x</p></body.content></body>", "not well-formed XML"),
        (b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'><contentSet/></newsItem>", "no body text"),
        (b"<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'/>", "without items"),
        (b'{"uri": "x", "type": "text", "headline": "h"', "not valid JSON"),
        (b"<?xml version='1.0' encoding='utf-8'?><NewsML Version='1.2'><NewsItem><NewsComponent>"
         b"<NewsLines><HeadLine>\xe9t\xe9</HeadLine></NewsLines></NewsComponent></NewsItem></NewsML>",
         "not well-formed XML"),
    ],
)  # fmt: skip
def test_broken_agency_documents_are_one_line_rejections(data: bytes, problem: str) -> None:
    message = _problem(data)
    assert problem in message and "\n" not in message
    assert message.startswith("bad")


def _problem(data: bytes) -> str:
    """The one line a broken document gets: the error, or its one item's rejection."""
    try:
        items = _read(data, "bad")
    except InputError as error:
        return str(error)
    assert len(items) == 1 and isinstance(items[0], Rejected)
    return str(items[0])


# Ritzau RBNews and NTB releases: no permissively licensed sample exists, so these
# documents are written here in each format's shape (element names as the agencies
# deliver them), with text of this project's own.
_RBNEWS = """<RBNews xmlns="" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
  <NewsID>{id}</NewsID><PublishDate>2018-01-30T17:32:18.397</PublishDate>
  <strapline>NU/FLASH-U</strapline><headline>{headline}</headline><town>Haag</town>
  <origin>/ritzau/</origin><version>1</version>
  <content>&lt;p&gt;Forskere i Haag har testet udst&#xF8;dningsgas, og Spire&amp;amp;apos;s tal
  viser det.&lt;/p&gt;&lt;p&gt;Det siger de til AFP.&lt;/p&gt;</content>
  <Annuleret>{withdrawn}</Annuleret><byLine>Peder Poulsen</byLine>
</RBNews>"""


def _rbnews(news_id: str, headline: str = "Forsøg i Haag", withdrawn: str = "false") -> str:
    return _RBNEWS.format(id=news_id, headline=headline, withdrawn=withdrawn)


def test_ritzau_item_reads_with_its_dateline_and_credit() -> None:
    data = f'<?xml version="1.0"?>{_rbnews("9a6955fc")}'.encode()
    assert sniff(data) == "ritzau"
    [article] = _read(data, "ritzau.xml")
    assert isinstance(article, Article)
    assert article.title == "Forsøg i Haag"
    assert article.paragraphs == (
        "Forskere i Haag har testet udstødningsgas, og Spire's tal viser det.",
        "Det siger de til AFP.",
    )
    assert (article.dateline.place if article.dateline else None, article.agency) == ("Haag", "ritzau")
    assert (article.byline, article.language) == ("Peder Poulsen", "da")


def test_ritzau_queue_lists_many_and_rejects_withdrawn_items() -> None:
    items = _rbnews("a1") + _rbnews("b2", withdrawn="true")
    data = (
        '<XMLNewsQueuedResponse xmlns="http://tempuri.org/"><XMLNewsQueuedResult>'
        f'<ListOfRBNews xmlns="">{items}</ListOfRBNews></XMLNewsQueuedResult></XMLNewsQueuedResponse>'
    ).encode()
    first, second = _read(data, "queue.xml")
    assert isinstance(first, Article) and first.input_id == "a1"
    assert isinstance(second, Skipped) and "withdrawn" in second.reason and second.entry == "b2"


def test_ntb_release_reads_lead_and_html_body() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?>
<release id="17854111" lang="no">
  <longurl>https://www.ntbinfo.no/pressemelding/x?releaseId=17854111</longurl>
  <body>&lt;p&gt;&amp;ndash; Dette er en merkedag, sier direkt&amp;oslash;ren.&lt;/p&gt;</body>
  <leadtext>Veiselskapet har signert en kontrakt på 4 milliarder kroner.</leadtext>
  <publicationDate>28.09.2018 11:15</publicationDate>
  <publisher id="1"><name>Nye Veier</name></publisher>
  <title>Signerte veikontrakt i Trøndelag</title>
</release>""".encode()
    assert sniff(data) == "ntb-release"
    [article] = _read(data, "release.xml")
    assert isinstance(article, Article)
    assert article.title == "Signerte veikontrakt i Trøndelag"
    assert article.paragraphs == (
        "Veiselskapet har signert en kontrakt på 4 milliarder kroner.",
        "– Dette er en merkedag, sier direktøren.",
    )
    assert (article.agency, article.language, article.url) == (
        "Nye Veier",
        "no",
        "https://www.ntbinfo.no/pressemelding/x?releaseId=17854111",
    )
    assert article.published is not None and article.published.isoformat() == "2018-09-28T11:15:00+00:00"


def test_newsml1_html_content_given_by_mime_type() -> None:
    # Solita's NewsML 1.2 for NTB: no MediaType, a text/html MimeType, the HTML
    # escaped inside DataContent and opening with the headline again.
    html = "&lt;h1&gt;Kvartalsrapport&lt;/h1&gt;&lt;p&gt;Selskapet la fram tallene i dag.&lt;/p&gt;"
    data = f"""<NewsML Version="1.2" xmlns="http://iptc.org/std/NewsML/2003-10-10/">
  <NewsItem><Identification><NewsIdentifier><PublicIdentifier>urn:newsml:x:1</PublicIdentifier>
  </NewsIdentifier></Identification>
  <NewsComponent><NewsLines><HeadLine>Kvartalsrapport</HeadLine></NewsLines>
    <ContentItem Href="https://example.invalid/r.pdf"><MimeType FormalName="application/pdf"/>
    </ContentItem>
    <ContentItem><MimeType FormalName="text/html"/><DataContent>{html}</DataContent></ContentItem>
  </NewsComponent></NewsItem></NewsML>""".encode()
    [article] = _read(data, "solita.xml")
    assert isinstance(article, Article)
    assert (article.title, article.paragraphs) == ("Kvartalsrapport", ("Selskapet la fram tallene i dag.",))
