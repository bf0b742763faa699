"""The sweep's table as summary figures: each metric against each swept parameter.

Error bars are the standard deviation over the rows at one parameter value: the seeds,
and the other parameters when they are not drawn as separate lines. With exactly two
swept parameters, each metric also gets a heat map of its mean over seeds.
"""

from __future__ import annotations

from ..plots import sweep as sweep_plots

__all__ = ["summary_figures"]

_NOT_METRICS = {"seed", "hash", "state", "error", "host"}


def _sorted_unique(column):
    values = list(column.dropna().unique())
    try:
        return sorted(values)
    except TypeError:
        return values


def _lines(done, parameter, other, metric, x_values):
    groups = done.groupby(other) if other else [(None, done)]
    lines = {}
    for label, rows in groups:
        stats = rows.groupby(parameter)[metric].agg(["mean", "std"]).reindex(x_values)
        key = None if other is None else f"{other}={label}"
        lines[key] = (
            stats["mean"].to_numpy(float),
            stats["std"].fillna(0).to_numpy(float),
        )
    return lines


def summary_figures(table, params):
    """name -> Figure for the finished rows of ``table``; ``params`` are the grid keys."""
    done = table[table["state"] == "done"]
    swept = [p for p in params if done[p].nunique() > 1] if len(done) else []
    metrics = [
        column
        for column in done.columns
        if column not in _NOT_METRICS
        and column not in params
        and done[column].dtype.kind in "iuf"
        and done[column].nunique() > 1
    ]
    figures = {}
    for metric in metrics:
        panels = []
        for parameter in swept:
            others = [q for q in swept if q != parameter]
            other = (
                others[0]
                if len(others) == 1 and done[others[0]].nunique() <= 6
                else None
            )
            x_values = _sorted_unique(done[parameter])
            panels.append(
                (parameter, x_values, _lines(done, parameter, other, metric, x_values))
            )
        if panels:
            figures[metric] = sweep_plots.metric_vs_parameters(panels, metric)
        if len(swept) == 2:
            y_key, x_key = swept
            grid = done.pivot_table(
                index=y_key, columns=x_key, values=metric, aggfunc="mean"
            )
            figures[f"{metric}_heatmap"] = sweep_plots.heatmap(
                grid.to_numpy(float),
                list(grid.columns),
                list(grid.index),
                xlabel=x_key,
                ylabel=y_key,
                title=f"{metric} (mean over seeds)",
            )
    return figures
