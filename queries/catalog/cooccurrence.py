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

from queries.catalog.common import TAKE_FILTER
from queries.catalog.registry import CatalogQuery, Param, register

_CYPHER = """
MATCH (f:Frame)
WHERE f.annotated AND f.take = coalesce($take, f.take)
WITH count(f) AS total
MATCH (:Frame)-[:SHOWS]->(a:Interaction)
WHERE a.take = coalesce($take, a.take)
WITH total, a.subject + ' ' + a.relation + ' ' + a.object AS ta,
     count(*) AS n_a, collect(DISTINCT a.key) AS keys
WHERE n_a >= $min_support * total
UNWIND keys AS k
MATCH (a:Interaction {key: k})<-[:SHOWS]-(:Frame)-[:SHOWS]->(b:Interaction)
WHERE b.key <> a.key
WITH total, ta, n_a, b.subject + ' ' + b.relation + ' ' + b.object AS tb, count(*) AS n_ab
WHERE n_ab >= $min_support * total
WITH total, n_ab,
     CASE WHEN ta < tb THEN ta ELSE tb END AS t1,
     CASE WHEN ta < tb THEN tb ELSE ta END AS t2,
     CASE WHEN ta < tb THEN n_a ELSE 0 END AS part1,
     CASE WHEN ta < tb THEN 0 ELSE n_a END AS part2
WITH total, t1, t2, max(n_ab) AS n_ab, sum(part1) AS n1, sum(part2) AS n2
WHERE n1 > 0 AND n2 > 0
RETURN t1 AS triplet_a, t2 AS triplet_b, n_ab AS frames, total AS annotated_frames,
       1.0 * n_ab / total AS support, 1.0 * n1 / total AS support_a,
       1.0 * n2 / total AS support_b, 1.0 * n_ab * total / (n1 * n2) AS lift
ORDER BY support DESC, lift DESC, triplet_a, triplet_b
"""

COOCCURRENCE = register(
    CatalogQuery(
        name="cooccurrence",
        description=(
            "Pairs of triplets holding in the same annotated frames: frames, support "
            "(share of annotated frames), each triplet's support, and lift."
        ),
        cypher=_CYPHER,
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
