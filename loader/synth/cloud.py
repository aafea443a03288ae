"""The merged room point cloud of a take: floor, table, patient, devices, staff and tools.

Metres, z up, the operating table centred at the origin. Each role is a standing
cluster that walks towards what it works on (smoothed, so it moves with the workflow);
a held object is a small cluster at its holder's hands; unheld objects rest on the
instrument table. Colours come from the entity palette of the RGB frames, in 0..1.
Coordinates lie on a 1/1024 m grid and colours on 1/255 steps; sensor noise and a few
stray points are added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgraph.core.vocabulary import ENTITIES, ENTITY_INDEX, RELATION_INDEX, entity_kind
from orgraph.loader.synth.media import ENTITY_COLOURS
from orgraph.loader.synth.workflow import Rows

ROOM = np.array([[-3.0, -3.0, 0.0], [3.0, 3.0, 2.6]])
"""Bounding box (min, max) of the room."""
STATIONS = {
    "head_surgeon": (0.25, -0.8),
    "assistant": (0.25, 0.8),
    "anesthetist": (-1.35, 0.0),
    "circulator": (1.7, 1.7),
}
"""Where each role stands when it does nothing in particular (x, y)."""
FIXTURES = {
    "operating_table": ((0.0, 0.0, 0.87), (1.0, 0.35, 0.03), "box"),
    "patient": ((0.0, 0.0, 1.0), (0.4, 0.12, 0.06), "blob"),
    "instrument_table": ((1.25, 1.1, 0.85), (0.4, 0.3, 0.02), "box"),
    "anesthesia_equipment": ((-1.7, 0.7, 0.9), (0.25, 0.25, 0.45), "box"),
    "health_monitor": ((-1.7, -0.6, 1.5), (0.2, 0.05, 0.15), "box"),
    "microscope": ((-0.2, -1.1, 1.55), (0.15, 0.15, 0.3), "blob"),
    "ultrasound_machine": ((-0.4, -1.3, 1.0), (0.2, 0.2, 0.4), "box"),
}
"""Static clusters: centre, half-extent (box) or spread (blob), shape."""
DEVICES = {"MISS": "microscope", "Ultrasound": "ultrasound_machine"}
OBJECT_SLOTS = 4
"""Objects drawn per frame at most (held ones first)."""
_SHARES = {"floor": 0.12, "fixture": 0.34, "role": 0.08, "slot": 0.02, "stray": 0.04}
_APPROACH = {"patient", "operating_table", "instrument_table", "anesthesia_equipment"}
_ALPHA = 0.06
"""Per-frame smoothing of a role's walk towards its target."""


@dataclass
class Cloud:
    """How to draw a take's cloud, frame by frame, and the truth behind it."""

    fixtures: tuple[str, ...]
    role_xy: dict[str, np.ndarray]
    """Role -> [F, 2] floor position (the cluster's centre), the truth tests compare with."""
    slots: np.ndarray
    """[F, OBJECT_SLOTS] entity index of the object in each slot, -1 when empty."""
    slot_xyz: np.ndarray
    """[F, OBJECT_SLOTS, 3] where each slot's object is."""


def _colour(name: str) -> np.ndarray:
    return ENTITY_COLOURS[ENTITY_INDEX[name]][::-1].astype(np.float64) / 255.0


def _targets(rows: Rows, role: str, frames: int) -> np.ndarray:
    """[F, 2] where the role heads for: beside what it works on or is close to, else its station."""
    station = np.array(STATIONS[role])
    target = np.tile(station, (frames, 1))
    sel = (rows.s == ENTITY_INDEX[role]) & np.isin(rows.o, [ENTITY_INDEX[e] for e in _APPROACH])
    for f, o in zip(rows.frame[sel].tolist(), rows.o[sel].tolist(), strict=True):
        centre = np.array(FIXTURES[ENTITIES[o]][0][:2])
        away = station - centre
        away /= max(np.linalg.norm(away), 1e-6)
        target[f] = centre + away * (0.55 if ENTITIES[o] != "patient" else 0.45)
    return target


def _walk(target: np.ndarray) -> np.ndarray:
    """Exponential smoothing of the target path: the role walks, it does not jump."""
    out = np.empty_like(target)
    pos = target[0]
    for f in range(target.shape[0]):
        pos = pos + _ALPHA * (target[f] - pos)
        out[f] = pos
    return out


