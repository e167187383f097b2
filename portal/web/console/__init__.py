"""The staff console under /console: one controller (`ConsolePages`) composed of these parts."""
