"""Timing with every peer in its own process, rounds alternating.

A ``Workload`` names its runners (``{"ml4phys": fn, "pytorch": fn}``); each ``fn()`` does
one measured repetition and returns the metric in ``unit``. A runner builds its own
network, data and framework on its first call (``lazy``), so a process that runs one
peer never imports or touches the other (PyTorch's OpenMP threads and NumPy's OpenBLAS
threads would otherwise compete for the same cores).

``measure`` starts one worker process per peer (``run.py --worker``), lets each do an
unmeasured warm-up, then runs ``repeats`` rounds: in each round one peer measures while
the others wait on their pipe, the order alternating from round to round, each
measurement ``SETTLE_SECONDS`` after the last one ended. It reports
medians, the speed ratio (above 1: ml4phys is faster) and each worker's peak resident
memory beyond what it held after its imports (``VmHWM`` minus ``VmRSS``, from
/proc/self/status). The machine may be shared and noisy: the ratio of medians from one
run is what means something, not a lone time.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
# a pause before each measured round: a peer's idle threads spin for a while after its
# round (OpenBLAS's workers about 0.1 s, 2^28 cycles by default) and would take a core
# from the peer measured next
SETTLE_SECONDS = 0.5


@dataclass
class Workload:
    name: str
    title: str
    unit: str
    higher_is_better: bool
    runners: dict
    target: float | None = None  # target speed ratio ml4phys / pytorch
    notes: dict = field(default_factory=dict)  # extra figures a runner wants printed
    ceiling: float | None = None  # the best possible metric (e.g. products alone)
    repeats: int | None = None  # fixed number of rounds (e.g. 1 for a training run)
    warmup: bool = True  # False: no unmeasured first run (one that trains for minutes)
    extras: object = (
        None  # callable in the ml4phys worker -> {"notes":..., "ceiling":...}
    )
    module: str = ""  # the benchmarks/ module that defines it (set by run.py)


def lazy(factory, *args):
    """A runner that calls ``factory(*args)`` on first use and then the runner it made."""
    state = {}

    def run():
        if "run" not in state:
            state["run"] = factory(*args)
        return state["run"]()

    return run


# -- the worker: one peer, one process ---------------------------------------------------


def memory_mib(key):
    """VmRSS (now) or VmHWM (peak) of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve(workload, peer):
    """Worker loop: warm up, then one measured run per 'run' line; 'quit' sends extras."""
    base = memory_mib("VmRSS")
    runner = workload.runners[peer]
    if workload.warmup:
        runner()
    _send({"ready": True})
    for line in sys.stdin:
        if line.strip() == "run":
            _send({"value": runner()})
        else:
            break
    # the peak of the measured runs, before extras (a ceiling's arrays) add to it
    extras = {"notes": dict(workload.notes), "peak_mib": memory_mib("VmHWM") - base}
    if peer == "ml4phys" and workload.extras is not None:
        more = workload.extras()
        extras["notes"].update(more.get("notes", {}))
        extras["ceiling"] = more.get("ceiling")
    extras["torch_imported"] = "torch" in sys.modules
    _send(extras)


def _send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


# -- the parent: start workers, alternate rounds -----------------------------------------


class _Peer:
    def __init__(self, workload, peer, worker_args):
        command = [sys.executable, str(HERE / "run.py"), "--worker", workload.name]
        command += ["--module", workload.module, "--peer", peer, *worker_args]
        self.name = peer
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def receive(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} worker ended without an answer")
        return json.loads(line)

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.receive()

    def close(self):
        extras = self.ask("quit")
        self.process.wait()
        return extras


