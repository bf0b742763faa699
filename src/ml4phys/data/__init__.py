"""The material: 2D functions, images, shapes and MNIST (imports of submodules stay lazy)."""
