"""`cooccurrence`: which triplets hold in the same annotated frames, and how surprisingly often.

For triplets A and B (text "subject relation object"), over the annotated frames N
(of one take, or of all takes): count = frames holding both, support = count / N,
support_a = frames holding A / N, lift = support / (support_a * support_b).
Unannotated frames are not in N (nothing is known about them); an annotated frame
with an empty annotation is. Pairs are unordered (triplet_a < triplet_b) and kept
when support >= min_support. Both steps run in Cypher: the singles are pruned first
(a pair is never more frequent than either of its triplets), then each surviving
triplet's frames are joined to their other triplets; the two views of a pair are
merged so that each row knows both singles' counts.
"""

from __future__ import annotations

from orgraph.core.store.schema import BUCKET_FRAMES
from orgraph.queries.catalog.common import TAKE_FILTER
from orgraph.queries.catalog.dialect import Dialect
from orgraph.queries.catalog.registry import CatalogQuery, Param, register

# {reach}, {n1} and {n2} are filled in per Dialect below (fixed text, no user input):
# n1 / n2 look a triplet's frame count up in the aligned lists `names` / `counts`.
_CYPHER = f"""
MATCH (t:Take)
WHERE t.key = coalesce($take, t.key)
WITH sum(t.annotated_frames) AS total
MATCH (c:Interaction)
WHERE c.take = coalesce($take, c.take)
WITH total, c.subject + ' ' + c.relation + ' ' + c.object AS tc, sum(c.n_frames) AS n
WHERE n >= $min_support * total
WITH total, collect(tc) AS names, collect(n) AS counts
MATCH (a:Interaction)
WHERE a.take = coalesce($take, a.take)
  AND (a.subject + ' ' + a.relation + ' ' + a.object) IN names
WITH total, names, counts, a.subject + ' ' + a.relation + ' ' + a.object AS ta,
     a.key AS ka, a.start_frame AS s1, a.end_frame AS e1,
     a.annotated_before + a.n_frames - 1 AS last1, a.take AS take
UNWIND range(s1 / {BUCKET_FRAMES}, e1 / {BUCKET_FRAMES}) AS bucket
WITH total, names, counts, ta, ka, s1, e1, last1, {{reach}} AS reach
MATCH (b:Interaction)
WHERE b.start_bucket = reach AND b.start_frame <= e1
  AND (s1 < b.start_frame OR (s1 = b.start_frame AND ka < b.key))
WITH total, names, counts, ta, b.subject + ' ' + b.relation + ' ' + b.object AS tb,
     CASE WHEN last1 < b.annotated_before + b.n_frames - 1
          THEN last1 ELSE b.annotated_before + b.n_frames - 1 END
       - b.annotated_before + 1 AS both
WHERE tb IN names AND tb <> ta
WITH total, names, counts,
     CASE WHEN ta < tb THEN ta ELSE tb END AS t1,
     CASE WHEN ta < tb THEN tb ELSE ta END AS t2, sum(both) AS n_ab
WHERE n_ab >= $min_support * total
WITH total, t1, t2, n_ab, {{n1}} AS n1, {{n2}} AS n2
RETURN t1 AS triplet_a, t2 AS triplet_b, n_ab AS frames, total AS annotated_frames,
       1.0 * n_ab / total AS support, 1.0 * n1 / total AS support_a,
       1.0 * n2 / total AS support_b, 1.0 * n_ab * total / (n1 * n2) AS lift
ORDER BY support DESC, lift DESC, triplet_a, triplet_b
"""


def _cypher(d: Dialect) -> str:
    return _CYPHER.format(
        reach=d.numbered_key("take", "bucket"),
        n1=d.lookup("names", "counts", "t1"),
        n2=d.lookup("names", "counts", "t2"),
    )


COOCCURRENCE = register(
    CatalogQuery(
        name="cooccurrence",
        description=(
            "Pairs of triplets holding in the same annotated frames: frames, support "
            "(share of annotated frames), each triplet's support, and lift."
        ),
        cypher=_cypher,
        params=(
            Param("min_support", float, 0.05, "smallest share of annotated frames holding both"),
            TAKE_FILTER,
        ),
        columns=(
            "triplet_a",
            "triplet_b",
            "frames",
            "annotated_frames",
            "support",
            "support_a",
            "support_b",
            "lift",
        ),
        scope="dataset",
    )
)
