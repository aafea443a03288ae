"""Ground floor of ORGraph: settings, vocabulary, errors and the graph store."""
