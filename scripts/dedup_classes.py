"""The classes of the labelled near-duplicate set beyond English plain text.

Called by ``scripts/make_dedup_set.py`` after the English set, each class with a
generator of its own (the English documents stay as they were):

* ``script``: real stories in other scripts, with the copies a desk sees of them
  (lead only, tail trimmed, hard-wrapped, folded: full-width digits, Arabic without
  hamza and vowel marks, Russian ё as е), the stories of one script being different
  stories of their own. Japanese (7) and Korean (2) pages and a Hindi one from
  flairNLP/fundus (MIT), two Chinese pages from Mozilla Readability (Apache-2.0),
  Russian posts of a real blog feed from feedparser's tests (BSD-2), and an
  Arabic story written for this project (no real Arabic text was available).
* ``figures``: templated reports with other figures (decimals, thousands
  separators, percentages): each a story of its own.
* ``feeds``: documents that are feeds, whose items are the documents (labels name
  them by their guid or link): a real feed whose items are one standing teaser
  (Medium, from rbren/rss-parser, MIT), the BBC feed of photojournalism (MIT) with
  one source's promo block added to each item, headline-only copies of its items
  in a portal's feed, short headlines that collide, and a recurring bulletin with
  the same words on other days.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser

from normalizer.html import html_to_paragraphs
from normalizer.text import word_count

__all__ = ["SCRIPT_OF_PREFIX", "extra_documents"]

# What script each story's id prefix is in (everything else is English, Latin script).
SCRIPT_OF_PREFIX = {
    "ja": "Japanese",
    "ko": "Korean",
    "hi": "Devanagari",
    "zh": "Chinese",
    "ru": "Cyrillic",
    "ar": "Arabic",
}

_CHROME = {
    "ja": ["関連記事", "この記事を共有する"],
    "ko": ["관련기사", "공유하기"],
    "hi": ["यह भी पढ़ें", "शेयर करें"],
    "zh": ["相关阅读", "分享到"],
    "ru": ["Читайте также:", "Поделиться:"],
    "ar": ["اقرأ أيضا", "شارك"],
}
_ARABIC_STORY = [
    "أعلنت وزارة الصحة أن حملة التطعيم الوطنية ضد شلل الأطفال ستبدأ في الأسبوع المقبل في جميع "
    "المحافظات، وستستمر عشرة أيام، بمشاركة أكثر من ثلاثة آلاف فريق طبي متنقل.",
    "وقال المتحدث باسم الوزارة في مؤتمر صحفي إن الحملة تستهدف نحو مليوني طفل دون سن الخامسة، "
    "وإن الفرق ستزور المنازل والمدارس ومراكز الإيواء، داعياً الأهالي إلى التعاون مع العاملين الصحيين.",
    "وأضاف أن الوزارة تلقت شحنة جديدة من اللقاحات بدعم من منظمة الصحة العالمية ومنظمة الأمم المتحدة "
    "للطفولة، وأن مخزون اللقاحات يكفي لتغطية الحملة كاملة وجولة ثانية مقررة بعد شهر.",
    "وأشار إلى أن آخر إصابة مؤكدة بالمرض سُجّلت قبل عامين، وأن الهدف هو الحفاظ على خلو البلاد من "
    "الفيروس ومنع عودته عبر الحدود، في ظل حركة نزوح واسعة تشهدها المنطقة.",
    "ومن المقرر أن تنشر الوزارة تقريراً يومياً عن سير الحملة وأعداد الأطفال الذين تلقوا اللقاح في "
    "كل محافظة، إلى جانب خط ساخن لتلقي استفسارات المواطنين وشكاواهم.",
]


def _fundus(corpus: Path, country: str) -> list[tuple[str, list[str]]]:
    stories = []
    for path in sorted((corpus / "fundus" / country).glob("*.json")):
        expected = json.loads(path.read_text("utf-8"))
        latest = expected[sorted(expected)[-1]]
        body = latest.get("body", {})
        paragraphs = [
            *body.get("summary", []),
            *(p for s in body.get("sections", []) for p in s.get("paragraphs", [])),
        ]
        paragraphs = [" ".join(p.split()) for p in paragraphs if p.strip()]
        if paragraphs and word_count(" ".join(paragraphs)) >= 120 and not paragraphs[0].isascii():
            stories.append((latest.get("title", path.stem), paragraphs))
    return stories


def _readability(corpus: Path, name: str) -> tuple[str, list[str]]:
    folder = corpus / "readability" / "test-pages" / name
    meta = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
    paragraphs = html_to_paragraphs((folder / "expected.html").read_text("utf-8"), name)
    return str(meta.get("title") or name), [p for p in paragraphs if word_count(p) >= 8]


def _russian_posts(corpus: Path) -> list[tuple[str, list[str]]]:
    path = (
        corpus
        / "feedparser"
        / "tests"
        / "wellformed"
        / "sanitize"
        / "large_atom_feed_that_needs_css_sanitisation.xml"
    )
    feed = feedparser.parse(path.read_bytes())
    posts = []
    for entry in feed.entries:
        html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary", "")
        paragraphs = [p for p in html_to_paragraphs(html, "feed") if p.strip()]
        posts.append((entry.get("title", ""), paragraphs))
    return posts


def _fold(script: str, text: str) -> str:
    if script == "ar":
        text = re.sub("[\u064b-\u065f\u0670]", "", text)
        return text.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"}))
    if script == "ru":
        return text.replace("ё", "е").replace("Ё", "Е")
    # CJK: digits and Latin letters full-width, as some portals set them.
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


def _wrap(text: str, width: int) -> str:
    """A paragraph hard-wrapped: a line break every ``width`` characters (between
    words where the script has spaces)."""
    if " " not in text:
        return "\n".join(text[i : i + width] for i in range(0, len(text), width))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def _lead(paragraphs: list[str], words: int) -> list[str]:
    kept: list[str] = []
    for paragraph in paragraphs:
        kept.append(paragraph)
        if word_count(" ".join(kept)) >= words:
            break
    return kept


def _copies(
    script: str, title: str, paragraphs: list[str], rng: random.Random
) -> list[tuple[str, str, list[str]]]:
    """(kind, headline, paragraphs) of each copy of a story."""
    cut = max(1, round(len(paragraphs) * rng.uniform(0.5, 0.8)))
    return [
        ("lead-only", title, _lead(paragraphs, 50)),
        ("trimmed", title, paragraphs[:cut] if cut < len(paragraphs) else paragraphs[:-1] or paragraphs),
        ("hard-wrapped", title, [_wrap(p, 30 if " " not in p else 60) for p in paragraphs]),
        ("folded", _fold(script, title), [_fold(script, p) for p in paragraphs] + _CHROME[script]),
    ]


def _plain(title: str, paragraphs: list[str]) -> str:
    return "\n\n".join([title, *paragraphs]) + "\n"


def script_documents(corpus: Path, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(file name, text, story, kind) of the stories in other scripts and their copies."""
    stories: list[tuple[str, str, str, list[str]]] = []
    for country, script in (("jp", "ja"), ("kr", "ko"), ("ind", "hi")):
        stories += [(script, f"{script}-{n}", t, p) for n, (t, p) in enumerate(_fundus(corpus, country))]
    for n, name in enumerate(("qq", "gmw")):
        stories.append(("zh", f"zh-{n}", *_readability(corpus, name)))
    posts = _russian_posts(corpus)
    # The blog's long posts are stories with copies; its software listings, one
    # template filled for each program, are each a story of its own.
    long_posts = [(t, p) for t, p in posts if word_count(" ".join(p)) >= 150 and len(p) >= 3]
    listings = [(t, p) for t, p in posts if (t, p) not in long_posts and word_count(" ".join(p)) >= 30]
    stories += [("ru", f"ru-{n}", t, p) for n, (t, p) in enumerate(long_posts)]
    stories.append(("ar", "ar-0", "حملة وطنية للتطعيم ضد شلل الأطفال تبدأ الأسبوع المقبل", _ARABIC_STORY))
    out = []
    for script, story, title, paragraphs in stories:
        out.append((f"{story}--original.txt", _plain(title, paragraphs), story, "original"))
        for kind, headline, copy in _copies(script, title, paragraphs, rng):
            out.append((f"{story}--{kind}.txt", _plain(headline, copy), story, kind))
    for n, (title, paragraphs) in enumerate(listings):
        out.append(
            (f"ru-listing-{n:02d}.txt", _plain(title, paragraphs), f"ru-listing-{n:02d}", "template-negative")
        )
    return out


