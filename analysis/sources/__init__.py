"""One module per input file: a schema, a loader returning typed DataFrames, and its checks."""
