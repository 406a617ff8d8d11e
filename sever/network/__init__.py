"""Networks behind the money: ownership under OFAC's 50 % rule, front-company clusters, laptop farms
and proximity to sanctioned parties, over one graph stored in DuckDB."""
