"""gnn part of ORGraph."""
