"""Synthetic EgoExOR generator: files of the real layout from a procedural workflow model.

See loader/synth/README.md for what is modelled and the choices made.
"""

from orgraph.loader.synth.api import SynthResult, check_rgb, generate
from orgraph.loader.synth.scales import SCALES
from orgraph.loader.synth.sensors import SensorOptions
from orgraph.loader.synth.take import SynthTake

__all__ = ["SCALES", "SensorOptions", "SynthResult", "SynthTake", "check_rgb", "generate"]
