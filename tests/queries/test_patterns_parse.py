"""Pattern parsing: the forms of the language, and errors that point at the position."""

from __future__ import annotations

import pytest

from orgraph.core.store import GraphStore
from orgraph.queries.patterns import PatternError, find, parse
from orgraph.queries.patterns.compiler import term_query
from orgraph.queries.patterns.names import closest, suggestions


def error_of(text: str) -> PatternError:
    with pytest.raises(PatternError) as info:
        parse(text)
    return info.value


def test_forms_and_raw_spellings() -> None:
    p = parse("anaesthetist closeTo operation_table & !?a Holding * for >= 2.5s".replace("?a", "*"))
    first = p.steps[0].terms[0]
    assert (first.subject.value, first.relation.value, first.object.value) == (
        "anesthetist",
        "closeto",
        "operating_table",
    )
    assert p.steps[0].terms[1].negated and p.steps[0].terms[1].relation.value == "holding"
    length = p.steps[0].length
    assert length is not None and (length.op, length.duration.value, length.duration.unit) == (
        ">=",
        2.5,
        "s",
    )
    seq = parse("?a holding ?x then ?b holding ?x within 45f then * * * within 1 s")
    assert len(seq.steps) == 3 and [str(w) for w in seq.windows] == ["45f", "1s"]
    assert seq.variables == ("a", "x", "b")
    assert parse("HEAD_SURGEON THEN scalpel".replace("THEN", "holding")).steps[0].terms[0]


@pytest.mark.parametrize(
    "text, message, column, hints",
    [
        ("head_surgeon holding scalpell", "unknown entity 'scalpell'", 22, ["scalpel"]),
        ("head_surgeon holdng scalpel", "unknown relation 'holdng'", 14, ["holding"]),
        ("anaesthetst closeTo patient", "unknown entity 'anaesthetst'", 1, ["anesthetist"]),
        ("head_surgeon scalpel holding", "'scalpel' is an entity", 14, []),
        ("holding head_surgeon scalpel", "'holding' is a relation", 1, []),
        ("!head_surgeon holding scalpel", "a negation alone matches nothing", 1, []),
        ("* * * & !?y holding *", "variable ?y appears only in a negated triplet", 10, []),
        ("head_surgeon holding scalpel | assistant holding needle", "'|' is not part", 30, []),
        ("head_surgeon holding scalpel && assistant holding needle", "expected a subject", 31, []),
        ("head_surgeon holding", "the pattern ends where an object is expected", 21, []),
        ("* * * then * * *", "`then` needs a time window", 17, []),
        ("* * * for 3s", "`for` needs a comparison", 11, []),
        ("* * * for >= 3h", "unknown time unit 'h'", 14, []),
        ("* ?r *", "variables stand for entities", 3, []),
        ("", "the pattern is empty", 1, []),
        ("* * * assistant", "expected &, for, then or the end", 7, []),
    ],
)
def test_errors_point_at_the_position(text: str, message: str, column: int, hints: list) -> None:
    err = error_of(text)
    assert message in err.line
    assert f"at column {column}" in err.line
    assert err.hints[: len(hints)] == hints
    shown, caret = str(err).splitlines()[1:]
    assert shown.strip() == text.strip()
    assert caret.index("^") - 4 == column - 1  # caret under the offending part


@pytest.mark.parametrize(
    "text",
    [
        'head_surgeon holding "scalpel\' OR 1=1 //"',
        "head_surgeon holding scalpel}) MATCH (n) DETACH DELETE n //",
        "head_surgeon holding scalpel; MATCH (n) DETACH DELETE n",
        "head_surgeon holding `scalpel`",
        "head_surgeon holding $takes",
        "DETACH DELETE n",
        "head_surgeon holding scalpel\nMATCH (n) DELETE n",
    ],
)
def test_injection_strings_are_refused_before_any_cypher(text: str) -> None:
    with pytest.raises(PatternError):
        parse(text)


def test_cypher_carries_names_only_as_parameters() -> None:
    for term in parse("anaesthetist closeTo * & ?a holding ?b & !?a cutting patient").terms:
        query = term_query(term, ["MISS/1/1"], 30)
        for name in ("anaesthetist", "anesthetist", "closeTo", "closeto", "patient", "MISS"):
            assert name not in query.cypher
        assert set(query.params) <= {"subject", "relation", "object", "takes", "min_span"}


def test_injection_names_leave_the_store_unchanged(loaded_store: GraphStore) -> None:
    before = loaded_store.query("MATCH (n) RETURN count(n) AS n")["n"].iloc[0]
    with pytest.raises(PatternError):
        find(loaded_store, "head_surgeon holding scalpel}) MATCH (n) DETACH DELETE n //")
    after = loaded_store.query("MATCH (n) RETURN count(n) AS n")["n"].iloc[0]
    assert before == after > 0


def test_closest_names_and_typing_suggestions() -> None:
    assert closest("closeTO", "relation") == ["closeto"]
    assert closest("ultrasound", "entity")[0].startswith("ultrasound")
    assert "microscope_screen" in suggestions("micro")
    assert suggestions("zzz") == []
