-- Outage impact per service: outage_durations (read as a CTE of that
-- name: the restore times and the source used where sources disagree) with
-- the users exposed.
--   user_days_exposed          = daily users x hours to full restore / 24
--   user_days_to_first_restore = daily users x hours to first restore / 24
-- Daily users are the service's latest daily_users / daily_active_users
-- figure in the 31 days before the incident's local day (the day before a
-- fire, not the fire day, whose count the outage itself depressed). Where
-- there is none, and only if $dau_mau_ratio is given, daily users = MAU x
-- that ratio, with MAU the latest pre-incident figure from $mau_estimator;
-- the ratio is printed on every row. Otherwise the figure stays unknown.
-- A service is a platform when its id is a platform id or service_platforms
-- maps it to one.
WITH params AS (
    SELECT CAST(nullif(trim($dau_mau_ratio), '') AS DOUBLE) AS ratio
),
start_day AS (
    SELECT CAST(timezone($tz, min(incident_start)) AS DATE) AS d FROM outage_durations
),
platform_of AS (
    SELECT o.service_id,
           coalesce(p.platform_id, (SELECT min(sp.platform_id) FROM service_platforms sp
                                    WHERE sp.service_id = o.service_id AND sp.platform_id IS NOT NULL)) AS platform_id
    FROM outage_durations o
    LEFT JOIN platforms p ON p.platform_id = o.service_id
),
daily AS (
    SELECT m.platform_id, m.value, m.metric, m.source, m.period_label
    FROM mau m, start_day s
    WHERE m.country = $country AND m.unit = 'persons' AND m.period_grain = 'day'
      AND m.metric IN ('daily_users', 'daily_active_users')
      AND m.period_start < s.d AND m.period_start >= s.d - INTERVAL 31 DAY
    QUALIFY row_number() OVER (PARTITION BY m.platform_id ORDER BY m.period_start DESC, m.metric = 'daily_users' DESC, m.source) = 1
),
monthly AS (
    SELECT m.platform_id, m.value, m.source, m.period_label
    FROM mau m, start_day s
    WHERE m.country = $country AND m.unit = 'persons' AND m.metric = 'mau' AND m.estimator = $mau_estimator
      AND m.period_start <= s.d AND m.period_start > s.d - INTERVAL 12 MONTH
      AND NOT list_has_any(coalesce(m.flags, []), ['superseded', 'android_only', 'lower_bound'])
    QUALIFY row_number() OVER (PARTITION BY m.platform_id ORDER BY m.period_start DESC, m.source) = 1
),
impact AS (
    SELECT o.*, pf.platform_id,
           coalesce(d.value, mo.value * p.ratio) AS daily_users,
           CASE WHEN d.value IS NOT NULL THEN 'data: ' || d.source || ' ' || d.metric || ' ' || d.period_label
                WHEN mo.value IS NOT NULL AND p.ratio IS NOT NULL
                    THEN 'estimate: MAU ' || CAST(round(mo.value) AS BIGINT) || ' (' || mo.source || ' ' || mo.period_label || ') x DAU/MAU ' || p.ratio
                WHEN mo.value IS NOT NULL THEN 'unknown: no daily figure; pass dau_mau_ratio to estimate from MAU'
                ELSE 'unknown: no daily or monthly figure' END AS daily_users_basis,
           p.ratio AS dau_mau_ratio,
           mo.value AS mau,
           mo.source || ' ' || mo.period_label AS mau_basis
    FROM outage_durations o
    CROSS JOIN params p
    LEFT JOIN platform_of pf USING (service_id)
    LEFT JOIN daily d ON d.platform_id = pf.platform_id
    LEFT JOIN monthly mo ON mo.platform_id = pf.platform_id
)
SELECT service_id, company, platform_id, incident_start, first_restore, full_restore, full_restore_basis,
       hours_to_first_restore, hours_to_full_restore,
       hours_to_full_restore / 24 AS outage_days,
       daily_users, daily_users_basis, dau_mau_ratio, mau, mau_basis,
       daily_users * hours_to_full_restore / 24 AS user_days_exposed,
       daily_users * hours_to_first_restore / 24 AS user_days_to_first_restore,
       disagreement, sources
FROM impact
ORDER BY user_days_exposed DESC NULLS LAST, hours_to_full_restore DESC NULLS LAST, service_id
