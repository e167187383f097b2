"""Pure rules of the portal: no I/O, no framework; the clock is passed in."""
