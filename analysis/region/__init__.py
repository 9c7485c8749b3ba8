"""Regional packs: every LA's pack run on Dask distributed, and a comparison of the LAs on
identical definitions built only from their packs' tidy aggregate files."""

#: The page `boardpack region run` adds to each LA's period folder, and its title.
LA_PAGE, LA_PAGE_TITLE = "region", "How we compare in the region"
