"""timeline: a milestone tracker whose dates are windows of possible days."""

__version__ = "0.1.0"
