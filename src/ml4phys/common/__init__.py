"""The ground floor: small helpers that every part of ml4phys may use.

It imports nothing of ml4phys, so ``nn`` (the engine) can import it without breaking the
layering: ``common`` <- ``nn`` <- ``data``, ``analysis``, ... <- ``lab``, ``cli``.
"""
