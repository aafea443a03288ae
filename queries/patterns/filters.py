"""Which takes a search covers (take, surgery type, split) and the gap tolerance it uses."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from orgraph.core.errors import OrgraphError
from orgraph.core.vocabulary import SPLITS, SURGERY_TYPES


class FilterError(OrgraphError):
    """A take, surgery type, split or gap tolerance that the graph cannot satisfy."""


@dataclass(frozen=True)
class Filters:
    """Filters outside the pattern; None or empty means every take."""

    takes: tuple[str, ...] = ()
    surgery_type: str | None = None
    split: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The filters as JSON-ready values."""
        return {
            "takes": list(self.takes),
            "surgery_type": self.surgery_type,
            "split": self.split,
        }


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    for name in allowed:
        if name.lower() == value.lower():
            return name
    raise FilterError(f"unknown {what} {value!r}: expected one of {', '.join(allowed)}")


def normalised(filters: Filters) -> Filters:
    """The filters with surgery type and split in their canonical spelling."""
    return Filters(
        takes=tuple(filters.takes),
        surgery_type=_one_of(filters.surgery_type, SURGERY_TYPES, "surgery type")
        if filters.surgery_type
        else None,
        split=_one_of(filters.split, SPLITS, "split") if filters.split else None,
    )


def select_takes(
    takes: pd.DataFrame, filters: Filters, gap_tolerance: int | None
) -> tuple[pd.DataFrame, int]:
    """The takes the filters keep, and the gap tolerance to bridge unannotated frames with.

    The default tolerance is the one the takes were loaded with (normally 0); a smaller
    one cannot be honoured, since the stored intervals already bridge those gaps.
    """
    filters = normalised(filters)
    known = list(takes["take"])
    for take in filters.takes:
        if take not in known:
            hints = difflib.get_close_matches(take, known, n=3)
            hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
            raise FilterError(f"unknown take {take!r}{hint}: takes are keys like MISS/1/2")
    keep = pd.Series(True, index=takes.index)
    if filters.takes:
        keep &= takes["take"].isin(filters.takes)
    if filters.surgery_type:
        keep &= takes["surgery_type"] == filters.surgery_type
    if filters.split:
        keep &= takes["split"] == filters.split
    chosen = takes[keep].copy()
    chosen["gap_tolerance"] = chosen["gap_tolerance"].fillna(0).astype(int)
    chosen["fps"] = chosen["fps"].astype(float)
    loaded = int(chosen["gap_tolerance"].max()) if len(chosen) else 0
    if gap_tolerance is None:
        return chosen, loaded
    if gap_tolerance < 0:
        raise FilterError(f"--gap-tolerance must be 0 or more, got {gap_tolerance}")
    if gap_tolerance < loaded:
        take = chosen.loc[chosen["gap_tolerance"].idxmax(), "take"]
        raise FilterError(
            f"--gap-tolerance {gap_tolerance} is below the {loaded} take {take} was loaded with "
            "(its intervals already bridge such gaps); use at least that, or reload with "
            f"`orgraph load ... --gap-tolerance {gap_tolerance}`"
        )
    return chosen, gap_tolerance
