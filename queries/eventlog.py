"""An event log of the graph for process-mining tools (PM4Py, Disco, ProM via CSV/Parquet).

One event per interaction interval whose subject is a role: activity = "relation
object" (the label of the `directly_follows` query), resource = the role, case = the
take (or, with case="role", the take and role as "TAKE|role": one trace per role, the
traces `directly_follows` counts over). Timestamps are real datetimes: every take
starts at the same fixed epoch, EPOCH (UTC), plus the interval's start / end time in
seconds (the end is exclusive: (end_frame + 1) / fps). Rows are ordered by case, then
start frame, end frame, relation and object, the order `directly_follows` uses.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from orgraph.core.errors import OrgraphError
from orgraph.core.store import GraphStore
from orgraph.queries.catalog.common import ROLE_LIST

EPOCH = pd.Timestamp("2000-01-01T00:00:00", tz="UTC")
"""Time zero of every take in the log."""

CASE_KINDS = ("take", "role")
FORMATS = ("csv", "parquet")

CASE, ACTIVITY, RESOURCE = "case:concept:name", "concept:name", "org:resource"
START, END = "start_timestamp", "time:timestamp"
COLUMNS = (
    CASE,
    ACTIVITY,
    RESOURCE,
    START,
    END,
    "take",
    "surgery_type",
    "start_frame",
    "end_frame",
    "start_seconds",
    "end_seconds",
)

_EVENTS = f"""
MATCH (t:Take)-[:HAS_ENTITY]->(e:Entity)<-[:HAS_SUBJECT]-(i:Interaction)
WHERE e.name IN {ROLE_LIST}
RETURN t.key AS take, t.surgery_type AS surgery_type, e.name AS role,
       i.relation AS relation, i.object AS object,
       i.start_frame AS start_frame, i.end_frame AS end_frame,
       i.start_time AS start_seconds, i.end_time AS end_seconds
"""


class EventLogError(OrgraphError):
    """The event log cannot be written as asked."""


def event_log(store: GraphStore, case: str = "take") -> pd.DataFrame:
    """The event log as a DataFrame with PM4Py's standard column names (see module doc)."""
    if case not in CASE_KINDS:
        raise EventLogError(f"case must be one of {', '.join(CASE_KINDS)}, got {case!r}")
    df = store.query(_EVENTS)
    df = df.sort_values(["take", "role", "start_frame", "end_frame", "relation", "object"])
    case_id = df["take"] if case == "take" else df["take"] + "|" + df["role"]
    out = pd.DataFrame(
        {
            CASE: case_id.astype(str),
            ACTIVITY: (df["relation"] + " " + df["object"]).astype(str),
            RESOURCE: df["role"].astype(str),
            START: EPOCH + pd.to_timedelta(df["start_seconds"].astype(float), unit="s"),
            END: EPOCH + pd.to_timedelta(df["end_seconds"].astype(float), unit="s"),
            "take": df["take"].astype(str),
            "surgery_type": df["surgery_type"].astype(str),
            "start_frame": df["start_frame"].astype("int64"),
            "end_frame": df["end_frame"].astype("int64"),
            "start_seconds": df["start_seconds"].astype(float),
            "end_seconds": df["end_seconds"].astype(float),
        }
    )
    order = [CASE, "start_frame", "end_frame", ACTIVITY]
    out = out.sort_values(order, kind="stable")
    return out.reset_index(drop=True)[list(COLUMNS)]


def write_event_log(df: pd.DataFrame, out: Path, fmt: str = "csv") -> Path:
    """Write the log to `out` atomically (a temporary file renamed in place)."""
    if fmt not in FORMATS:
        raise EventLogError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out = Path(out)
    if out.is_dir():
        raise EventLogError(f"{out} is a directory: give a file name, e.g. {out / 'log.csv'}")
    if not out.parent.is_dir():
        raise EventLogError(f"cannot write {out}: the folder {out.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        if fmt == "csv":
            df.to_csv(tmp, index=False, date_format="%Y-%m-%dT%H:%M:%S.%f%z")
        else:
            df.to_parquet(tmp, index=False)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
