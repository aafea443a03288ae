"""Parsing scene-graph prediction files: record shapes, the text form, names and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgraph.core.errors import UnknownNameError
from orgraph.gnn.evaluation import PredictionFormatError, parse_predictions
from orgraph.gnn.evaluation.sg_text import split_scene_graph_text

KEY = ("MISS", 4, 2, 195)


def record(**content: object) -> dict[str, object]:
    """A record for MISS/4/2/frame 195 with the given content fields."""
    return {"surgery_type": "MISS", "procedure_id": 4, "take_id": 2, "frame": 195, **content}


def test_text_form_with_spaces_case_and_raw_spellings() -> None:
    text = (
        "<SG> Head Surgeon,patient,closeTo; assistant,instrument table,Checking; "
        "anaesthetist,operation_table,closeto; head surgeon,microcope,anesthasing; </SG>"
    )
    parsed = parse_predictions([record(text=text)])
    # Text order is subject,object,relation; the result is (subject, relation, object).
    assert parsed[KEY] == [
        ("head_surgeon", "closeto", "patient"),
        ("assistant", "looking", "instrument_table"),
        ("anesthetist", "closeto", "operating_table"),
        ("head_surgeon", "anaesthetising", "microscope"),
    ]


def test_scene_graph_field_and_untagged_or_unclosed_text() -> None:
    parsed = parse_predictions([record(scene_graph="<sg>patient,operating table,lyingOn")])
    assert parsed[KEY] == [("patient", "lyingon", "operating_table")]
    triplets, malformed = split_scene_graph_text("head_surgeon,scalpel,holding")
    assert triplets == [("head_surgeon", "holding", "scalpel")]
    assert malformed == []
    # Text after </SG> is not part of the graph.
    triplets, _ = split_scene_graph_text("<SG> a,b,c </SG> x,y,z")
    assert triplets == [("a", "c", "b")]


def test_triplets_field_with_raw_spellings() -> None:
    parsed = parse_predictions([record(triplets=[["anaesthetist", "closeTo", "operation_table"]])])
    assert parsed[KEY] == [("anesthetist", "closeto", "operating_table")]


def test_unknown_name_is_an_error_naming_frame_and_name() -> None:
    records = [record(triplets=[["head_surgeon", "holding", "lightsaber"]])]
    with pytest.raises(UnknownNameError, match=r"'lightsaber'.*MISS/4/2/frame 195"):
        parse_predictions(records)
    expected = r"record 0: unknown relation name 'juggling'.*frame 195"
    with pytest.raises(UnknownNameError, match=expected):
        parse_predictions([record(text="<SG> head surgeon,scalpel,juggling </SG>")])


def test_lenient_drops_and_counts_unknown_names() -> None:
    records = [
        record(
            triplets=[
                ["head_surgeon", "holding", "lightsaber"],
                ["head_surgeon", "holding", "scalpel"],
                ["lightsaber", "juggling", "patient"],
            ]
        ),
        {
            **record(text="<SG> assistant,patient,juggling; assistant,patient,closeto </SG>"),
            "frame": 196,
        },
    ]
    parsed = parse_predictions(records, lenient=True)
    assert parsed[KEY] == [("head_surgeon", "holding", "scalpel")]
    assert parsed[("MISS", 4, 2, 196)] == [("assistant", "closeto", "patient")]
    # 3 triplets dropped; 'lightsaber' twice (one triplet each), 'juggling' twice.
    assert parsed.dropped_triplets == 3
    assert parsed.dropped_names == {"entity:lightsaber": 2, "relation:juggling": 2}


def test_malformed_text_item_is_an_error_or_counted_when_lenient() -> None:
    text = "<SG> head surgeon,scalpel; assistant,patient,closeto </SG>"
    expected = r"record 0: MISS/4/2/frame 195.*'head surgeon,scalpel'"
    with pytest.raises(PredictionFormatError, match=expected):
        parse_predictions([record(text=text)])
    parsed = parse_predictions([record(text=text)], lenient=True)
    assert parsed[KEY] == [("assistant", "closeto", "patient")]
    assert parsed.dropped_names == {"malformed": 1}


def test_malformed_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "preds.json"
    path.write_text('[\n  {"surgery_type": "MISS",\n  oops\n]')
    with pytest.raises(PredictionFormatError, match=r"preds\.json.*not valid JSON.*line 3"):
        parse_predictions(path)
    with pytest.raises(PredictionFormatError, match="cannot read.*missing.json"):
        parse_predictions(tmp_path / "missing.json")


def test_missing_field_names_the_file_and_record_index(tmp_path: Path) -> None:
    path = tmp_path / "preds.json"
    bad = record(triplets=[])
    del bad["take_id"]
    path.write_text(json.dumps([record(triplets=[]), bad]))
    with pytest.raises(PredictionFormatError, match=r"preds\.json, record 1: missing.*take_id"):
        parse_predictions(str(path))
    no_content = record()
    with pytest.raises(PredictionFormatError, match=r"record 0: missing field triplets"):
        parse_predictions([no_content])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"frame": "x"}, "field frame must be an integer"),
        ({"surgery_type": "Cardiac"}, "'Cardiac' is not one of MISS, Ultrasound"),
        ({"triplets": [["a", "b"]]}, r"triplets\[0\] must be"),
        ({"triplets": {"a": 1}}, "must be a list"),
    ],
)
def test_bad_field_values_are_named(bad: dict[str, object], message: str) -> None:
    with pytest.raises(PredictionFormatError, match=message):
        parse_predictions([{**record(triplets=[]), **bad}])


def test_file_and_dict_shapes(tmp_path: Path) -> None:
    path = tmp_path / "preds.json"
    path.write_text(
        json.dumps({"predictions": [record(triplets=[["patient", "lyingOn", "operating_table"]])]})
    )
    assert parse_predictions(path)[KEY] == [("patient", "lyingon", "operating_table")]
    keyed = {
        "MISS/4/2/195": "<SG> patient,operating_table,lyingon </SG>",
        "ultrasound/1/1/0": [["head_surgeon", "holding", "ultrasound_probe"]],
        "Ultrasound/1/1/1": {"triplets": []},
    }
    parsed = parse_predictions(keyed)
    assert parsed[KEY] == [("patient", "lyingon", "operating_table")]
    assert parsed[("Ultrasound", 1, 1, 0)] == [("head_surgeon", "holding", "ultrasound_probe")]
    assert parsed[("Ultrasound", 1, 1, 1)] == []
    with pytest.raises(PredictionFormatError, match="key 'MISS/4/2'"):
        parse_predictions({"MISS/4/2": []})


def test_integer_strings_are_accepted_and_a_frame_twice_is_an_error() -> None:
    parsed = parse_predictions([{**record(triplets=[]), "procedure_id": "4", "frame": "195"}])
    assert list(parsed) == [KEY]
    with pytest.raises(PredictionFormatError, match=r"record 1: frame MISS/4/2/frame 195.*twice"):
        parse_predictions([record(triplets=[]), record(text="")])
