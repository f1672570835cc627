"""Signatures: deterministic, blind to markup and case, parameters enforced."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizer.fingerprint import Sketcher, band_keys, compare
from normalizer.model import FingerprintParams

PARAMS = FingerprintParams()
TEXT = [
    "France and Germany agreed on Wednesday to resume talks on a joint fighter jet programme.",
    "The two defence ministers said technical teams would meet again before the end of the month.",
]


def test_same_text_same_signature_across_sketchers() -> None:
    assert Sketcher(PARAMS).fingerprint(TEXT) == Sketcher(PARAMS).fingerprint(TEXT)


def test_signature_is_128_uint32() -> None:
    fingerprint = Sketcher(PARAMS).fingerprint(TEXT)
    assert len(fingerprint.signature) == 128 * 4
    assert fingerprint.shingles == len(" ".join(TEXT).split()) - PARAMS.shingle_words + 1


def test_case_punctuation_and_paragraphing_do_not_matter() -> None:
    sketcher = Sketcher(PARAMS)
    shouted = [" ".join(TEXT).upper().replace(",", " ,")]
    assert sketcher.fingerprint(shouted).digest == sketcher.fingerprint(TEXT).digest


def test_other_seed_other_signature() -> None:
    other = Sketcher(FingerprintParams(seed=2)).fingerprint(TEXT)
    assert other.signature != Sketcher(PARAMS).fingerprint(TEXT).signature


def test_unsupported_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="scheme"):
        Sketcher(FingerprintParams(scheme="legacy"))
    with pytest.raises(ValueError, match="exceeds num_perm"):
        Sketcher(FingerprintParams(bands=64, rows=4))


def test_exact_similarity_of_a_trimmed_copy() -> None:
    words = [f"w{i}" for i in range(400)]
    sketcher = Sketcher(PARAMS)
    full = sketcher.fingerprint([" ".join(words)]).shingle_set
    half = sketcher.fingerprint([" ".join(words[:200])]).shingle_set
    similarity = compare(half, full)
    assert similarity.jaccard == round(197 / 397, 4)
    assert similarity.containment_new == 1.0
    assert similarity.containment_old == round(197 / 397, 4)


def test_signatures_estimate_the_exact_jaccard() -> None:
    sketcher = Sketcher(PARAMS)
    words = [f"w{i}" for i in range(400)]
    full = sketcher.fingerprint([" ".join(words)])
    half = sketcher.fingerprint([" ".join(words[:200])])
    # The share of equal MinHash values estimates the Jaccard similarity.
    equal = np.frombuffer(full.signature, "<u4") == np.frombuffer(half.signature, "<u4")
    assert abs(float(equal.mean()) - 197 / 397) < 0.15


def test_a_lead_only_copy_shares_lead_bands() -> None:
    sketcher = Sketcher(PARAMS)
    words = [f"w{i}" for i in range(600)]
    full = sketcher.fingerprint([" ".join(words)])
    lead = sketcher.fingerprint([" ".join(words[:45])])
    full_bands, lead_bands = band_keys(full, PARAMS), band_keys(lead, PARAMS)
    assert not set(full_bands[: PARAMS.bands]) & set(lead_bands[: PARAMS.bands])
    assert set(full_bands[PARAMS.bands :]) & set(lead_bands[PARAMS.bands :])


def test_band_keys_are_deterministic_and_per_band() -> None:
    fingerprint = Sketcher(PARAMS).fingerprint(TEXT)
    keys = band_keys(fingerprint, PARAMS)
    assert keys == band_keys(fingerprint, PARAMS)
    assert len(keys) == PARAMS.bands + PARAMS.lead_bands
    assert all(-(1 << 63) <= key < (1 << 63) for key in keys)


@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_whitespace_never_changes_the_fingerprint(paragraphs: list[str]) -> None:
    sketcher = Sketcher(PARAMS)
    spaced = ["  " + p.replace(" ", "   ") + "\n" for p in paragraphs]
    assert sketcher.fingerprint(spaced) == sketcher.fingerprint(paragraphs)


def test_numpy_sketch_equals_datasketch_update_batch() -> None:
    import numpy as np
    from datasketch import MinHash

    from normalizer.fingerprint import affine32_signature

    rng = np.random.default_rng(4)
    ids = np.unique(rng.integers(0, 2**32, size=500, dtype=np.uint64).astype(np.uint32))
    reference = MinHash(num_perm=128, seed=1, hashfunc=lambda value: value, scheme="affine32")
    reference.update_batch(ids.tolist())
    a, b = (np.asarray(p, dtype=np.uint32) for p in reference.permutations)
    assert np.array_equal(affine32_signature(ids, a, b), reference.hashvalues)


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 12345)])
def test_permutations_are_datasketchs_own(num_perm: int, seed: int) -> None:
    from datasketch import MinHash

    from normalizer.fingerprint import affine32_permutations

    reference = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
    a, b = affine32_permutations(num_perm, seed)
    assert a.dtype == b.dtype == np.uint32
    assert np.array_equal(a, reference.permutations[0])
    assert np.array_equal(b, reference.permutations[1])


def test_empty_text_has_datasketchs_empty_signature() -> None:
    from datasketch import MinHash

    assert (
        Sketcher(PARAMS).fingerprint([]).signature
        == MinHash(num_perm=128, seed=1).hashvalues.astype("<u4").tobytes()
    )

    empty = Sketcher(PARAMS).fingerprint([])
    assert empty.shingles == 0
    assert set(np.frombuffer(empty.signature, dtype="<u4")) == {2**32 - 1}


@given(st.lists(st.text(alphabet=st.sampled_from("0123456789٣۵ab .,-x²\u00a0"), max_size=40), max_size=4))
def test_figures_are_the_whole_numbers_the_text_quotes(paragraphs: list[str]) -> None:
    import re

    # The definition: runs of decimal digits (of any script) standing as words of their
    # own, with their separators, each once; the fingerprint keeps them in their words.
    text = " ".join(paragraphs).casefold()
    text = text.translate({ord("٣"): "3", ord("۵"): "5", ord("²"): "2", 0xA0: " "})
    written = re.findall(r"(?<![^\W_])\d+(?:[.,]\d+)*%?(?![^\W\d_])", text)
    numbers = {figure.split("|")[1] for figure in Sketcher(PARAMS).fingerprint(paragraphs).figures}
    assert len(numbers) <= len(set(written))
    assert {n.replace(".", "") for n in numbers} == {re.sub("[.,]", "", w) for w in written}
