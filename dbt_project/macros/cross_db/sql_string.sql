{#-
  `value` as a SQL string literal. DuckDB's strings take a quote doubled and a backslash as
  itself; Spark's read a backslash as an escape, so both are escaped by one there (a Windows path,
  a file named "Jo's shop.csv").
-#}
{% macro sql_string(value) %}
    {{ return(adapter.dispatch('sql_string', 'shopper_spectrum')(value)) }}
{% endmacro %}

{% macro default__sql_string(value) %}
    {{ return("'" ~ value | string | replace("'", "''") ~ "'") }}
{% endmacro %}

{% macro spark__sql_string(value) %}
    {{ return("'" ~ value | string | replace("\\", "\\\\") | replace("'", "\\'") ~ "'") }}
{% endmacro %}

{#- `expression` in (`literals`), SQL values already rendered; false for none, where `in ()` is no SQL. -#}
{% macro is_one_of(expression, literals) %}
    {{ return(expression ~ ' in (' ~ literals | join(', ') ~ ')' if literals else 'false') }}
{% endmacro %}
