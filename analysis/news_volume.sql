-- Daily news volume around an incident, per article and per story
-- cluster. Day 0 is the local ($tz) day of the incident's start: $start if
-- given, else the earliest "start" event of $incident. The baseline is the
-- $baseline_days days before day 0 (days without articles count as zero),
-- the window the $window_days days after it. clusters counts each story
-- once, on the day its first article appeared (an article without a
-- cluster_id is its own story), so syndicated copies do not inflate it.
-- Articles without a publication date are left out. No rows when no
-- article falls in the range.
WITH params AS (
    SELECT coalesce(CAST(nullif(trim($start), '') AS TIMESTAMPTZ),
                    (SELECT min("at") FROM incidents WHERE incident_id = $incident AND event = 'start')) AS t0,
           CAST($baseline_days AS INTEGER) AS before,
           CAST($window_days AS INTEGER) AS after
),
day0 AS (
    SELECT CAST(timezone($tz, t0) AS DATE) AS d0, before, after FROM params WHERE t0 IS NOT NULL
),
arts AS (
    SELECT article_id, coalesce(nullif(cluster_id, ''), article_id) AS cluster,
           CAST(timezone($tz, published_at) AS DATE) AS day
    FROM news
    WHERE published_at IS NOT NULL
      AND ($service = '' OR list_contains(coalesce(services_mentioned, []), $service))
),
first_seen AS (
    SELECT cluster, min(day) AS day FROM arts GROUP BY cluster
),
days AS (
    SELECT d0 + i AS day, i AS day_offset
    FROM (SELECT d0, CAST(unnest(range(-before, after + 1)) AS INTEGER) AS i FROM day0)
    WHERE EXISTS (SELECT 1 FROM arts, day0 WHERE arts.day BETWEEN d0 - before AND d0 + after)
),
counts AS (
    SELECT d.day, d.day_offset,
           coalesce(a.n, 0) AS articles,
           coalesce(c.n, 0) AS clusters
    FROM days d
    LEFT JOIN (SELECT day, count(*) AS n FROM arts GROUP BY day) a USING (day)
    LEFT JOIN (SELECT day, count(*) AS n FROM first_seen GROUP BY day) c USING (day)
),
baseline AS (
    SELECT avg(articles) AS articles, avg(clusters) AS clusters FROM counts WHERE day_offset < 0
)
SELECT c.day, c.day_offset,
       CASE WHEN c.day_offset < 0 THEN 'baseline' ELSE 'window' END AS phase,
       c.articles, c.clusters,
       b.articles AS baseline_articles,
       b.clusters AS baseline_clusters,
       c.articles / nullif(b.articles, 0) AS articles_vs_baseline,
       c.clusters / nullif(b.clusters, 0) AS clusters_vs_baseline
FROM counts c, baseline b
ORDER BY c.day
