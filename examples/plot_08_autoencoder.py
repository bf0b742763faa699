"""
A convolutional autoencoder
===========================

An autoencoder learns to reproduce its input at its output, through a bottleneck: here
28 x 28 images of randomly placed circles pass through convolutions and average pooling
down to 4 channels of 7 x 7 (196 numbers), and are rebuilt by upsampling and
convolutions. The cost is the mean squared difference between output and input, and no
labels are needed (unsupervised learning). The training images are drawn fresh for every
batch, so no image is seen twice. This is the quick form of ``ml4phys run autoencoder``
(8 filters, 250 batches; the full run compares bottlenecks of 1, 2 and 4 channels).

The formulas and the code behind it: :doc:`/topics/unsupervised`.
"""

# %%
# The network
# -----------
from ml4phys.lab import autoencoder

config = autoencoder.Config(quick=True)
autoencoder.build(autoencoder.Config(filters=8), bottleneck=4, seed=0).summary()
# sphinx_gallery_thumbnail_number = 2

# %%
# Training, and test images through the bottleneck
# ------------------------------------------------
result = autoencoder.run(config)
numbers = result.numbers["bottlenecks"]["4"]
print(
    f"test cost {numbers['test_cost']:.4f}; a constant image costs "
    f"{result.numbers['cost_of_constant_image']:.4f}"
)
result.figures["cost"]

# %%
# Test images (not seen in training): input, the 4 bottleneck channels, and the
# reconstruction.
result.figures["examples"]
