"""Shopper Spectrum: customer segments and product recommendations on dbt + DuckDB."""
