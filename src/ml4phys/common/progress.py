"""One progress helper for every long loop: a tqdm bar, a caller's factory, or silence.

``progress`` arguments across ml4phys mean the same thing: ``None`` or ``False`` for no
bar, ``True`` for a tqdm bar, or a tqdm-like factory called as
``progress(total=..., desc=...)`` (the CLI passes ``tqdm.auto.tqdm``; tests pass fakes).
"""

from __future__ import annotations

__all__ = ["progress_bar"]


class _Silent:
    """What a tqdm bar offers, doing nothing."""

    def update(self, n=1): ...

    def set_postfix(self, *args, **kwargs): ...

    def set_description(self, *args, **kwargs): ...

    def close(self): ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def progress_bar(progress, total, desc, **options):
    """A bar over ``total`` steps named ``desc``, or a silent stand-in.

    Parameters
    ----------
    progress : None, bool or callable
        None or False: silent. True: ``tqdm.auto.tqdm``. A callable: a tqdm-like factory.
    total : int
        Number of steps; 0 gives a silent bar (nothing to show).
    desc : str
        The bar's label.
    **options
        Passed to tqdm itself (``leave=False``, ``unit=...``), not to a factory.
    """
    if progress is None or progress is False or total == 0:
        return _Silent()
    if progress is True:
        from tqdm.auto import tqdm  # tqdm's import is deferred: most calls are silent

        return tqdm(total=total, desc=desc, **options)
    return progress(total=total, desc=desc)
