"""What is found in a schedule, apart from how it is said: each analysis returns plain data
that a renderer formats and the CLI reads its exit code from.

    upcoming.find_upcoming   slips.find_slips   changes.changes
"""
