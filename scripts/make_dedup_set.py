#!/usr/bin/env python3
"""Build the labelled near-duplicate development set in ``fixtures/dedup/``.

Run by hand from the project root, with the shared corpus beside it:

    .venv/bin/python -m scripts.make_dedup_set ../shared/corpus

Originals are real article texts the project may ship: the expected article text
of Mozilla Readability's news test pages (Apache-2.0) and the full bodies of the
NPR and Japan Times feeds of dpapathanasiou/photojournalism (MIT). For each
original it writes variants of the kinds a desk sees, and it adds hard negatives:
stories written from one template (market reports, sports results, weather) with
other figures, each a story of its own.

Every document is a plain-text article (headline, blank line, dateline paragraph,
body, perhaps site chrome); ``labels.tsv`` gives each document's story and the
kind of copy it is. The generator is seeded: the same corpus gives the same set.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from pathlib import Path

import feedparser

from normalizer.html import html_to_paragraphs
from scripts.dedup_classes import extra_documents

SEED = 20261124
TOPIC_PAIRS = 6
SKIPPED_PAGES = {"gmw", "qq", "yahoo-4", "social-buttons", "lwn-1", "yahoo-2"}
MIN_WORDS = 150
PLACES = ["PARIS", "LONDON", "WASHINGTON", "BERLIN", "MADRID", "TOKYO", "NAIROBI", "SYDNEY", "ROME"]
AGENCIES = ["AFP", "Reuters", "AP", "dpa", "EFE", "ANSA", "Kyodo"]
MONTHS = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]
CHROMES = [
    [
        "Check Also",
        "Markets close higher as oil prices ease",
        "Share this:",
        "Facebook",
        "Twitter",
        "Translate »",
    ],
    ["Related Posts", "© 2024 Daily Wire Desk. All rights reserved."],
    ["Advertisement", "Read more: Latest headlines from the region", "Share on WhatsApp"],
    ["Sign up for our newsletter to get the day's top stories", "Follow us on Twitter"],
    ["------------------------------", "Most read"],
]
UPDATE_SENTENCES = [
    "The ministry later confirmed the figures in a statement.",
    "Officials said more details would be released on Friday.",
    "This story has been updated to include comments from the opposition.",
    "An earlier version of this report misstated the date of the meeting.",
    "Police said the investigation was continuing.",
    "The company did not respond to a request for comment.",
]


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def readability_originals(corpus: Path) -> list[tuple[str, str, list[str]]]:
    originals = []
    pages = corpus / "readability" / "test-pages"
    for folder in sorted(pages.iterdir()):
        if folder.name in SKIPPED_PAGES:
            continue
        meta = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
        paragraphs = html_to_paragraphs((folder / "expected.html").read_text("utf-8"), folder.name)
        paragraphs = [p for p in paragraphs if len(p.split()) >= 8]
        if _words(paragraphs) >= MIN_WORDS:
            originals.append((f"rd-{folder.name}", str(meta.get("title") or folder.name), paragraphs))
    return originals


def feed_originals(corpus: Path) -> list[tuple[str, str, list[str]]]:
    originals = []
    for name in ("npr", "japantimes"):
        parsed = feedparser.parse((corpus / "photojournalism" / "fixtures" / f"{name}.xml").read_bytes())
        for number, entry in enumerate(parsed.entries):
            content = entry.get("content", [{}])[0].get("value", "")
            paragraphs = [p for p in html_to_paragraphs(content, name) if len(p.split()) >= 8]
            if _words(paragraphs) >= MIN_WORDS:
                originals.append((f"{name}-{number:02d}", entry.get("title", name), paragraphs))
    return originals


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", paragraph) if s]


def variants(paragraphs: list[str], rng: random.Random) -> list[tuple[str, list[str], str | None]]:
    """(kind, paragraphs, chrome kind) for the copies a desk sees of one story."""
    out: list[tuple[str, list[str], str | None]] = []
    words = " ".join(paragraphs).split()
    keep = rng.uniform(0.4, 0.9)
    trimmed, total = [], 0
    for paragraph in paragraphs:
        if total >= keep * len(words):
            break
        trimmed.append(paragraph)
        total += len(paragraph.split())
    out.append((f"trimmed-{round((1 - keep) * 100)}pct", trimmed, None))
    out.append(("new-headline", list(paragraphs), None))
    out.append(("other-chrome", list(paragraphs), "chrome"))
    out.append(("recredited", list(paragraphs), None))
    if len(paragraphs) > 3:
        dropped = list(paragraphs)
        del dropped[rng.randrange(1, len(dropped))]
        out.append(("paragraph-dropped", dropped, None))
        moved = list(paragraphs)
        paragraph = moved.pop(rng.randrange(1, len(moved)))
        moved.insert(rng.randrange(1, len(moved) + 1), paragraph)
        out.append(("paragraph-moved", moved, None))
    updated = list(paragraphs)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(updated))
        sentences = _sentences(updated[at])
        if len(sentences) > 1 and rng.random() < 0.5:
            sentences[rng.randrange(len(sentences))] = rng.choice(UPDATE_SENTENCES)
        else:
            sentences.append(rng.choice(UPDATE_SENTENCES))
        updated[at] = " ".join(sentences)
    out.append(("updated", updated, None))
    lead, count = [], 0
    for paragraph in paragraphs:
        lead.append(paragraph)
        count += len(paragraph.split())
        if count >= 40:
            break
    out.append(("lead-only", lead, None))
    return out


# How a site's rewrite of a wire story talks: present tense for the agency's past.
REPORTING = [
    (" said ", " says "),
    (" told ", " said to "),
    (" added ", " adds "),
    (" announced ", " announces "),
]


def rewritten(paragraphs: list[str], agency: str, rng: random.Random) -> list[str]:
    """A site's rewrite of a wire story: the same story, substantially edited.

    Its own opening; a fifth of the paragraphs gone; sentences re-ordered within
    half the paragraphs; a third shortened at their last comma, a third with the
    credit worked in ("..., AFP reported, ..."); reporting verbs in the present;
    a closing credit line.
    """
    kept = [paragraphs[0]] + [p for p in paragraphs[1:] if rng.random() >= 0.2]
    out = []
    for paragraph in kept:
        sentences = []
        for original in _sentences(paragraph):
            sentence = original
            for old, new in REPORTING:
                sentence = sentence.replace(old, new)
            head, comma, tail = sentence.partition(", ")
            roll = rng.random()
            if comma and roll < 0.35 and len(head.split()) >= 3:
                sentence = f"{head}, {agency} reported, {tail}"
            elif comma and roll < 0.7:
                shorter = sentence.rpartition(", ")[0]
                if len(shorter.split()) >= 6:
                    sentence = shorter + "."
            sentences.append(sentence)
        if len(sentences) > 1 and rng.random() < 0.5:
            sentences.reverse()
        out.append(" ".join(sentences))
    lead = _sentences(out[0])
    out[0] = f"According to {agency}, {lead[0][:1].lower()}{lead[0][1:]}"
    if len(lead) > 1:
        out.insert(1, " ".join(lead[1:]))
    out.append(f"This report was written with material from {agency}; its figures could not be verified.")
    return out


def same_day_negatives(
    reserved: list[tuple[str, str, list[str]]],
) -> list[tuple[str, str, list[str]]]:
    """Two stories on one topic from one day: other news, the same background.

    Each reserved story (kept out of the rest of the set) gives two: its first
    paragraphs, and the paragraphs after them, each ending with the story's last
    two paragraphs, the background that wire stories on a running topic repeat.
    Same topic, same day, same place, partly the same words: two stories.
    """
    out = []
    for story, title, paragraphs in reserved:
        background, news = paragraphs[-2:], paragraphs[:-2]
        half = len(news) // 2
        out.append((f"topic-{story}-a", title, [*news[:half], *background]))
        out.append((f"topic-{story}-b", f"{title}: what happened next", [*news[half:], *background]))
    return out


def render(title: str, dateline: str, paragraphs: list[str], chrome: list[str]) -> str:
    body = [f"{dateline} {paragraphs[0]}", *paragraphs[1:]] if paragraphs else []
    return "\n\n".join([title, *body, *chrome]) + "\n"


# Hard negatives: one template, other figures. Each instance is a story of its own.
TEMPLATES = {
    "markets": (
        "Shares {dir1} on {day} as investors weighed {factor}",
        [
            "{place} ({agency}) - The benchmark {index} index {dir1} {pct1} percent to {idx_level} points "
            "on {day}, with {sector} stocks leading the move after {company} reported quarterly "
            "earnings of {eps} per share.",
            "Trading volume was {volume} million shares, {volcmp} the 30-day average. The {currency} "
            "{dir2} {pct2} percent against the dollar to {fx}, while the yield on the ten-year "
            "government bond {dir3} to {yield_} percent.",
            "Analysts said investors were focused on {factor}. {analyst}, chief strategist at "
            "{bank}, said the market could test {level2} points in the coming weeks if {condition}.",
            "Oil prices {dir4} {pct3} percent to {oil} dollars a barrel and gold {dir5} to {gold} "
            "dollars an ounce.",
        ],
    ),
    "football": (
        "{home} beat {away} {score} in the {competition}",
        [
            "{place} ({agency}) - {home} beat {away} {score} on {day} in the {competition}, with "
            "{scorer} scoring twice in front of {crowd} spectators.",
            "{scorer} opened the scoring in the {min1}th minute and added a second in the {min2}th "
            "before {other} made it {score} with a header in the {min3}th minute.",
            "The win lifted {home} to {position} in the table with {points} points from {games} "
            "games, {gap} points behind the leaders. {away} stay {position2} on {points2} points.",
            "{home} coach {coach} said after the match that his side had shown great character. "
            "{away} play {next_} next {day2}.",
        ],
    ),
    # Briefs that differ only in their figures: the hardest negatives, as close as
    # two days' reports get (a Jaccard near the threshold, most text shared).
    "fx-brief": (
        "Currencies: euro at {fx} dollars",
        [
            "{place} ({agency}) - The euro was quoted at {fx} dollars on Monday morning, against "
            "{fx2} dollars on Friday evening, the central bank said in its daily fixing. The pound "
            "stood at {fx3} euros and the Swiss franc at {fx4} euros. Gold was fixed at {gold} dollars "
            "an ounce in London, and Brent crude traded at {oil} dollars a barrel in early trading.",
        ],
    ),
    "weather-brief": (
        "Weather: highs of {temp} degrees expected",
        [
            "{place} ({agency}) - Temperatures will reach {temp} degrees in the capital on Monday and "
            "{temp2} degrees on the coast, the national weather service said. Winds from the west at "
            "{wind} kilometres per hour will bring showers in the afternoon, with {rain} millimetres "
            "of rain expected in the mountains. Night temperatures will fall to {low} degrees.",
        ],
    ),
    "weather": (
        "{region} braces for {event} with temperatures of up to {temp} degrees",
        [
            "{place} ({agency}) - The national weather service issued a {level} alert for {region} "
            "on {day}, forecasting {event} with temperatures of up to {temp} degrees and winds of "
            "{wind} kilometres per hour.",
            "Rainfall of up to {rain} millimetres was expected in {hours} hours, and authorities "
            "closed {schools} schools and {roads} roads as a precaution.",
            "The alert is expected to remain in force until {until}, the service said, adding that "
            "temperatures would drop to {low} degrees overnight.",
            "Emergency services said they had received {calls} calls by the evening and rescued "
            "{rescued} people from flooded homes.",
        ],
    ),
}
FILLERS = {
    "dir1": ["rose", "fell", "climbed", "slipped"], "dir2": ["gained", "lost"], "dir3": ["rose", "fell"],
    "dir4": ["rose", "fell"], "dir5": ["edged up", "eased"],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "day2": ["Saturday", "Sunday", "Wednesday"],
    "factor": ["inflation data", "the central bank decision", "trade talks", "the jobs report"],
    "index": ["FTSE 100", "DAX", "CAC 40", "Nikkei 225"],
    "sector": ["banking", "mining", "technology", "energy"],
    "company": ["Northwind", "Contoso", "Globex", "Initech", "Umbrella"],
    "currency": ["euro", "pound", "yen"], "volcmp": ["above", "below"],
    "analyst": ["Anna Berg", "Marc Dubois", "Kenji Sato", "Laura Diaz"],
    "bank": ["Alpha Capital", "Beta Securities", "Gamma Partners"],
    "condition": ["inflation keeps easing", "earnings hold up", "rates stay on hold"],
    "home": ["Riverside", "Northfield", "Harbor City", "Eastwood"],
    "away": ["Westbrook", "Southport", "Kingsbridge", "Millbank"],
    "competition": ["league", "cup quarter-final", "cup semi-final"],
    "scorer": ["Silva", "Okafor", "Jensen", "Moreau"], "other": ["Rossi", "Novak", "Keane"],
    "coach": ["Peter Hall", "Jorge Ruiz", "Tom Becker"], "next_": ["Eastwood", "Riverside", "Southport"],
    "region": ["the north", "the coast", "the capital region", "the south"],
    "event": ["heavy storms", "a heatwave", "strong winds"], "level": ["red", "orange", "yellow"],
    "until": ["Thursday", "Sunday", "the weekend"],
}  # fmt: skip


def _fill(rng: random.Random, text: str, values: dict[str, str]) -> str:
    for slot in re.findall(r"\{(\w+)\}", text):
        if slot not in values:
            if slot in FILLERS:
                values[slot] = rng.choice(FILLERS[slot])
            elif slot == "place":
                values[slot] = rng.choice(PLACES)
            elif slot == "agency":
                values[slot] = rng.choice(AGENCIES)
            elif slot == "score":
                values[slot] = f"{rng.randint(1, 4)}-{rng.randint(0, 3)}"
            elif slot in ("pct1", "pct2", "pct3"):
                values[slot] = f"{rng.uniform(0.1, 3.5):.1f}"
            elif slot in ("eps", "fx", "fx2", "fx3", "fx4"):
                values[slot] = f"{rng.uniform(0.5, 4.5):.2f}"
            elif slot == "yield_":
                values[slot] = f"{rng.uniform(1.5, 4.9):.2f}"
            else:
                values[slot] = str(rng.randint(3, 9999))
    return text.format(**values)


def negatives(rng: random.Random, per_template: int) -> list[tuple[str, str, list[str]]]:
    out = []
    for name, (title, paragraphs) in TEMPLATES.items():
        for number in range(per_template):
            values: dict[str, str] = {}
            filled = [_fill(rng, p, values) for p in paragraphs]
            out.append((f"tpl-{name}-{number:02d}", _fill(rng, title, values), filled))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="the shared corpus folder (../shared/corpus)")
    parser.add_argument("--out", type=Path, default=Path("fixtures/dedup"))
    args = parser.parse_args()
    rng = random.Random(SEED)
    docs_dir = args.out / "docs"
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    labels = ["doc\tstory\tkind"]
    originals = readability_originals(args.corpus) + feed_originals(args.corpus)
    # Some long stories are kept out, to be split into two stories on one topic.
    long_stories = [o for o in originals if len(o[2]) >= 10]
    reserved = random.Random(f"{SEED}-topics").sample(long_stories, min(TOPIC_PAIRS, len(long_stories)))
    originals = [o for o in originals if o not in reserved]
    for story, title, paragraphs in originals:
        place, agency = rng.choice(PLACES), rng.choice(AGENCIES)
        month, day = rng.choice(MONTHS), rng.randint(1, 28)
        dateline = f"{place}, {month} {day} ({agency}) -"
        (docs_dir / f"{story}--original.txt").write_text(render(title, dateline, paragraphs, []), "utf-8")
        labels.append(f"{story}--original\t{story}\toriginal")
        for kind, copy, chrome in variants(paragraphs, rng):
            headline = title
            if kind == "new-headline":
                # Re-headlined the way sites do it: from the story's own first sentence.
                headline = " ".join(_sentences(paragraphs[0])[0].split()[:14]).rstrip(".,;:")
            elif kind == "updated":
                headline = f"{title} (updated)"
            credit = f"{place}, {month} {day}, (Agencies):" if kind == "recredited" else dateline
            extra = rng.choice(CHROMES) if chrome else []
            name = f"{story}--{kind}"
            (docs_dir / f"{name}.txt").write_text(render(headline, credit, copy, extra), "utf-8")
            labels.append(f"{name}\t{story}\t{'trimmed' if kind.startswith('trimmed') else kind}")
        # Drawn from a generator of its own, so the kinds above stay as they were.
        rewrite = rewritten(paragraphs, agency, random.Random(f"{SEED}-{story}"))
        (docs_dir / f"{story}--rewrite.txt").write_text(render(title, dateline, rewrite, []), "utf-8")
        labels.append(f"{story}--rewrite\t{story}\trewrite")
    for story, title, paragraphs in same_day_negatives(reserved):
        # One dateline for both stories of a pair: one place, one day, one agency.
        dateline = f"LONDON, March 3 ({AGENCIES[len(story) % len(AGENCIES)]}) -"
        (docs_dir / f"{story}.txt").write_text(render(title, dateline, paragraphs, []), "utf-8")
        labels.append(f"{story}\t{story}\ttopic-negative")
    for story, title, paragraphs in negatives(rng, per_template=8):
        (docs_dir / f"{story}.txt").write_text(
            render(title, "", paragraphs, []).replace("\n\n ", "\n\n"), "utf-8"
        )
        labels.append(f"{story}\t{story}\ttemplate-negative")
    # The classes beyond English plain text, each from a generator of its own.
    for name, text, doc, story, kind in extra_documents(args.corpus, SEED):
        if not (docs_dir / name).exists():
            (docs_dir / name).write_text(text, "utf-8")
        labels.append(f"{doc}\t{story}\t{kind}")
    (args.out / "labels.tsv").write_text("\n".join(labels) + "\n", "utf-8")
    print(f"{len(originals)} originals, {len(labels) - 1} documents in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
