"""The material: 2D functions, images, shapes and MNIST (submodules load lazily).

Submodules, imported on demand so that ``import ml4phys.data`` stays fast:

- ``functions``: target functions of two variables ("Learning a 2D function");
- ``mnist``: the MNIST digits from the original IDX files (reader, cache, downloader,
  float/one-hot helpers and the lecture's 45,000/5,000/10,000 split);
- ``idx``: the IDX file format (read and write, with validation);
- ``download``: mirror downloads checked against published SHA-256s;
- ``digits``: scikit-learn's bundled 8x8 digits, the offline default;
- ``paths``: where data files are looked for (``data_dir=``, ``ML4PHYS_DATA``,
  user cache).
"""

__all__ = ["digits", "download", "functions", "idx", "mnist", "paths"]
