"""The microscope: PCA, t-SNE and tools that open a trained network (submodules load lazily)."""
