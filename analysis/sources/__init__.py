"""One module per input file: a schema, a loader returning typed DataFrames, and its checks."""

#: The formats `boardpack demo-data --format` writes the same synthetic children in (here, so
#: the command line can list them without loading the generator).
DEMO_FORMATS = ("csv", "annex-a", "cin-census", "ssd")
