"""One module per `orgraph` command; each exposes register(subparsers)."""