# Templated reports whose figures are decimals, thousands and percentages.
_FIGURE_TEMPLATES = {
    "tbill": (
        "Treasury sells {a} billion dollars of 13-week bills at {r1}%",
        "WASHINGTON (Reuters) - The Treasury sold {a} billion dollars of 13-week bills at a high rate of "
        "{r1}%, against {r0}% at last week's auction, and {b} billion dollars of 26-week bills at {r2}%. "
        "Bids totalled {c} billion dollars, a bid-to-cover ratio of {x}, the Treasury said.",
    ),
    "jobless": (
        "Jobless claims {d} to {n1}",
        "WASHINGTON (Reuters) - Initial claims for state unemployment benefits {d} {n0} to a seasonally "
        "adjusted {n1} in the week ended {day}, the Labor Department said on Thursday. The four-week "
        "moving average was {n2}, and continuing claims stood at {n3} million.",
    ),
    "mortgage": (
        "Mortgage rates {d} to {r1}%",
        "NEW YORK (Reuters) - The average rate on a 30-year fixed mortgage {d} to {r1}% this week from "
        "{r0}% a week earlier, the mortgage finance agency said on Thursday. The 15-year rate was {r2}%, "
        "and applications for loans to buy homes changed by {p}% from the week before.",
    ),
}


