{#-
  Creates the SQL macro predict_segment(recency_days, frequency, monetary) in the database, so an
  analyst (and the viewer) can segment any R/F/M triple: `select predict_segment(30, 5, 1200.0)`.
  It reads segment_model (unqualified, so it works whatever the database file is called) and does
  the Python model's arithmetic: nearest centroid in standardised log(1 + x) space, ties to the
  lower cluster id. Null when frequency or net spend is not positive (such customers are not
  segmented).
-#}
{% macro create_predict_segment_macro() %}
create or replace macro predict_segment(recency_days, frequency, monetary) as (
    case
        when frequency > 0 and monetary > 0 and recency_days >= 0 then (
            select segment
            from (
                select
                    segment,
                    cluster_id,
                    (ln(1 + cast(recency_days as double)) - log_mean_recency) / log_scale_recency
                    - center_recency as recency_offset,
                    (ln(1 + cast(frequency as double)) - log_mean_frequency) / log_scale_frequency
                    - center_frequency as frequency_offset,
                    (ln(1 + cast(monetary as double)) - log_mean_monetary) / log_scale_monetary
                    - center_monetary as monetary_offset
                from segment_model
            ) as offsets
            order by
                recency_offset * recency_offset
                + frequency_offset * frequency_offset
                + monetary_offset * monetary_offset,
                cluster_id
            limit 1
        )
    end
)
{% endmacro %}
