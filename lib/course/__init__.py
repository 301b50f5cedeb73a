"""Course tooling: `course generate | check | execute | run | grade | fetch` (see cli.py).

Notebooks import only `headline` from here; the tooling modules load on demand.
"""

from __future__ import annotations

HEADLINE_MIME = "application/vnd.course.headline+json"


def headline(**figures) -> None:
    """Show a notebook's headline figures (e.g. headline(test_r2=0.45)) and record them for `course run`.

    Floats are rounded to 4 decimals so the stored output is deterministic. Displays a plain
    text line for readers and a JSON bundle that `course run` collects into its summary table.
    """
    from IPython.display import display

    clean = {k: round(float(v), 4) if isinstance(v, float) or hasattr(v, "dtype") else v for k, v in figures.items()}
    text = "Headline: " + ", ".join(f"{k} = {v}" for k, v in clean.items())
    display({HEADLINE_MIME: clean, "text/plain": text}, raw=True)