def _figures(rng: random.Random) -> dict[str, str]:
    return {
        "a": f"{rng.randint(20, 80)}", "b": f"{rng.randint(20, 80)}", "c": f"{rng.uniform(90, 250):.1f}",
        "r0": f"{rng.uniform(4, 6):.2f}", "r1": f"{rng.uniform(4, 6):.2f}", "r2": f"{rng.uniform(4, 6):.2f}",
        "x": f"{rng.uniform(2, 3.5):.2f}", "d": rng.choice(["rose", "fell"]),
        "n0": f"{rng.randint(1, 30) * 1000:,}", "n1": f"{rng.randint(190, 420) * 1000:,}",
        "n2": f"{rng.randint(190, 420) * 250:,}", "n3": f"{rng.uniform(1.5, 2.1):.2f}",
        "p": f"{rng.uniform(-9, 9):.1f}", "day": rng.choice(["Aug. 9", "Aug. 16", "Aug. 23", "Aug. 30"]),
    }  # fmt: skip


def figure_documents(rng: random.Random, per_template: int = 8) -> list[tuple[str, str, str, str]]:
    """Each template filled ``per_template`` times: each a story of its own."""
    out = []
    for name, (title, body) in _FIGURE_TEMPLATES.items():
        for number in range(per_template):
            values = _figures(rng)
            story = f"fig-{name}-{number:02d}"
            out.append(
                (
                    f"{story}.txt",
                    _plain(title.format(**values), [body.format(**values)]),
                    story,
                    "template-negative",
                )
            )
    return out


def _rss(title: str, link: str, items: list[tuple[str, str, str | None, datetime]]) -> str:
    rows = []
    for headline, url, body, when in items:
        description = f"<description>{escape(body)}</description>" if body is not None else ""
        rows.append(
            f"<item><title>{escape(headline)}</title><link>{escape(url)}</link><guid>{escape(url)}</guid>"
            f"{description}<pubDate>{format_datetime(when)}</pubDate></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>{escape(link)}</link><description>{escape(title)}</description>\n"
        + "\n".join(rows)
        + "\n</channel></rss>\n"
    )


