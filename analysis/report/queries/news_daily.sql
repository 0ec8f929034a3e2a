-- Articles per day (in the page's time zone, $1) and language, over the 28 days before the
-- first dated article about an incident through 28 days after it; without
-- incident links, every dated article.
WITH dated AS (
    SELECT CAST(published_at AT TIME ZONE $1 AS DATE) AS day, coalesce(nullif(lang, ''), '?') AS lang, incident_id
    FROM news WHERE published_at IS NOT NULL
),
focus AS (
    SELECT min(day) AS d0 FROM dated WHERE coalesce(incident_id, '') <> ''
)
SELECT strftime(day, '%Y-%m-%d') AS day, lang, count(*) AS articles
FROM dated, focus
WHERE focus.d0 IS NULL OR day BETWEEN focus.d0 - INTERVAL 28 DAY AND focus.d0 + INTERVAL 28 DAY
GROUP BY ALL
ORDER BY day, lang
