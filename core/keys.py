"""The key formats of the graph, in one place: take, frame, bucket, interval, prediction.

Every node key is text. A take is SURGERY/PROCEDURE/TAKE and its entities take/NAME;
frames and time buckets are numbered within their take (take#n); intervals too
(take~i); a prediction interval adds its run (run|take~i). Cypher that builds a key
builds it with numbered_key_cypher(); a condition on a take key's surgery type with
take_of_surgery_type_cypher().
"""

from __future__ import annotations

TAKE_SEP = "/"
NUMBER_SEP = "#"
"""Between a take key and a frame index or a bucket number."""
INTERVAL_SEP = "~"
RUN_SEP = "|"


def take_key(surgery_type: str, procedure_id: int | str, take_id: int | str) -> str:
    """`MISS/1/2`: the key of a take, also how users name it."""
    return f"{surgery_type}{TAKE_SEP}{procedure_id}{TAKE_SEP}{take_id}"


def procedure_key(surgery_type: str, procedure_id: int | str) -> str:
    """`MISS/1`: the key of a procedure (the takes of one surgery)."""
    return f"{surgery_type}{TAKE_SEP}{procedure_id}"


def entity_key(take: str, name: str) -> str:
    """`MISS/1/2/head_surgeon`: an entity (role or object) within a take."""
    return f"{take}{TAKE_SEP}{name}"


def frame_key(take: str, idx: int) -> str:
    """`MISS/1/2#195`: the key of frame `idx` of a take."""
    return f"{take}{NUMBER_SEP}{int(idx)}"


def bucket_key(take: str, bucket: int) -> str:
    """`MISS/1/2#3`: a time bucket of a take (core.store.schema.BUCKET_FRAMES frames wide)."""
    return f"{take}{NUMBER_SEP}{int(bucket)}"


def interval_key(take: str, i: int) -> str:
    """`MISS/1/2~7`: the i-th annotated interval (Interaction) of a take."""
    return f"{take}{INTERVAL_SEP}{i}"


def prediction_key(run: str, take: str, i: int) -> str:
    """`run|MISS/1/2~7`: the i-th predicted interval of a take in a run."""
    return f"{run}{RUN_SEP}{interval_key(take, i)}"


def numbered_key_cypher(take: str, number_text: str) -> str:
    """The Cypher expression of a frame or bucket key from a take key expression and the
    number as text (the text function differs between dialects)."""
    return f"{take} + '{NUMBER_SEP}' + {number_text}"


def take_of_surgery_type_cypher(take: str, surgery_type: str) -> str:
    """A Cypher condition: take key expression `take` is of surgery type `surgery_type` (a
    parameter expression; null means any), read from the key's first part (take_key)."""
    # a null type leaves the empty prefix, which every key has (coalesce first, so that
    # LadybugDB types the parameter as text)
    sep = f"CASE WHEN {surgery_type} IS NULL THEN '' ELSE '{TAKE_SEP}' END"
    return f"{take} STARTS WITH (coalesce({surgery_type}, '') + {sep})"
