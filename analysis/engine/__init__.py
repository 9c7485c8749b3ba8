"""engine"""

#: Output metadata marking a notebook's own protective-marking output (shown first when a
#: notebook runs outside the engine): the engine's page template carries the marking already,
#: so its renderer leaves this output out.
MARKING_OUTPUT = "boardpack-marking"
