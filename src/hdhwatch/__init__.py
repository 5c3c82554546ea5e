"""hdhwatch: follow the Health Data Hub's cloud-migration deadline through the press."""

__version__ = "0.1.0"
