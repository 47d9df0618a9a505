"""How many runs the forecast draws by default and at most, and its default seed: shared by
`timeline.forecast` and the command line, which shows them in its help without importing
numpy."""

DEFAULT_RUNS = 10_000
DEFAULT_SEED = 2004
MAX_RUNS = 1_000_000
