"""
Learning a 2D function, quickly
===============================

The lecture's first network learns a function of two variables from random batches
(``ml4phys run fit2d --quick``). The experiment returns its numbers and figures.
"""

from ml4phys.lab import fit2d

result = fit2d.run(fit2d.Config(quick=True))
print({key: value for key, value in result.numbers.items() if isinstance(value, float)})

# %%
# The cost during training, and the learned function beside the target:
result.figures["cost"]
