"""Every dashboard page run with Streamlit's AppTest on a real loaded store.

Pages are reached through dashboard/app.py's navigation, as a browser would; the
numbers shown are checked against the store, HDF5 and the catalog.
"""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from orgraph.core.settings import Settings
from orgraph.core.store import open_store
from orgraph.dashboard.context import EMPTY_MESSAGE
from orgraph.loader.reader import EgoExOR
from orgraph.queries.catalog import run_query
from orgraph.queries.stats import graph_summary
from tests.support.apptest import app, page, player_frames, texts
from tests.support.dashboard import APP, Loaded, generate_tiny, load_into

TAKE = "MISS/2/1"  # a test-split take, so the written-back run predicted it


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, loaded: Loaded) -> AppTest:
    return app(monkeypatch, loaded.settings.db, loaded.runs)


def test_overview_metrics_equal_graph_summary(at: AppTest, loaded: Loaded) -> None:
    at.run()
    assert not at.exception
    with open_store(loaded.settings) as store:
        s = graph_summary(store)
    shown = {m.label: int(m.value) for m in at.metric}
    assert shown["Takes"] == len(s["takes"])
    assert shown["Frames"] == s["frames"]
    assert shown["Annotated frames"] == s["annotated_frames"]
    assert shown["Triplets"] == s["triplets"]
    assert shown["Procedures"] == len({(t["surgery_type"], t["procedure_id"]) for t in s["takes"]})
    for split, frames in s["splits"].items():
        assert shown[f"Frames in {split}"] == frames
    assert len(at.get("plotly_chart")) == 2  # relation and entity frequencies
    assert len(at.dataframe[0].value) > 0


def test_timeline_chart_for_take_and_jump_to_frame(at: AppTest) -> None:
    page(at, "timeline", take=TAKE)
    assert at.selectbox(key="tl_take").value == TAKE
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    assert len(at.get("download_button")) == 1
    at.number_input(key="tl_frame").set_value(9)
    next(b for b in at.button if b.label == "Open in frame viewer").click().run()
    assert at.title[0].value == "Frame viewer"
    assert at.query_params["take"] == TAKE and at.query_params["frame"] == "9"
    assert "frame **9**" in texts(at.markdown)


def test_frame_viewer_images_and_triplets(at: AppTest, loaded: Loaded) -> None:
    page(at, "frame_viewer", take=TAKE, frame="12")
    with EgoExOR(list(loaded.files)) as reader:
        images = reader.media(TAKE).rgb(12)
    assert isinstance(images, dict)
    args = player_frames(at)
    assert "12" in args and args["12"].startswith("data:image/jpeg;base64,")
    captions = texts(at.caption) + texts(at.markdown)
    assert len(images) > 0 and "Gaze:" in captions
    with open_store(loaded.settings) as store:
        truth = run_query(store, "scene_graph_at_frame", {"take": TAKE, "frame": 12})
    table = at.dataframe[-1].value
    expected = set(truth[["subject", "relation", "object"]].itertuples(index=False, name=None))
    shown = table[table["status"] != "extra (prediction only)"]
    assert (
        set(shown[["subject", "relation", "object"]].itertuples(index=False, name=None)) == expected
    )
    assert sum('data-testid="scene-graph"' in m.value for m in at.markdown) == 1
    assert "missed (truth only)" in texts(at.markdown)  # the prediction comparison line


def test_frame_viewer_opens_with_the_run_of_the_link(
    monkeypatch: pytest.MonkeyPatch, loaded: Loaded, tmp_path: Path
) -> None:
    from orgraph.gnn.stored_runs import read_run_predictions
    from orgraph.gnn.writeback import write_predictions

    shutil.copytree(loaded.settings.db, tmp_path / "db")
    time.sleep(1.1)  # runs are ordered by their creation second: "later" must be newer
    with open_store(Settings(db=tmp_path / "db"), read_only=False) as store:
        write_predictions(store, "later", read_run_predictions(store, "gnn"), "a second run")
    at = app(monkeypatch, tmp_path / "db", loaded.runs)
    page(at, "frame_viewer", take=TAKE, frame="12")
    assert at.selectbox(key="fv_run").value == "later"  # the newest run by default
    page(at, "frame_viewer", take=TAKE, frame="12", run="gnn")
    assert at.selectbox(key="fv_run").value == "gnn"
    page(at, "frame_viewer", take=TAKE, frame="12", run="no-such-run")
    assert at.selectbox(key="fv_run").value == "gnn"  # an unusable ?run= is ignored


