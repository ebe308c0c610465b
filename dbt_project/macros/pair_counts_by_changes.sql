{#-
  Pair counts brought from one set of units to another by the units whose products differ, rather
  than counted: counts are sums over units, so the counts of the units held now are the counts of
  a recorded set of units plus, for each unit that differs, the pairs it holds now and not then
  (+1) and those it held then and not now (-1). int_production_pair_counts brings the production
  counts up to date this way; int_training_set_pair_counts makes a new evaluation fold's counts
  from the last build's production counts (a fold cut at the month a daily run starts trains on
  nearly what production did).

  A count from scratch joins each unit's n products with themselves (n(n+1)/2 rows); by changes,
  each added or taken-away product joins the unit's kept products and the others changed its way.
  A row changed costs about four counted (at 10M lines a month added weighed 36 % of a count from
  scratch and took 34 s by changes, against 24 s counted; a day weighed 1 % and took 3.6 s): below
  pair_change_share_limit() of a count from scratch, changes win.
-#}

{% macro pair_change_share_limit() %}
    {{ return(0.15) }}
{% endmacro %}

{#- One row per unit and product of training set `fold`, as int_training_set_units holds them now. -#}
{% macro training_set_unit_products(fold) -%}
    select count_unit, unit_id, product_key
    from {{ ref('int_training_set_units') }}
    where in_set_{{ fold }}
{%- endmacro %}

{#-
  Writes `changed` (count_unit, unit_id): the units whose products in set `fold` differ from the
  record `counted` (count_unit, unit_id, product_key). Returns how many changed, of how many
  units, and what their changes weigh as a share of counting the set from scratch.

  Units are compared by their product count and the xor of their products' 64-bit hashes, one
  aggregate per side: at 10M lines 0.3 s, where the set difference of the two sides' 14M rows
  took 2.7 s. DuckDB hashes distinct integers to distinct values, so a unit that gained or lost
  one product always differs; two different sets of one size share a digest with a chance of
  about 2^-64.
-#}
{% macro find_changed_units(fold, counted, changed) %}
    {#- each current unit's size and digest, read once for both the comparison and the weights -#}
    {%- set current_units = api.Relation.create(identifier=changed.identifier ~ '__current_units') -%}
    {%- set find_changed -%}
        create or replace temporary table {{ current_units }} as
        select count_unit, unit_id, count(*) as products, bit_xor(hash(product_key)) as products_digest
        from ({{ training_set_unit_products(fold) }}) as current_unit_products
        group by count_unit, unit_id;

        create or replace table {{ changed }} as
        with counted_units as (
            select count_unit, unit_id, count(*) as products, bit_xor(hash(product_key)) as products_digest
            from {{ counted }}
            group by count_unit, unit_id
        )

        select
            coalesce(current_units.count_unit, counted_units.count_unit) as count_unit,
            coalesce(current_units.unit_id, counted_units.unit_id) as unit_id
        from {{ current_units }} as current_units
        full outer join counted_units
            on current_units.count_unit = counted_units.count_unit
            and current_units.unit_id = counted_units.unit_id
        where current_units.products is distinct from counted_units.products
            or current_units.products_digest is distinct from counted_units.products_digest
    {%- endset -%}
    {%- do run_query(find_changed) -%}
    {%- set weigh -%}
        with changed_sizes as (
            select
                count(case when counted.product_key is null then 1 end) as added,
                count(case when now_held.product_key is null then 1 end) as taken_away,
                count(case when now_held.product_key = counted.product_key then 1 end) as kept
            from ({{ changed_unit_products('(' ~ training_set_unit_products(fold) ~ ')', changed) }}) as now_held
            full outer join ({{ changed_unit_products(counted, changed) }}) as counted
                on now_held.count_unit = counted.count_unit
                and now_held.unit_id = counted.unit_id
                and now_held.product_key = counted.product_key
            group by coalesce(now_held.count_unit, counted.count_unit), coalesce(now_held.unit_id, counted.unit_id)
        )

        select
            (select count(*) from {{ changed }}) as changed_units,
            (select count(*) from {{ current_units }}) as units,
            coalesce((
                select sum(added * kept + added * (added + 1) / 2 + taken_away * kept + taken_away * (taken_away + 1) / 2)
                from changed_sizes
            ), 0) as changed_weight,
            coalesce((select sum(products * (products + 1) / 2) from {{ current_units }}), 0) as full_weight
    {%- endset -%}
    {%- set weights = run_query(weigh).rows[0] -%}
    {%- do run_query('drop table ' ~ current_units) -%}
    {{ return({
        'changed_units': weights['changed_units'],
        'units': weights['units'],
        'share': (weights['changed_weight'] / weights['full_weight']) if weights['full_weight'] else 1,
    }) }}
{% endmacro %}

{#- The products `held` (a relation or a parenthesised select of unit products) of the `changed` units. -#}
{% macro changed_unit_products(held, changed) -%}
    select held_units.count_unit, held_units.unit_id, held_units.product_key
    from {{ held }} as held_units
    inner join {{ changed }} as changed_units
        on held_units.count_unit = changed_units.count_unit and held_units.unit_id = changed_units.unit_id
{%- endmacro %}

{#-
  A select of (count_unit, product_key_a, product_key_b, co_count_change): how the pair counts of
  the record `counted` change to those of set `fold` now, from the `changed` units alone.
-#}
{% macro pair_count_changes(fold, counted, changed) -%}
with product_changes as (

    -- each changed unit's products: added (1), taken away (-1) or held before and now (0)
    select
        coalesce(now_held.count_unit, counted.count_unit) as count_unit,
        coalesce(now_held.unit_id, counted.unit_id) as unit_id,
        coalesce(now_held.product_key, counted.product_key) as product_key,
        case when counted.product_key is null then 1 when now_held.product_key is null then -1 else 0 end
            as change
    from ({{ changed_unit_products('(' ~ training_set_unit_products(fold) ~ ')', changed) }}) as now_held
    full outer join ({{ changed_unit_products(counted, changed) }}) as counted
        on
            now_held.count_unit = counted.count_unit
            and now_held.unit_id = counted.unit_id
            and now_held.product_key = counted.product_key

)

-- a pair a unit holds now and not before counts 1, before and not now -1: the pairs of an added
-- or taken-away product with the unit's other products on the same side, so a customer who
-- bought one new product adds their ~100 pairs with it, not their ~5,000
select
    changed.count_unit,
    least(changed.product_key, other.product_key) as product_key_a,
    greatest(changed.product_key, other.product_key) as product_key_b,
    sum(changed.change) as co_count_change
from product_changes as changed
inner join product_changes as other
    on
        changed.count_unit = other.count_unit
        and changed.unit_id = other.unit_id
        -- the other product held on the same side (never an added with a taken-away one); two
        -- changed products once (the smaller first), each product with itself once
        and (other.change = 0 or (other.change = changed.change and changed.product_key <= other.product_key))
where changed.change != 0
group by
    changed.count_unit,
    least(changed.product_key, other.product_key),
    greatest(changed.product_key, other.product_key)
having sum(changed.change) != 0
{%- endmacro %}

{#- Where int_training_set_pair_counts writes the units of `fold` that differ from the production record. -#}
{% macro fold_changed_units_relation(fold) %}
    {{ return(sibling_relation(this, '__changed_units_' ~ fold)) }}
{% endmacro %}

{#-
  Which of `folds` (the evaluation folds int_training_set_pair_counts computes in this build) it
  makes from the last build's production counts, by the units whose products differ from what
  those counted (the rest it counts): on DuckDB, while the production counts and their record are
  there, each fold whose changes weigh less than pair_change_share_limit() of counting it from
  scratch, from the most recent fold back (an older fold differs more). A month added makes its
  new fold this way: cut at the month's start, it trains on what the last build's production
  set held, less the days since. Writes each such fold's changed units, and only those, for the
  post-hook (insert_folds_from_production_counts) to read.
-#}
{% macro folds_from_production_counts(folds) %}
    {#- none left by a build that stopped before its post-hook (a unit test has no table) -#}
    {%- set stale = drop_fold_changed_units() if execute and model.resource_type != 'unit_test' else '' -%}
    {%- if stale | trim -%}
        {%- do run_query(stale) -%}
    {%- endif -%}
    {%- if not (execute and folds and target.type == 'duckdb' and is_incremental()
                and production_pair_counts_recorded()) -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set from_production = [] -%}
    {%- for fold in folds | sort -%}
        {%- if from_production | length == loop.index0 -%}
            {%- set changed = fold_changed_units_relation(fold) -%}
            {%- set weights = find_changed_units(fold, production_pair_counts_relation('__counted_units'), changed) -%}
            {%- set said = 'the ' ~ weights['changed_units'] ~ ' of ' ~ weights['units'] ~ ' units whose products differ weigh '
                ~ '%.1f' | format(100 * weights['share']) ~ ' % of a count from scratch' -%}
            {%- if weights['share'] < pair_change_share_limit() -%}
                {%- do from_production.append(fold) -%}
                {%- do log('Pair counts of fold ' ~ fold ~ ': made from the production counts (' ~ said ~ ')', info=true) -%}
            {%- else -%}
                {%- do run_query('drop table ' ~ changed) -%}
                {%- do log('Pair counts of fold ' ~ fold ~ ': counted (' ~ said ~ ')', info=true) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(from_production) }}
{% endmacro %}

{#-
  The post-hook: each fold folds_from_production_counts chose (the folds whose changed units it
  wrote) made from the production counts, inserted straight into the table.
-#}
{% macro insert_folds_from_production_counts() %}
    {%- if not (execute and target.type == 'duckdb') -%}
        {{ return('') }}
    {%- endif -%}
    {%- for fold in range(1, var('evaluation_folds') | int + 1) -%}
        {%- set changed = fold_changed_units_relation(fold) -%}
        {#- written in this build, so not in dbt's cache of relations: asked of the database -#}
        {%- set written = run_query(
            "select count(*) from duckdb_tables() where database_name = '" ~ changed.database
            ~ "' and schema_name = '" ~ changed.schema ~ "' and table_name = '" ~ changed.identifier ~ "'"
        ).rows[0][0] -%}
        {%- if written %}
            insert into {{ this }} (inputs_digest, count_unit, product_key_a, product_key_b, co_count)
            {{ fold_pairs_from_production_counts(fold) }};
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}

{#- The post-hook: the changed units written for the folds made from the production counts go. -#}
{% macro drop_fold_changed_units() %}
    {%- if target.type == 'duckdb' -%}
        {%- for fold in range(1, var('evaluation_folds') | int + 1) -%}
            drop table if exists {{ fold_changed_units_relation(fold) }};
        {% endfor -%}
    {%- endif -%}
{% endmacro %}

{#-
  A select of int_training_set_pair_counts' rows for `fold`: the last build's production counts
  changed by the fold's changed units (folds_from_production_counts), kept as the fold's counts
  are (is_kept_pair, macros/count_pairs_per_training_set.sql). The pairs no changed unit
  holds are read apart from the others, so the production counts' rarer pairs are dropped as
  they are read (at 10M lines 4.4 s where one full outer join of every pair took 6.0 s).
-#}
{% macro fold_pairs_from_production_counts(fold) -%}
with training_set as (

    select inputs_digest
    from {{ ref('int_recommendation_training_sets') }}
    where fold = {{ fold }}

),

pair_changes as materialized (

    {{ pair_count_changes(
        fold, production_pair_counts_relation('__counted_units'), fold_changed_units_relation(fold)
    ) | indent(4) }}

),

unchanged_pairs as (

    select
        production_pairs.count_unit,
        production_pairs.product_key_a,
        production_pairs.product_key_b,
        production_pairs.co_count
    from {{ production_pair_counts_relation() }} as production_pairs
    where
        {{ is_kept_pair('production_pairs') }}
        and not exists (
            select 1
            from pair_changes
            where
                production_pairs.count_unit = pair_changes.count_unit
                and production_pairs.product_key_a = pair_changes.product_key_a
                and production_pairs.product_key_b = pair_changes.product_key_b
        )

),

changed_pairs as (

    select
        pair_changes.count_unit,
        pair_changes.product_key_a,
        pair_changes.product_key_b,
        coalesce(production_pairs.co_count, 0) + pair_changes.co_count_change as co_count
    from pair_changes
    left join {{ production_pair_counts_relation() }} as production_pairs
        on
            pair_changes.count_unit = production_pairs.count_unit
            and pair_changes.product_key_a = production_pairs.product_key_a
            and pair_changes.product_key_b = production_pairs.product_key_b

),

fold_pairs as (

    select count_unit, product_key_a, product_key_b, co_count from unchanged_pairs
    union all
    select count_unit, product_key_a, product_key_b, co_count from changed_pairs

)

select
    training_set.inputs_digest,
    fold_pairs.count_unit,
    fold_pairs.product_key_a,
    fold_pairs.product_key_b,
    fold_pairs.co_count
from fold_pairs
cross join training_set
where {{ is_kept_pair('fold_pairs') }}
{%- endmacro %}
