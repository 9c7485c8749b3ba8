"""The synthetic demo world: the calibrated children, staff and actions every report runs on
without confidential data, written in each input format (`boardpack demo-data`)."""
