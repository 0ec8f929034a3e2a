-- Points for the network-effect fits: value V (a company's $metric per
-- period, revenue by default) against users n (a platform's MAU in the same
-- period). n is the average of the MAU figures whose period lies inside
-- V's period, from one estimator ($estimator) and, row by row, one source:
-- company-reported and panel figures are never pooled. For a year that is
-- the annual average of the quarters reported (Q4 alone is missing for
-- several years). Lower bounds, Android-only panels and superseded
-- estimates are left out.
WITH rev AS (
    SELECT period_start, period_grain, period_label, value, currency, source_url,
           period_start + CASE period_grain WHEN 'year' THEN INTERVAL 1 YEAR WHEN 'half' THEN INTERVAL 6 MONTH
                WHEN 'quarter' THEN INTERVAL 3 MONTH WHEN 'month' THEN INTERVAL 1 MONTH ELSE INTERVAL 1 DAY END AS period_end
    FROM financials
    WHERE company = $company AND metric = $metric AND period_grain = $grain
),
users AS (
    SELECT period_start, period_label, value, source, estimator, flags, source_url,
           period_start + CASE period_grain WHEN 'year' THEN INTERVAL 1 YEAR WHEN 'half' THEN INTERVAL 6 MONTH
                WHEN 'quarter' THEN INTERVAL 3 MONTH WHEN 'month' THEN INTERVAL 1 MONTH ELSE INTERVAL 1 DAY END AS period_end
    FROM mau
    WHERE platform_id = $platform AND country = $country AND metric = 'mau' AND unit = 'persons'
      AND estimator = $estimator
      AND NOT list_has_any(coalesce(flags, []), ['superseded', 'lower_bound', 'android_only'])
)
SELECT r.period_label, r.period_start, r.period_grain, u.estimator, u.source,
       avg(u.value) AS n,
       count(*) AS n_figures,
       string_agg(u.period_label, ', ' ORDER BY u.period_start, u.period_label) AS user_periods,
       min(r.value) AS v, -- one revenue row per group (grouped by its period)
       min(r.currency) AS currency,
       list_sort(list_distinct(flatten(list(coalesce(u.flags, []))))) AS flags,
       list_sort(list_distinct(list_prepend(min(r.source_url), list(u.source_url)))) AS sources
FROM rev r
JOIN users u ON u.period_start >= r.period_start AND u.period_end <= r.period_end
GROUP BY r.period_label, r.period_start, r.period_grain, u.estimator, u.source
ORDER BY u.source, r.period_start
