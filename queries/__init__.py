"""queries part of ORGraph."""
