"""dashboard part of ORGraph."""