_PROMO = (
    "Join our free webinar series: every week our editors explain the news that matters, answer your "
    "questions live and share the stories behind the headlines. Sign up today and get the recordings, "
    "the slides and our weekly newsletter in your inbox, free of charge."
)


def feed_documents(corpus: Path, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(file name, text, story, kind) for the feed documents; the story and kind are
    those of every item, by item id: one row per item, the file repeated."""
    del rng
    out: list[tuple[str, str, str, str]] = []
    # A real feed whose items share a standing teaser, and the Guardian's "Continue reading...".
    for name in ("content-encoded.rss", "guardian.rss"):
        raw = (corpus / "rss-parser" / "input" / name).read_bytes()
        for entry in feedparser.parse(raw).entries:
            item_id = entry.get("id") or entry.get("link")
            out.append(
                (f"feed-{name}", raw.decode("utf-8"), f"teaser-{item_id}", f"teaser-negative\t{item_id}")
            )
    # BBC items with one source's promo block: each its own story.
    bbc = feedparser.parse((corpus / "photojournalism" / "fixtures" / "bbc.xml").read_bytes()).entries
    start = datetime(2023, 11, 1, 6, tzinfo=UTC)
    promo_items, bare_items = [], []
    for n, entry in enumerate(bbc[:12]):
        url = f"https://news.example/promo/{n}"
        when = start + timedelta(hours=n)
        promo_items.append(
            (
                entry.title,
                url,
                f"{entry.get('summary', '')} {_PROMO} The post {entry.title} appeared first on News Example.",
                when,
            )
        )
        out.append(("feed-promo.rss", "", f"promo-{n}", f"promo-negative\t{url}"))
        if n < 8 and word_count(entry.title) >= 5:
            # The same story's headline, alone, in a portal's feed an hour later.
            portal = f"https://portal.example/h/{n}"
            bare_items.append((entry.title, portal, None, when + timedelta(hours=1)))
            out.append(("feed-portal.rss", "", f"promo-{n}", f"headline-only\t{portal}"))
    for short in ("Weather", "Live updates", "Markets"):
        for site in ("portal", "other"):
            url = f"https://{site}.example/short/{short.lower().replace(' ', '-')}"
            (bare_items if site == "portal" else promo_items).append((short, url, None, start))
            out.append(
                (
                    f"feed-{'portal' if site == 'portal' else 'promo'}.rss",
                    "",
                    f"short-{site}-{short}",
                    f"headline-negative\t{url}",
                )
            )
    notice = (
        "The central bank left its reference rate unchanged in its daily notice to member banks and dealers."
    )
    bulletins = []
    for day in range(5):
        url = f"https://bank.example/notice/{day}"
        bulletins.append(("Daily notice to banks", url, notice, start + timedelta(days=day * 2)))
        out.append(("feed-bank.rss", "", f"bulletin-{day}", f"bulletin-negative\t{url}"))
    texts = {
        "feed-promo.rss": _rss("News Example", "https://news.example/", promo_items),
        "feed-portal.rss": _rss("Portal", "https://portal.example/", bare_items),
        "feed-bank.rss": _rss("Bank notices", "https://bank.example/", bulletins),
    }
    return [(name, texts.get(name, text), story, kind) for name, text, story, kind in out]


def extra_documents(corpus: Path, seed: int) -> list[tuple[str, str, str, str, str]]:
    """(file name, text, doc id, story, kind) of every extra document; a feed file
    appears once per item (same name and text), each item its own doc id."""
    rows: list[tuple[str, str, str, str, str]] = []
    makers: list[Callable[[random.Random], list[tuple[str, str, str, str]]]] = [
        lambda rng: script_documents(corpus, rng),
        figure_documents,
        lambda rng: feed_documents(corpus, rng),
    ]
    for number, make in enumerate(makers):
        for name, text, story, kind_and_item in make(random.Random(f"{seed}-extra-{number}")):
            kind, _, item = kind_and_item.partition("\t")
            rows.append((name, text, item or Path(name).stem, story, kind))
    return rows
