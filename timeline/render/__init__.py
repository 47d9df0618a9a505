"""The outputs, side by side: each renderer takes a resolved `Schedule` (and, where a
command finds something in it, the result of `timeline.analysis`, which the CLI also reads
its exit code from) and its options, and returns text (or bytes, or the files of a site),
never printing or writing a file.

    listing.render_list     upcoming.render_upcoming   slips.render_slips
    gantt.render_gantt      svg.render_svg             ics.render_ics
    site.render_site        explain.render_explain     diff.render_diff

`chart` holds the geometry the text chart and the SVG share, `words` the one way a
distance in days is said, `jsonout` the JSON forms, and `text` terminal widths and the
one rule for control characters and line breaks.
"""
