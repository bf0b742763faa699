"""The microscope: PCA, t-SNE and tools that open a trained network (submodules load lazily).

from ml4phys.analysis import surgery
pictures = surgery.single_neuron_outputs(net, points, layer=-2)
"""
