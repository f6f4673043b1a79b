"""kg.graph builds triples as N-Triples terms: they must be exactly what pyoxigraph writes."""

from __future__ import annotations

import pyoxigraph as ox

from kg import graph


def test_literals_are_escaped_as_pyoxigraph_escapes_them() -> None:
    chars = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    subject, predicate = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
    for chunk in range(0, len(chars), 4096):
        text = chars[chunk : chunk + 4096]
        expected = ox.serialize([ox.Triple(subject, predicate, ox.Literal(text, language="zh"))], format=ox.RdfFormat.N_TRIPLES)
        assert graph.ntriples([("<urn:s>", "<urn:p>", graph.literal(text, "@zh"))]) == expected


def test_document_triples_round_trip_through_pyoxigraph(sample_build) -> None:
    """The build's sorted N-Triples, parsed and written again by pyoxigraph, are the same bytes."""
    data = (sample_build.out / "cppcc.nt").read_bytes()
    again = ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    assert again == data


def test_sorted_ntriples_are_the_lines_of_ntriples_in_byte_order() -> None:
    """Each line encoded and sorted on its own gives the bytes of the whole text encoded, split and sorted;
    a term with a raw line break (never made) still gets the split."""
    import random

    rng = random.Random(5)
    terms = ["<urn:a>", "<urn:b>", "<urn:中>", graph.literal("政协委员", "@zh"), graph.literal("a\nb"), '"x"', "<urn:\U0001f600>",
             graph.literal("é"), "_:b1", '"\u2028"', '"z\x85"']
    for _ in range(500):
        triples = [(rng.choice(terms), rng.choice(terms), rng.choice(terms)) for _ in range(rng.randint(0, 30))]
        expected = b"".join(sorted(graph.ntriples(triples).splitlines(keepends=True)))
        assert graph.sorted_ntriples(triples) == expected
    broken = [("<urn:a>", "<urn:p>", '"x\ny"'), ("<urn:b>", "<urn:p>", '"q\rr"'), ("<urn:a>", "<urn:p>", '"w"')]
    assert graph.sorted_ntriples(broken) == b"".join(sorted(graph.ntriples(broken).splitlines(keepends=True)))
