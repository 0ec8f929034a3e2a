-- MAU trend per platform, country, estimator and source.
-- Company-reported and panel figures measure different things, so each
-- (platform, country, estimator, source) is its own series; superseded
-- panel estimates are left out in favour of their restatement.
SELECT
    m.platform_id,
    coalesce(p.name, m.platform_id) AS platform,
    m.country,
    m.estimator,
    m.source,
    m.period_start,
    m.period_grain,
    m.period_label,
    m.value AS users,
    m.flags,
    m.source_url,
    m.source_title,
    m.fetched_at
FROM mau m
LEFT JOIN platforms p USING (platform_id)
WHERE m.metric = 'mau'
  AND m.unit = 'persons'
  AND ($platform = '' OR m.platform_id = $platform)
  AND ($country = '' OR m.country = $country)
  AND NOT list_contains(coalesce(m.flags, []), 'superseded')
ORDER BY m.platform_id, m.country, m.estimator, m.source, m.period_start, m.period_grain, m.revision, m.source_url
