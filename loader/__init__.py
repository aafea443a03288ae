"""Reading EgoExOR HDF5, generating synthetic files of the same layout, and loading the graph."""
