"""Synthetic EgoExOR generator: files of the real layout from a procedural workflow model.

See loader/synth/README.md for what is modelled and the choices made.
"""

from loader.synth.api import SynthResult, check_rgb, generate
from loader.synth.scales import SCALES
from loader.synth.sensors import SensorOptions
from loader.synth.take import SynthTake

__all__ = ["SCALES", "SensorOptions", "SynthResult", "SynthTake", "check_rgb", "generate"]
