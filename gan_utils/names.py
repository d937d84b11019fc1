"""Finding things by name: ``look_up`` in a registry, with a clear error for an unknown name, and
``forwarding``, which keeps old names resolving where notebooks and scripts found them after they
moved to a module of their own (``models.build_gan_models`` lives in ``architectures``)."""

from __future__ import annotations

import importlib


def look_up(registry: dict, name, kind: str):
    """``registry[name]``, or a ValueError naming the unknown ``kind`` and the accepted names."""
    try:
        return registry[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown {kind} {name!r}; accepted are {sorted(registry)}.") from None


def forwarding(module_name: str, moved: dict[str, tuple[str, ...]]):
    """A module ``__getattr__`` for ``moved`` ({new module: names}); the new module is imported on
    first use, since it imports the old one."""

    def __getattr__(name: str):
        for module, names in moved.items():
            if name in names:
                return getattr(importlib.import_module(f"gan_utils.{module}"), name)
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

    return __getattr__