@pytest.mark.parametrize(
    "view, element, downloads",
    [
        ("Directly-follows", "graphviz_chart", 1),
        ("N-grams", "plotly_chart", 1),
        ("Handovers", "plotly_chart", 1),
        ("Object lifecycles", "graphviz_chart", 2),
        ("Variants", "dataframe", 2),
        ("Performance", "graphviz_chart", 5),
        ("Take comparison", "plotly_chart", 2),
        ("Allen concurrency", "plotly_chart", 1),
        ("Phase timelines", "plotly_chart", 1),
    ],
)
def test_workflow_views(at: AppTest, view: str, element: str, downloads: int) -> None:
    page(at, "workflow")
    at.radio(key="wf_view").set_value(view).run()
    assert not at.exception
    assert len(at.get(element)) >= 1, view
    assert len(at.get("download_button")) == downloads
    assert len(at.dataframe) >= 1


def test_workflow_surgery_filter_keeps_types_apart(at: AppTest) -> None:
    page(at, "workflow")
    at.radio(key="wf_type").set_value("MISS").run()
    for view in ("Directly-follows", "Variants", "Performance"):
        at.radio(key="wf_view").set_value(view).run()
        assert not at.exception, view
        shown = at.dataframe[0].value
        assert set(shown["surgery_type"]) == {"MISS"}, view


def _catalog(loaded: Loaded, name: str, **params: object):
    with open_store(loaded.settings) as store:
        return run_query(store, name, params)


def test_workflow_surgery_filter_reaches_every_query(at: AppTest, loaded: Loaded) -> None:
    """Handovers, Allen concurrency and the object picker show what the catalog answers for
    the chosen surgery type, which is not what it answers for every type."""
    page(at, "workflow")
    at.radio(key="wf_type").set_value("MISS").run()
    at.radio(key="wf_view").set_value("Handovers").run()
    assert not at.exception
    shown = at.dataframe[0].value
    miss = _catalog(loaded, "handovers", surgery_type="MISS")
    assert len(shown) == len(miss) < len(_catalog(loaded, "handovers"))
    assert all(str(t).startswith("MISS/") for t in shown["take"])
    at.radio(key="wf_view").set_value("Allen concurrency").run()
    assert not at.exception
    shown = at.dataframe[0].value
    miss = _catalog(loaded, "allen_concurrency", surgery_type="MISS")
    assert int(shown["pairs"].sum()) == int(miss["pairs"].sum())
    assert int(miss["pairs"].sum()) < int(_catalog(loaded, "allen_concurrency")["pairs"].sum())
    at.radio(key="wf_view").set_value("Object lifecycles").run()
    assert not at.exception
    objects = set(at.selectbox(key="ob_object").options)
    freq = _catalog(loaded, "entity_frequencies", level="surgery_type", surgery_type="MISS")
    assert objects == set(freq.loc[freq["object_triplets"] > 0, "entity"])


def test_console_refuses_writes_and_shows_results(at: AppTest) -> None:
    page(at, "console")
    at.text_area(key="cy_text").set_value("CREATE (n:Take {key: 'x'}) RETURN n")
    at.button(key="cy_run").click().run()
    assert "Refused: the console is read-only" in texts(at.error)
    assert "CREATE" in texts(at.error)
    at.text_area(key="cy_text").set_value(
        "MATCH (f:Frame {key: $key})-[s:SHOWS]->(i:Interaction) RETURN f, s, i"
    )
    at.text_area(key="cy_params").set_value(f'{{"key": "{TAKE}#5"}}')
    at.button(key="cy_run").click().run()
    assert not at.error
    assert len(at.dataframe[0].value) > 0
    assert len(at.get("graphviz_chart")) == 1
    at.text_area(key="cy_params").set_value("[1, 2]")
    at.button(key="cy_run").click().run()
    assert "JSON object" in texts(at.error)


def test_model_page_shows_run(at: AppTest, loaded: Loaded) -> None:
    page(at, "model")
    assert at.selectbox(key="md_run").value == "gnn"
    # F1 curve, loss curve, per-relation scores, confusion, temporal consistency
    assert len(at.get("plotly_chart")) == 5
    scopes = at.dataframe[0].value
    assert {"overall", "MISS", "Ultrasound"} <= set(scopes["scope"])
    assert {"gnn", "mlp", "prior"} <= set(scopes.columns)
    assert "not the real benchmark" in texts(at.warning)
    assert "0.79" in at.dataframe[-1].value.to_csv()


def test_model_page_without_runs(
    monkeypatch: pytest.MonkeyPatch, loaded: Loaded, tmp_path: Path
) -> None:
    at = page(app(monkeypatch, loaded.settings.db, tmp_path / "no-runs"), "model")
    assert "No trained run yet" in texts(at.info)
    assert "orgraph train" in texts(at.info)


def test_empty_database_says_how_to_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with open_store(Settings(db=tmp_path / "empty"), read_only=False) as store:
        store.ensure_schema()
    at = app(monkeypatch, tmp_path / "empty")
    at.run()
    assert not at.exception
    assert EMPTY_MESSAGE in texts(at.info) and "orgraph load" in EMPTY_MESSAGE


def test_missing_database_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = app(monkeypatch, tmp_path / "nowhere")
    at.run()
    assert not at.exception
    assert "orgraph load" in texts(at.error)


