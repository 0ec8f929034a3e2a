-- Concentration of a platform market per period.
-- A market is one category in one country, measured by one metric from one
-- source: shares are only comparable within a single measurement, so
-- company figures and panels, or MAU and daily users, are never pooled.
-- HHI = sum((100*s_i)^2); effective number of platforms = 10000 / HHI.
WITH obs AS (
    SELECT m.country, m.period_start, m.period_grain, m.period_label, m.metric,
           m.estimator, m.source, m.platform_id, m.value
    FROM mau m
    JOIN platforms p USING (platform_id)
    WHERE p.category = $category
      AND m.country = $country
      AND m.unit = 'persons'
      AND m.metric IN ('mau', 'daily_users', 'daily_active_users')
      AND NOT list_contains(coalesce(m.flags, []), 'superseded')
),
markets AS (
    SELECT *, value / sum(value) OVER w AS share,
           row_number() OVER (PARTITION BY country, period_start, period_grain, metric, source ORDER BY value DESC) AS rank,
           count(*) OVER w AS n_platforms
    FROM obs
    WINDOW w AS (PARTITION BY country, period_start, period_grain, metric, source)
),
hhi AS (
    SELECT country, period_start, period_grain, any_value(period_label) AS period_label, metric, estimator, source,
           max(n_platforms) AS n_platforms,
           sum(value) AS total_users,
           sum(power(100 * share, 2)) AS hhi,
           max(CASE WHEN rank = 1 THEN share END) AS cr1,
           sum(CASE WHEN rank <= 3 THEN share END) AS cr3,
           sum(CASE WHEN rank <= 4 THEN share END) AS cr4,
           arg_max(platform_id, value) AS leader
    FROM markets
    GROUP BY ALL
    HAVING count(*) >= 2
),
bands AS (
    SELECT max(CASE WHEN metric = 'hhi_high' THEN value END) AS high,
           max(CASE WHEN metric = 'hhi_moderate' THEN value END) AS moderate,
           max(CASE WHEN metric = 'delta_hhi' THEN value END) AS delta
    FROM thresholds WHERE regime_id = 'us_mg_2023'
)
SELECT h.*,
       10000 / h.hhi AS effective_platforms,
       h.hhi - lag(h.hhi) OVER (PARTITION BY h.country, h.metric, h.source ORDER BY h.period_start) AS delta_hhi,
       b.high AS doj_ftc_2023_high,
       CASE WHEN h.hhi > b.high THEN 'highly concentrated'
            WHEN h.hhi > b.moderate THEN 'moderately concentrated'
            ELSE 'unconcentrated' END AS doj_ftc_2023_band
FROM hhi h, bands b
ORDER BY h.period_start, h.metric, h.source
