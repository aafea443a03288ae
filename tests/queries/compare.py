"""Independent pandas answers for the catalog-A queries, and a strict frame comparison."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from orgraph.core.vocabulary import FPS, ROLES
from tests.queries.reference import Reference


def assert_same(
    actual: pd.DataFrame, expected: pd.DataFrame, sort_by: Sequence[str] | None = None
) -> None:
    """Equal columns, rows and values (floats to 1e-9); rows sorted first when sort_by."""
    assert list(actual.columns) == list(expected.columns)
    if sort_by is not None:
        actual = actual.sort_values(list(sort_by))
        expected = expected.sort_values(list(sort_by))
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True),
        expected[list(actual.columns)].reset_index(drop=True),
        check_dtype=False,
        rtol=1e-9,
        atol=1e-9,
    )


def level_key(ref: Reference, frame: pd.DataFrame, level: str) -> pd.Series:
    """The take, procedure or surgery type of each row of a frame with a `take` column."""
    if level == "take":
        return frame["take"]
    return frame["take"].map(ref.takes.set_index("take")[level])


def overview(ref: Reference) -> pd.DataFrame:
    """dataset_overview from the reader's per-take counts."""
    g = ref.takes.groupby(["surgery_type", "procedure", "procedure_id", "split"], as_index=False)
    out = g.agg(
        takes=("take", "count"),
        frames=("frames", "sum"),
        annotated_frames=("annotated_frames", "sum"),
        triplets=("triplets", "sum"),
    )
    out["duration_s"] = out["frames"] / FPS
    return out


def relation_frequencies(ref: Reference, level: str) -> pd.DataFrame:
    """relation_frequencies: row counts from the raw rows, intervals from the loop rule."""
    rows = ref.rows.assign(key=level_key(ref, ref.rows, level))
    counts = rows.groupby(["key", "relation"]).size().rename("triplets")
    iv = ref.intervals.assign(key=level_key(ref, ref.intervals, level))
    spans = iv.groupby(["key", "relation"]).agg(
        intervals=("n_frames", "size"), frames=("n_frames", "sum")
    )
    out = pd.concat([counts, spans], axis=1).reset_index()
    out["duration_s"] = out["frames"] / FPS
    out["share"] = out["triplets"] / out.groupby("key")["triplets"].transform("sum")
    out.insert(0, "level", level)
    return out


def _of_type(ref: Reference, frame: pd.DataFrame, surgery_type: str | None) -> pd.DataFrame:
    """The rows of `frame` (with a take column) in takes of one surgery type, or all."""
    if surgery_type is None:
        return frame
    keep = ref.takes.loc[ref.takes["surgery_type"] == surgery_type, "take"]
    return frame[frame["take"].isin(set(keep))]


def entity_frequencies(ref: Reference, level: str, surgery_type: str | None = None) -> pd.DataFrame:
    """entity_frequencies: every entity of a take, zero when it is never subject or object."""
    ents = _of_type(ref, ref.entities, surgery_type)
    ents = ents.assign(key=level_key(ref, ents, level))
    out = ents[["key", "entity"]].drop_duplicates().set_index(["key", "entity"])
    rows = _of_type(ref, ref.rows, surgery_type)
    rows = rows.assign(key=level_key(ref, rows, level))
    iv = _of_type(ref, ref.intervals, surgery_type)
    iv = iv.assign(key=level_key(ref, iv, level))
    for role in ("subject", "object"):
        out[f"{role}_triplets"] = rows.groupby(["key", role]).size()
        out[f"{role}_duration_s"] = iv.groupby(["key", role])["n_frames"].sum() / FPS
    out = out.fillna(0).reset_index()
    out.insert(0, "level", level)
    cols = [
        "level",
        "key",
        "entity",
        "subject_triplets",
        "object_triplets",
        "subject_duration_s",
        "object_duration_s",
    ]
    return out[cols]


def timeline(
    ref: Reference, take: str, subject: str | None = None, roles_only: bool = False
) -> pd.DataFrame:
    """activity_timeline, in its documented order."""
    iv = ref.intervals[ref.intervals["take"] == take]
    if subject is not None:
        iv = iv[iv["subject"] == subject]
    if roles_only:
        iv = iv[iv["subject"].isin(ROLES)]
    iv = iv.assign(activity=iv["relation"] + " " + iv["object"])
    iv = iv.sort_values(["subject", "start_frame", "end_frame", "relation", "object"])
    cols = [
        "subject",
        "relation",
        "object",
        "activity",
        "start_frame",
        "end_frame",
        "start_time",
        "end_time",
        "n_frames",
    ]
    return iv[cols].reset_index(drop=True)


def scene(ref: Reference, take: str, first: int, last: int) -> pd.DataFrame:
    """The triplets of frames first..last, with duplicate counts and their interval."""
    rows = ref.rows[(ref.rows["take"] == take) & ref.rows["frame"].between(first, last)]
    g = rows.groupby(["frame", "subject", "relation", "object"]).size().rename("n")
    iv = ref.intervals[ref.intervals["take"] == take]
    out = g.reset_index().merge(iv, on=["subject", "relation", "object"])
    out = out[(out["start_frame"] <= out["frame"]) & (out["frame"] <= out["end_frame"])]
    assert len(out) == len(g)  # every (frame, triplet) lies in exactly one interval
    out = out.rename(columns={"start_frame": "interval_start", "end_frame": "interval_end"})
    out["time"] = out["frame"] / FPS
    out = out.sort_values(["frame", "subject", "relation", "object"])
    cols = [
        "frame",
        "time",
        "subject",
        "relation",
        "object",
        "n",
        "interval_start",
        "interval_end",
    ]
    return out[cols]
