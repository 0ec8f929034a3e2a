-- Shares of the latest measured market of some categories ($1,
-- comma-separated) in one country ($2): the newest period, and within it the single measurement (metric and
-- source) that covers the most platforms. Shares are only comparable within
-- one measurement, so sources are never pooled.
WITH obs AS (
    SELECT m.*, p.name AS platform, p.name_ko AS platform_ko
    FROM mau m JOIN platforms p USING (platform_id)
    WHERE list_contains(string_split($1, ','), p.category) AND m.country = $2 AND m.unit = 'persons'
      AND m.metric IN ('mau', 'daily_users', 'daily_active_users')
      AND NOT list_contains(coalesce(m.flags, []), 'superseded')
),
markets AS (
    SELECT period_start, metric, source, count(*) AS n
    FROM obs GROUP BY ALL HAVING count(*) >= 2
),
latest AS (
    SELECT * FROM markets
    ORDER BY period_start DESC, (metric = 'mau') DESC, n DESC, source
    LIMIT 1
)
SELECT o.period_label, o.source, o.metric, o.platform_id, o.platform, o.platform_ko,
       o.value AS users, o.value / sum(o.value) OVER () AS share,
       o.source_url, o.source_title, o.fetched_at
FROM obs o JOIN latest l USING (period_start, metric, source)
ORDER BY users DESC, o.platform_id
