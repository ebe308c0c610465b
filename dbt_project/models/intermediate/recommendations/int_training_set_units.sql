{#-
  The units the pair counts count, and which training sets each unit's products fall in: one row
  per unit and product, flagged in_set_<fold> for every fold 0..var evaluation_folds (false for a
  fold the export is too short for). A basket (an invoice by a known customer, no cancellations)
  holds its products in every set whose cutoff follows its month. A customer holds, in a set, their
  var recommendation_customer_history_cap most recently bought products before its cutoff: a long
  history's oldest purchases say least about what comes next, and a customer's pairs grow with the
  square of their products. Cutoffs after fold 0 are month starts, and fold 0's is after every
  line, so a line is before a cutoff when its month is.

  unit_id names a unit by its first sales line (the smallest raw_line_id among its purchases): an
  integer, which the self-joins hash fast, and the same in every build while that line is kept,
  so the production counts can find the units whose products changed (int_production_pair_counts).
  Lines keep their ids across daily runs; a reload that renumbers them renames every unit, and
  the production counts then start over.

  On DuckDB a daily run makes again only the baskets and customers of its new purchases, while
  the settings, earlier lines and product keys are unchanged; a month that starts a fold also
  those with purchases from the new cutoff on; otherwise every unit (macros/training_set_units.sql).
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='delete+insert',
    unique_key=['count_unit', 'unit_id'],
    pre_hook="{{ shopper_spectrum.start_training_set_units_over_if_moved() }}",
    post_hook="{{ shopper_spectrum.record_training_set_units_inputs() }}"
) }}
{%- if shopper_spectrum.is_made_by_changes() %}
{{ shopper_spectrum.training_set_units(
    after_line_id='select through_line_id from ' ~ shopper_spectrum.made_from_record()
) }}
{%- else %}
{{ shopper_spectrum.training_set_units() }}
{%- endif %}
