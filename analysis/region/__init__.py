"""Regional packs: every LA's pack run on Dask distributed, and a comparison of the LAs on
identical definitions built only from their packs' tidy aggregate files."""
