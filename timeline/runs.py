"""How many runs the forecast draws by default and at most, and its default seed: shared by
`timeline.forecast` and the command line, which shows them in its help without importing
numpy."""

DEFAULT_RUNS = 10_000
DEFAULT_SEED = 2004
MAX_RUNS = 1_000_000
MAX_DRAWS = 50_000_000
"""At most this many runs × events in one forecast: each is two 8-byte days and a few masks,
so about 1 GB of memory at the bound."""
