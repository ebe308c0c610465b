{#-
  The table beside `relation` whose name adds `suffix`: where an incremental model keeps its
  records of what it holds (<model>__made_from, <model>__counted_units, <model>__sets_written, …).
-#}
{% macro sibling_relation(relation, suffix) %}
    {{ return(api.Relation.create(
        database=relation.database, schema=relation.schema, identifier=relation.identifier ~ suffix
    )) }}
{% endmacro %}