def _slots(rows: Rows, frames: int, role_xy: dict[str, np.ndarray]) -> tuple:
    """Objects per frame (held first) and where they are: at the holder's hands or on the table."""
    slots = np.full((frames, OBJECT_SLOTS), -1, np.int64)
    xyz = np.tile(
        np.array(FIXTURES["instrument_table"][0]) + [0, 0, 0.05], (frames, OBJECT_SLOTS, 1)
    )
    fill = np.zeros(frames, np.int64)
    holding = rows.r == RELATION_INDEX["holding"]
    objects = np.array([entity_kind(e) == "object" for e in ENTITIES])
    for held_pass in (True, False):
        sel = objects[rows.o] & (holding if held_pass else ~holding)
        for f, s, o in zip(
            rows.frame[sel].tolist(), rows.s[sel].tolist(), rows.o[sel].tolist(), strict=True
        ):
            if fill[f] >= OBJECT_SLOTS or o in slots[f, : fill[f]]:
                continue
            k = fill[f]
            slots[f, k] = o
            holder = ENTITIES[s]
            if held_pass and holder in role_xy:
                hands = role_xy[holder][f] * 0.7  # towards the table centre
                xyz[f, k] = (hands[0], hands[1], 1.1)
            else:
                xyz[f, k, :2] += (k - 1.5) * 0.12
            fill[f] += 1
    return slots, xyz


def plan_cloud(rows: Rows, frames: int, surgery_type: str, roles: tuple[str, ...]) -> Cloud:
    """The take's fixtures, each present role's walk and the object slots."""
    role_xy = {r: _walk(_targets(rows, r, frames)) for r in roles}
    slots, slot_xyz = _slots(rows, frames, role_xy)
    fixtures = tuple(
        f for f in FIXTURES if f not in DEVICES.values() or f == DEVICES.get(surgery_type)
    )
    return Cloud(fixtures, role_xy, slots, slot_xyz)


def _counts(points: int, n_fixtures: int, n_roles: int) -> dict[str, int]:
    """Points per cluster kind; the floor takes what rounding leaves."""
    per_fixture = max(1, int(points * _SHARES["fixture"] / n_fixtures))
    counts = {
        "fixture": per_fixture,
        "role": max(1, int(points * _SHARES["role"])),
        "slot": max(1, int(points * _SHARES["slot"])),
        "stray": max(1, int(points * _SHARES["stray"])),
    }
    used = (
        counts["fixture"] * n_fixtures
        + counts["role"] * n_roles
        + counts["slot"] * OBJECT_SLOTS
        + counts["stray"]
    )
    counts["floor"] = points - used
    if counts["floor"] < 1:
        raise ValueError(f"{points} points are too few for this room (need at least {used + 1})")
    return counts


def render_cloud(
    cloud: Cloud, lo: int, hi: int, points: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """([hi-lo, P, 3] coordinates, [hi-lo, P, 3] colours) float32 for frames lo..hi-1."""
    n = hi - lo
    counts = _counts(points, len(cloud.fixtures), len(cloud.role_xy))
    xyz, rgb = [], []

    def add(centre: np.ndarray, spread: np.ndarray, colour: np.ndarray, k: int, box: bool) -> None:
        shape = (n, k, 3)
        off = rng.uniform(-1, 1, shape) if box else rng.normal(0, 1, shape)
        xyz.append(np.broadcast_to(centre, (n, 1, 3)) + off * spread)
        rgb.append(np.broadcast_to(colour, (n, k, 3)) + rng.normal(0, 0.03, shape))

    floor = np.array([0.0, 0.0, 0.0])
    add(floor, np.array([3.0, 3.0, 0.0]), np.array([0.36, 0.37, 0.4]), counts["floor"], True)
    for name in cloud.fixtures:
        centre, extent, shape = FIXTURES[name]
        add(np.array(centre), np.array(extent), _colour(name), counts["fixture"], shape == "box")
    for role, walk in cloud.role_xy.items():
        centre = np.concatenate([walk[lo:hi], np.full((n, 1), 0.88)], axis=1)[:, None]
        add(centre, np.array([0.16, 0.16, 0.42]), _colour(role), counts["role"], False)
    for k in range(OBJECT_SLOTS):
        ents = cloud.slots[lo:hi, k]
        colour = np.where(
            (ents >= 0)[:, None, None],
            ENTITY_COLOURS[np.maximum(ents, 0)][:, None, ::-1] / 255.0,
            _colour("instrument_table"),
        )
        add(
            cloud.slot_xyz[lo:hi, k][:, None],
            np.array([0.03, 0.03, 0.03]),
            colour,
            counts["slot"],
            False,
        )
    stray = rng.uniform(ROOM[0], ROOM[1], (n, counts["stray"], 3))
    xyz.append(stray)
    rgb.append(rng.uniform(0, 1, (n, counts["stray"], 3)))
    coords = np.concatenate(xyz, axis=1) + rng.normal(0, 0.004, (n, points, 3))
    colours = np.clip(np.concatenate(rgb, axis=1), 0.0, 1.0)
    coords = np.round(coords * 1024.0) / 1024.0
    colours = np.round(colours * 255.0) / 255.0
    return coords.astype(np.float32), colours.astype(np.float32)