def measure(workload, repeats=5, worker_args=(), processes=1, settle=SETTLE_SECONDS):
    """Medians per peer, ratios against ml4phys, and the workers' extras.

    ``processes`` > 1 starts that many fresh pairs of workers, one pair after the other,
    each for ``repeats`` alternating rounds, and pools their rounds: a process's state
    (where the allocator's thresholds settled, which core its threads landed on) can
    move a peer's time by a factor of two for the whole life of the process. ``settle``:
    the seconds of pause before each measured round.
    """
    samples, extras = {}, {}
    for _ in range(processes):
        peers = []
        for name in workload.runners:  # warm up one at a time: no two peers run at once
            peers.append(_Peer(workload, name, worker_args))
            peers[-1].receive()
        for round_ in range(workload.repeats or repeats):
            for peer in peers if round_ % 2 == 0 else peers[::-1]:
                time.sleep(settle)
                samples.setdefault(peer.name, []).append(peer.ask("run")["value"])
        for peer in peers:
            closed = peer.close()
            if peer.name in extras:  # the highest peak of the peer's processes
                closed["peak_mib"] = max(
                    closed["peak_mib"], extras[peer.name]["peak_mib"]
                )
            extras[peer.name] = closed
    medians = {peer: statistics.median(values) for peer, values in samples.items()}
    ratios = {}
    for peer, value in medians.items():
        if peer != "ml4phys":
            mine = medians["ml4phys"]
            ratios[peer] = mine / value if workload.higher_is_better else value / mine
    for peer_extras in extras.values():
        workload.notes.update(peer_extras["notes"])
        if peer_extras.get("ceiling"):
            workload.ceiling = peer_extras["ceiling"]
    return {"medians": medians, "samples": samples, "ratios": ratios, "extras": extras}


def spread(values):
    """(max - min) / median: the noise of one peer's rounds."""
    median = statistics.median(values)
    return (max(values) - min(values)) / median if median else float("nan")


def table(workloads, results):
    """A Markdown table: medians per peer, ratio vs PyTorch, target, met or missed,
    share of the ceiling, and peak memory (MiB beyond the imports) per peer.
    """
    peers = sorted(
        {p for r in results.values() for p in r["medians"]},
        key=lambda p: (p != "ml4phys", p),
    )
    head = ["workload", "unit", *peers, "ratio vs pytorch", "target", ""]
    head += ["of ceiling", "noise", *(f"peak MiB {p}" for p in peers)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for w in workloads:
        r = results.get(w.name)
        if r is None:
            continue
        cells = [f"{w.name}: {w.title}", w.unit]
        cells += [_fmt(r["medians"].get(p)) for p in peers]
        ratio = r["ratios"].get("pytorch")
        cells.append("" if ratio is None else f"{ratio:.2f}")
        cells.append("" if w.target is None else f">= {w.target:g}")
        met = ratio is not None and w.target is not None and ratio >= w.target
        cells.append(
            "" if w.target is None or ratio is None else "met" * met or "missed"
        )
        mine = r["medians"].get("ml4phys")
        if w.ceiling and mine:
            share = mine / w.ceiling if w.higher_is_better else w.ceiling / mine
            cells.append(f"{share:.0%}")
        else:
            cells.append("")
        cells.append(" / ".join(f"{spread(v):.0%}" for v in r["samples"].values()))
        for p in peers:
            extras = r["extras"].get(p)
            cells.append("-" if extras is None else f"{extras['peak_mib']:.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _fmt(value):
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def epoch_runners(build_ml4phys, build_torch, batchsize, per=50000):
    """Lazy runners for one epoch of classification training, in seconds per ``per``
    samples. ``build_ml4phys()`` -> (net, x, y); ``build_torch()`` -> (model, optimizer,
    loss_fn, x_t, labels_t): PyTorch's lean loop over shuffled batches.
    """

    def make_ml4phys():
        import time

        net, x, y = build_ml4phys()

        def run():
            start = time.perf_counter()
            net.fit(x, y, batch_size=batchsize, epochs=1, verbose=0, shuffle=True)
            return (time.perf_counter() - start) * per / len(x)

        return run

    def make_torch():
        import time

        import torch

        model, optimizer, loss_fn, x_t, labels_t = build_torch()
        n = len(x_t)
        generator = torch.Generator().manual_seed(0)

        def run():
            start = time.perf_counter()
            order = torch.randperm(n, generator=generator)
            for k in range(0, n, batchsize):
                idx = order[k : k + batchsize]
                optimizer.zero_grad(set_to_none=True)
                loss_fn(model(x_t[idx]), labels_t[idx]).backward()
                optimizer.step()
            return (time.perf_counter() - start) * per / n

        return run

    return {"ml4phys": lazy(make_ml4phys), "pytorch": lazy(make_torch)}