def test_unreachable_neo4j(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("ORGRAPH_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-a-real-password")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    error = texts(at.error)
    assert "unreachable" in error and f"127.0.0.1:{port}" in error


def test_moved_media_named_and_remapped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    synth = generate_tiny(tmp_path / "h5", seed=11)
    settings = Settings(db=tmp_path / "db")
    load_into(settings, synth)
    moved = tmp_path / "moved"
    shutil.move(str(tmp_path / "h5"), str(moved))
    at = page(app(monkeypatch, settings.db), "frame_viewer", take="MISS/1/1", frame="0")
    warning = texts(at.warning)
    assert "Media file not found" in warning
    assert str(tmp_path / "h5" / "miss_1.h5") in warning
    assert "ORGRAPH_MEDIA_ROOT" in warning
    assert not player_frames(at)
    at.sidebar.text_input(key="_media_root").set_value(str(moved)).run()
    assert not at.exception
    assert not at.warning
    assert "0" in player_frames(at)


def test_frame_viewer_shows_two_runs_beside_the_truth(
    monkeypatch: pytest.MonkeyPatch, loaded: Loaded, tmp_path: Path
) -> None:
    """?run=&run2= (the Model page's "A and B" link): both runs beside the truth, per triplet."""
    from orgraph.dashboard.moment_links import frame_url
    from orgraph.gnn.stored_runs import read_run_predictions
    from orgraph.gnn.writeback import write_predictions
    from orgraph.queries import browse

    shutil.copytree(loaded.settings.db, tmp_path / "db")
    with open_store(Settings(db=tmp_path / "db"), read_only=False) as store:
        gnn = read_run_predictions(store, "gnn")
        mine = tuple(TAKE.split("/"))
        key = next(
            k
            for k, v in sorted(gnn.items())
            if (k[0], str(k[1]), str(k[2])) == mine and len(v) >= 2
        )
        dropped = gnn[key][0]
        later = {k: (v[1:] if k == key else v) for k, v in gnn.items()}
        write_predictions(store, "later", later, "gnn without one triplet of one frame")
    frame = int(key[3])
    assert frame_url(TAKE, frame, "gnn", "later").endswith(f"frame={frame}&run=gnn&run2=later")
    at = app(monkeypatch, tmp_path / "db", loaded.runs)
    page(at, "frame_viewer", take=TAKE, frame=str(frame), run="gnn", run2="later")
    table = next(d.value for d in at.dataframe if "later" in d.value.columns)
    with open_store(Settings(db=tmp_path / "db")) as store:
        truth = run_query(store, "scene_graph_at_frame", {"take": TAKE, "frame": frame})
        pred = browse.predicted_at_frame(store, TAKE, frame, "gnn")
    cols = ["subject", "relation", "object"]
    ticked = {c: {tuple(r[cols]) for _, r in table.iterrows() if r[c] == "✓"} for c in table}
    assert ticked["truth"] == set(map(tuple, truth[cols].itertuples(index=False)))
    assert ticked["gnn"] == set(map(tuple, pred[cols].itertuples(index=False)))
    assert ticked["gnn"] - ticked["later"] == {tuple(dropped)}
    assert ticked["later"] <= ticked["gnn"]
    assert "**gnn**:" in texts(at.markdown) and "**later**:" in texts(at.markdown)
    page(at, "frame_viewer", take=TAKE, frame=str(frame), run="gnn", run2="nope")
    assert "?run2='nope' was not used" in texts(at.warning)


def test_two_run_status_on_hand_made_triplets() -> None:
    import pandas as pd

    from orgraph.dashboard.run_pair import agreement_line, two_run_status

    def df(*rows):
        return pd.DataFrame(list(rows), columns=["subject", "relation", "object"])

    x, y, z = ("a", "holding", "b"), ("a", "closeTo", "c"), ("d", "cutting", "b")
    status = two_run_status(df(x, y), df(x, z), df(y))
    got = {tuple(r[:3]): tuple(r[3:]) for r in status.itertuples(index=False)}
    assert got == {x: (True, True, False), y: (True, False, True), z: (False, True, False)}
    assert agreement_line(status, "A", "a") == "**A**: 1 correct, 1 missed, 1 extra"
    assert agreement_line(status, "B", "b") == "**B**: 1 correct, 1 missed, 0 extra"


def test_performance_tables_follow_the_role_picker(at: AppTest, loaded: Loaded) -> None:
    """Durations, waiting and idle times are of the role chosen, as the view's DFG is."""
    page(at, "workflow")
    at.radio(key="wf_view").set_value("Performance").run()
    at.selectbox(key="pf_role").set_value("assistant").run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "role" in d.value.columns]
    assert len(tables) == 2  # waiting times and idle time
    for shown in tables:
        assert set(shown["role"]) == {"assistant"}, shown
    idle = next(t for t in tables if "idle_frames" in t.columns)
    assert len(idle) == len(_catalog(loaded, "idle_time", role="assistant"))
