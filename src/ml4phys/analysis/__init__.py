"""Looking inside trained networks (lecture: "Try to understand how the network operates!").

Submodules are imported on demand, so ``import ml4phys.analysis`` stays light:

    from ml4phys.analysis import surgery
    pictures = surgery.single_neuron_outputs(net, points, layer=-2)
"""
