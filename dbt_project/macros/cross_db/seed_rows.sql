{#-
  Spark: seed rows as escaped literals. dbt-spark's session cursor pastes bound values into the SQL
  unescaped, so a seed value with an apostrophe (the RFM segment "Can't Lose Them") breaks the insert.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do column_types.append(column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {%- for row in chunk %}
            (
                {%- for value in row -%}
                    {%- if value is none -%}
                        cast(null as {{ column_types[loop.index0] }})
                    {%- else -%}
                        cast({{ shopper_spectrum.sql_string(value) }} as {{ column_types[loop.index0] }})
                    {%- endif -%}
                    {{- ', ' if not loop.last -}}
                {%- endfor -%}
            ){{ ',' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
