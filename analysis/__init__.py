"""boardpack: analysis and reports for a local authority's children's services improvement board.

Layers, each importing only those below it: `sources` (read + validate one input each),
measure modules (pure functions), `present` (house style), `engine` (runs and renders).
"""

__version__ = "0.1.0"
