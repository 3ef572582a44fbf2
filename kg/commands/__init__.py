"""Sub-commands of `kg`; each module registers one (see kg.cli)."""
