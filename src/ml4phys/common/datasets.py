"""The registry of IDX data sets that ``store`` knows: file names, published SHA-256s,
mirrors. An entry is all it takes to add a data set published as four gzipped IDX files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DATASETS", "IDXDataset"]


@dataclass(frozen=True)
class IDXDataset:
    """An image-classification data set published as four gzipped IDX files."""

    name: str  # folder name under $ML4PHYS_DATA and the user cache
    title: str  # for messages
    files: dict  # role -> file name (train_images, train_labels, test_images, ...)
    sha256: dict  # file name -> published hex SHA-256 of the .gz file
    mirrors: tuple  # base URLs, tried in order
    image_shape: tuple = (28, 28)
    num_classes: int = 10
    class_names: tuple = field(default=())


def _files(prefix=""):
    roles = ("train_images", "train_labels", "test_images", "test_labels")
    names = ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3")
    names += ("t10k-labels-idx1",)
    return {role: f"{prefix}{name}-ubyte.gz" for role, name in zip(roles, names)}


DATASETS = {
    "mnist": IDXDataset(
        name="mnist",
        title="MNIST",
        files=_files(),
        # torchvision's prototype datasets (_CHECKSUMS)
        sha256={
            "train-images-idx3-ubyte.gz": (
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
            ),
            "train-labels-idx1-ubyte.gz": (
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
            ),
            "t10k-images-idx3-ubyte.gz": (
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
            ),
            "t10k-labels-idx1-ubyte.gz": (
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
            ),
        },
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),  # plain http: SHA-256 guards it
    ),
    "fashion_mnist": IDXDataset(
        name="fashion_mnist",
        title="Fashion-MNIST",
        files=_files(),
        # SHA-256 of Zalando's published files (zalandoresearch/fashion-mnist, whose
        # README gives their MD5), as listed by the batchup and mnists packages
        sha256={
            "train-images-idx3-ubyte.gz": (
                "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc"
            ),
            "train-labels-idx1-ubyte.gz": (
                "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc"
            ),
            "t10k-images-idx3-ubyte.gz": (
                "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229"
            ),
            "t10k-labels-idx1-ubyte.gz": (
                "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf"
            ),
        },
        mirrors=(
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  # Keras'
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # Zalando's
            (
                "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/"
                "master/data/fashion/"
            ),
        ),
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
    ),
}
