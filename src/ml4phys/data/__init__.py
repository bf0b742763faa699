"""Data sets for the lecture's experiments ("Handwriting recognition" and after).

Submodules, imported on demand so that ``import ml4phys.data`` stays fast:

- ``mnist``: the MNIST digits from the original IDX files (reader, cache, downloader,
  float/one-hot helpers and the lecture's 45,000/5,000/10,000 split);
- ``idx``: the IDX file format (read and write, with validation);
- ``digits``: scikit-learn's bundled 8x8 digits, the offline default;
- ``paths``: where data files are looked for (``data_dir=``, ``ML4PHYS_DATA``,
  user cache).
"""

__all__ = ["digits", "idx", "mnist", "paths"]
