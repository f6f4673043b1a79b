"""People across documents (kg.graph.person_identities): one name is one person only where the organ of the
posts agrees; built through the pipeline and read back by SPARQL."""

from __future__ import annotations

from pathlib import Path

import kg
from kg.vocab import PREFIXES

PREFIX = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"

DOCUMENTS = {
    # made-up reports: one name, two people (a CPPCC vice chair later chair, and a bureau head)
    "a.txt": "5月3日，岳池县政协副主席李国强带队到九龙街道调研。\n",
    "b.txt": "6月8日，岳池县政协召开协商会，县政协党组书记、主席李国强出席。\n",
    "c.txt": "7月1日，岳池县住建局局长李国强介绍了老旧小区改造情况。\n",
    # a name holding no post stays apart from both
    "d.txt": "7月9日，居民代表李国强说，路修好了。\n",
    # the same name in another county's committee is another person again
    "e.txt": "8月2日，邻水县政协主席李国强出席会议。\n",
}


def _people(folder: Path) -> dict[str, set[str]]:
    graph = kg.build([folder])
    rows = graph.query(
        PREFIX
        + """SELECT ?p ?post WHERE {
               ?p a cppcc:Person ; rdfs:label "李国强"@zh .
               OPTIONAL { ?p cppcc:holdsPosition/rdfs:label ?post }
             }"""
    )
    found: dict[str, set[str]] = {}
    for person, post in rows:
        found.setdefault(str(person), set()).update({str(post)} if post is not None else set())
    return found


def test_one_name_is_one_person_only_where_the_organ_agrees(tmp_path: Path) -> None:
    for name, text in DOCUMENTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    people = _people(tmp_path)
    assert len(people) == 4, people
    posts = sorted(people.values(), key=len)
    assert set() in posts  # the resident's representative, no post
    assert {"岳池县住建局局长"} in posts
    assert {"邻水县政协主席"} in posts
    # the vice chair of one document and the chair of another: a later step in the same committee
    assert {"岳池县政协副主席", "岳池县政协党组书记", "岳池县政协主席"} in posts


def test_iris_are_told_apart_by_the_organ(tmp_path: Path) -> None:
    for name in ("a.txt", "c.txt"):
        (tmp_path / name).write_text(DOCUMENTS[name], encoding="utf-8")
    iris = set(_people(tmp_path))
    person = str(PREFIXES["person"])
    assert iris == {person + "李国强_岳池县政协", person + "李国强_岳池县住建局"}
