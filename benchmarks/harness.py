"""Side-by-side timing: every peer runs the same workload, interleaved, in one process.

A ``Workload`` names its runners (``{"ml4phys": fn, "pytorch": fn}``); each ``fn()`` does
one measured repetition (after its own setup) and returns the metric in ``unit``. The
harness runs one unmeasured warm-up of each, then ``repeats`` rounds, alternating the
order of the peers from round to round, and reports medians. The ratio compares speeds:
above 1 means ml4phys is faster than that peer. The machine is shared and noisy, so the
ratio of medians from one run is what means something, not a lone time.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Workload:
    name: str
    title: str
    unit: str
    higher_is_better: bool
    runners: dict
    target: float | None = None  # target speed ratio ml4phys / pytorch
    notes: dict = field(default_factory=dict)  # extra figures a runner wants printed
    ceiling: float | None = (
        None  # the best possible metric (e.g. matrix products alone)
    )
    repeats: int | None = None  # fixed number of rounds (e.g. 1 for a training run)
    warmup: bool = True  # False: no unmeasured first run (one that trains for minutes)


def measure(workload, repeats=5, log=print):
    """Median metric per peer, and each peer's speed ratio against ml4phys."""
    samples = {peer: [] for peer in workload.runners}
    if workload.warmup:
        for fn in workload.runners.values():
            fn()  # warm-up: imports, allocations, thread pools
    peers = list(workload.runners)
    for round_ in range(workload.repeats or repeats):
        order = peers if round_ % 2 == 0 else peers[::-1]
        for peer in order:
            samples[peer].append(workload.runners[peer]())
    medians = {peer: statistics.median(values) for peer, values in samples.items()}
    ratios = {}
    for peer, value in medians.items():
        if peer == "ml4phys":
            continue
        mine = medians["ml4phys"]
        ratios[peer] = mine / value if workload.higher_is_better else value / mine
    return {"medians": medians, "samples": samples, "ratios": ratios}


def table(workloads, results):
    """A Markdown table: medians per peer, ratio vs PyTorch (else vs the first peer, named),
    target, and pass/miss.
    """
    peers = sorted(
        {p for r in results.values() for p in r["medians"]},
        key=lambda p: (p != "ml4phys", p),
    )
    head = ["workload", "unit", *peers, "ratio vs pytorch", "target", "", "of ceiling"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for w in workloads:
        r = results[w.name]
        cells = [f"{w.name}: {w.title}", w.unit]
        cells += [_fmt(r["medians"].get(p)) for p in peers]
        # PyTorch where it ran, else the first peer there is (named in the cell)
        peer = "pytorch" if "pytorch" in r["ratios"] else next(iter(r["ratios"]), None)
        ratio = r["ratios"].get(peer)
        cells.append(
            ""
            if ratio is None
            else f"{ratio:.2f}" + ("" if peer == "pytorch" else f" (vs {peer})")
        )
        cells.append("" if w.target is None else f">= {w.target:g}")
        cells.append(
            ""
            if w.target is None or ratio is None
            else ("met" if ratio >= w.target else "missed")
        )
        mine = r["medians"].get("ml4phys")
        if w.ceiling and mine:
            share = mine / w.ceiling if w.higher_is_better else w.ceiling / mine
            cells.append(f"{share:.0%}")
        else:
            cells.append("")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _fmt(value):
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def epoch_runners(
    net,
    model,
    optimizer,
    loss_fn,
    x,
    y,
    x_t,
    labels_t,
    batchsize,
    keras_model=None,
    per=50000,
):
    """Runners for one epoch of classification training, in seconds per ``per`` samples:
    ml4phys's ``fit``, PyTorch's lean loop over shuffled batches (``model``, ``optimizer``,
    ``loss_fn`` on ``x_t``/``labels_t``) and, if given, Keras's ``fit``.
    """
    import time

    import torch

    n = len(x)
    generator = torch.Generator().manual_seed(0)

    def run_ml4phys():
        start = time.perf_counter()
        net.fit(x, y, batch_size=batchsize, epochs=1, verbose=0, shuffle=True)
        return (time.perf_counter() - start) * per / n

    def run_torch():
        start = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        for k in range(0, n, batchsize):
            idx = order[k : k + batchsize]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(x_t[idx]), labels_t[idx]).backward()
            optimizer.step()
        return (time.perf_counter() - start) * per / n

    runners = {"ml4phys": run_ml4phys, "pytorch": run_torch}
    if keras_model is not None:

        def run_keras():
            start = time.perf_counter()
            keras_model.fit(
                x, y, batch_size=batchsize, epochs=1, verbose=0, shuffle=True
            )
            return (time.perf_counter() - start) * per / n

        runners["keras"] = run_keras
    return runners
