"""The central reference server: nomenclatures, device models, central markets (to come)."""
