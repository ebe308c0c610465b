{#-
  A model, view or data test is kept from the last build while everything its result depends on
  is unchanged (docs/loading.md, daily runs): its compiled code and config, the keys of the
  models it reads (recorded in raw.node_inputs when they were built), the seeds' files, the raw
  exports' manifest, and for a Python model the code it imports (shopper_spectrum_code_digest(),
  registered by the code_digest plugin). Each key covers its parents' keys, so a change anywhere
  upstream reaches every node below it. DuckDB only; a --full-refresh builds everything.
-#}

{% macro node_inputs_relation() %}
    {{ return(raw_schema_relation('node_inputs')) }}
{% endmacro %}

{#- on-run-start: the table of keys (one row per node built with a known key). -#}
{% macro create_node_inputs() %}
    {% if execute and target.type == 'duckdb' and runs_nodes() %}
        {% do run_query(
            'create schema if not exists ' ~ node_inputs_relation().without_identifier() ~ ';'
            ~ ' create table if not exists ' ~ node_inputs_relation()
            ~ ' (node_id varchar, inputs_key varchar, built_at timestamp)'
        ) %}
    {% endif %}
{% endmacro %}

{#-
  The current node's inputs key and the one recorded when it was last built, as
  {'key': ..., 'last_key': ...}; key is none where a node's inputs cannot be told (a source other
  than the raw exports, a Python model without the code_digest plugin, a parent never keyed).
-#}
{% macro node_inputs_keys() %}
    {#-
      An incremental model's compiled code changes once its table exists (is_incremental()), and
      a changed definition never rewrites the rows it holds: it is keyed on its source text and
      config (--full-refresh rebuilds it). Other nodes on their compiled code and rendered hooks.
    -#}
    {%- if model.config.materialized == 'incremental' -%}
        {%- set parts = [model.raw_code, tojson(model.config, sort_keys=true)] -%}
    {%- else -%}
        {%- set parts = [model.compiled_code, tojson(model.config, sort_keys=true)] -%}
        {%- for hook in pre_hooks + post_hooks -%}
            {%- do parts.append(render(hook.sql)) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set parents = [] -%}
    {%- set ns = namespace(reads_raw_exports=false, knowable=true) -%}
    {%- for node_id in model.depends_on.nodes -%}
        {%- if node_id.startswith('seed.') -%}
            {%- set seed = graph.nodes[node_id] -%}
            {%- do parts.append(node_id ~ '=' ~ seed.checksum.checksum ~ tojson(seed.config, sort_keys=true)) -%}
        {%- elif node_id.startswith('source.') -%}
            {%- if graph.sources[node_id].source_name == 'online_retail' -%}
                {%- set ns.reads_raw_exports = true -%}
            {%- else -%}
                {%- set ns.knowable = false -%}
            {%- endif -%}
        {%- else -%}
            {%- do parents.append(node_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set recorded = {} -%}
    {%- set ids = "'" ~ (parents + [model.unique_id]) | join("', '") ~ "'" -%}
    {%- for row in run_query(
        'select node_id, inputs_key from ' ~ node_inputs_relation() ~ ' where node_id in (' ~ ids ~ ')'
    ).rows -%}
        {%- do recorded.update({row['node_id']: row['inputs_key']}) -%}
    {%- endfor -%}
    {%- for node_id in parents | sort -%}
        {%- if node_id in recorded -%}
            {%- do parts.append(node_id ~ '=' ~ recorded[node_id]) -%}
        {%- else -%}
            {%- set ns.knowable = false -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.reads_raw_exports -%}
        {%- do parts.append(run_query(
            "select string_agg(concat_ws('|', source_file, source_sheet, lines, load_settings, loaded_at),"
            ~ " ',' order by first_raw_line_id) as files from " ~ raw_exports_manifest()
        ).rows[0]['files'] or '') -%}
    {%- endif -%}
    {%- if ns.knowable and model.language == 'python' -%}
        {%- if 'shopper_spectrum.code_digest' not in (target.plugins or []) | map(attribute='module') -%}
            {%- set ns.knowable = false -%}
        {%- else -%}
            {%- do parts.append(run_query('select shopper_spectrum_code_digest() as digest').rows[0]['digest']) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return({
        'key': local_md5(parts | join('\n')) if ns.knowable else none,
        'last_key': recorded.get(model.unique_id),
    }) }}
{% endmacro %}

{#- Whether this node's relation (a model's; none for a test) may stay as the last build left it. -#}
{% macro is_kept(keys, relation) %}
    {{ return(
        keys['key'] is not none and keys['key'] == keys['last_key']
        and not flags.FULL_REFRESH and (relation is none or load_cached_relation(relation) is not none)
    ) }}
{% endmacro %}

{#- Records the key the node was just built with (or forgets it, where none). -#}
{% macro record_node_inputs(key) %}
    {% call statement('record_node_inputs') %}
        delete from {{ node_inputs_relation() }} where node_id = '{{ model.unique_id }}';
        {% if key is not none %}
            insert into {{ node_inputs_relation() }}
            values ('{{ model.unique_id }}', '{{ key }}', current_timestamp::timestamp);
        {% endif %}
    {% endcall %}
    {% do adapter.commit() %}
{% endmacro %}

{#- on-run-end: the keys of the data tests that ran and passed (a kept test's key stands). -#}
{% macro record_passed_tests(results) %}
    {%- set passed = [] -%}
    {%- if execute and target.type == 'duckdb' -%}
        {%- for result in results if result.node.resource_type == 'test' and result.status == 'pass' -%}
            {%- set code = result.adapter_response.get('code') or '' -%}
            {%- if code.startswith('inputs_key=') -%}
                {%- do passed.append((result.node.unique_id, code[('inputs_key=' | length):])) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if passed -%}
        delete from {{ node_inputs_relation() }}
        where node_id in ('{{ passed | map(attribute=0) | join("', '") }}');
        insert into {{ node_inputs_relation() }} values
        {%- for node_id, key in passed %}
            ('{{ node_id }}', '{{ key }}', current_timestamp::timestamp){{ ',' if not loop.last }}
        {%- endfor %};
    {%- endif -%}
{% endmacro %}

{#- The result a kept model or view reports (dbt prints it as the node's status), and its relation. -#}
{% macro report_kept() %}
    {% do store_raw_result(name='main', message='KEPT', code='KEPT', rows_affected=0) %}
    {{ return({'relations': [this]}) }}
{% endmacro %}
