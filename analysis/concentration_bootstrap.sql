-- Candidate figures for the source bootstrap of concentration: for every
-- market period (country, measure, period) each platform's figures from
-- every source whose period covers it (a quarterly company figure covers
-- its months). Only markets where some platform has two or more figures
-- are kept: elsewhere the HHI has no source uncertainty to show.
-- Lower bounds, Android-only panels and superseded estimates measure
-- something else and are left out; company and panel figures are mixed
-- on purpose, since their disagreement is what the interval shows.
-- Figures are counted by origin, not by page: a page republishing
-- another's figure (a Wikipedia table citing Our World in Data) is the
-- same figure, so one platform's figures from one origin for one period
-- are one candidate, the origin's own page preferred.
WITH params AS (
    SELECT list_transform(string_split($category, ','), c -> trim(c)) AS categories
),
figures AS (
    SELECT m.platform_id, m.country,
           CASE WHEN m.metric = 'mau' THEN 'mau' ELSE 'daily_users' END AS measure,
           m.period_start, m.period_grain, m.period_label, m.value, m.estimator,
           coalesce(nullif(m.origin_source, ''), m.source) AS source, m.source AS page_source,
           m.period_start + CASE m.period_grain WHEN 'day' THEN INTERVAL 1 DAY WHEN 'month' THEN INTERVAL 1 MONTH
                WHEN 'quarter' THEN INTERVAL 3 MONTH WHEN 'half' THEN INTERVAL 6 MONTH ELSE INTERVAL 1 YEAR END AS period_end
    FROM mau m
    JOIN platforms p USING (platform_id), params
    WHERE list_contains(params.categories, p.category)
      AND m.country = $country
      AND m.unit = 'persons'
      AND m.metric IN ('mau', 'daily_users', 'daily_active_users')
      AND NOT list_has_any(coalesce(m.flags, []), ['superseded', 'lower_bound', 'android_only'])
    QUALIFY row_number() OVER (PARTITION BY m.platform_id, m.country, m.metric, m.period_start, m.period_grain,
                                            coalesce(nullif(m.origin_source, ''), m.source)
                               ORDER BY m.source_url IS NOT DISTINCT FROM m.origin_url DESC, page_source, m.source_url, m.value) = 1
),
periods AS (
    SELECT DISTINCT country, measure, period_start, period_grain, period_label, period_end FROM figures
),
candidates AS (
    SELECT p.country, p.measure, p.period_start, p.period_grain, p.period_label,
           f.platform_id, f.value, f.estimator, f.source, f.period_label AS figure_period
    FROM periods p
    JOIN figures f ON f.country = p.country AND f.measure = p.measure
     AND f.period_start <= p.period_start AND f.period_end >= p.period_end
),
markets AS (
    SELECT country, measure, period_start, period_grain
    FROM candidates
    GROUP BY ALL
    HAVING count(DISTINCT platform_id) >= 2 AND count(*) > count(DISTINCT platform_id)
)
SELECT c.country, c.measure, c.period_start, c.period_grain, c.period_label,
       c.platform_id, c.value, c.estimator, c.source, c.figure_period
FROM candidates c
JOIN markets USING (country, measure, period_start, period_grain)
ORDER BY c.period_start, c.period_grain, c.measure, c.platform_id, c.source, c.figure_period
