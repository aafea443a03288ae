"""The `orgraph` command line, on top of every other part."""
