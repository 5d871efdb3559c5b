from .split import split_indices, split_seed, config_split
