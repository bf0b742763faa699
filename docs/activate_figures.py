"""Show the topic pages' waiting figures whose runs are now recorded in docs/results/.

A topic page names the figure of a run not recorded yet inside an rst comment::

    ..
       Figures of these runs, once recorded in docs/results/:

       .. figure:: ../results/RUN-ID/FILE.png
          :width: 70%

          Caption.

After recording runs (``python docs/record_results.py --only RUN-ID``), run::

    python docs/activate_figures.py

and every figure of such a block whose PNG now exists moves out of the comment (the
others stay waiting). Pages without waiting blocks, or with nothing recorded, are left
as they are.
"""

import sys
from pathlib import Path

TOPICS = Path(__file__).resolve().parent / "topics"
INDENT = "   "


def _split_figures(block):
    """The figure directives of a comment block, each as its list of lines."""
    figures = []
    for line in block:
        if line.startswith(INDENT + ".. figure::"):
            figures.append([line])
        elif figures:
            figures[-1].append(line)
    return figures


def activate(page):
    """Rewrite ``page`` with its recorded figures shown; True if it changed."""
    lines, out, i, changed = page.read_text().splitlines(), [], 0, False
    while i < len(lines):
        if (
            lines[i] != ".."
            or i + 1 >= len(lines)
            or "once recorded" not in lines[i + 1]
        ):
            out.append(lines[i])
            i += 1
            continue
        end = i + 1
        while end < len(lines) and (lines[end].startswith(INDENT) or not lines[end]):
            end += 1
        figures = _split_figures(lines[i + 2 : end])
        exists = [(page.parent / f[0].split("::")[1].strip()).exists() for f in figures]
        for figure, ready in zip(figures, exists):
            if ready:  # out of the comment: one indentation level less
                out.extend(line.removeprefix(INDENT) for line in figure)
        if not all(exists):
            out.extend([lines[i], lines[i + 1], ""])
            for figure, ready in zip(figures, exists):
                if not ready:
                    out.extend(figure)
        changed |= any(exists)
        i = end
    if changed:
        page.write_text("\n".join(out).rstrip("\n") + "\n")
    return changed


def main(argv=None):
    topics = Path(argv[0]) if argv else TOPICS
    for page in sorted(topics.glob("*.rst")):
        if activate(page):
            print(f"{page.name}: recorded figures shown")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
