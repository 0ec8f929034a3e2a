-- What the news named in the window after an incident (day 0 to
-- $window_days, local $tz days, day 0 as in news_volume): services named
-- (services_mentioned, unnested) and outlets, each counted per article and
-- per story cluster, with its share of the window's articles.
WITH params AS (
    SELECT coalesce(CAST(nullif(trim($start), '') AS TIMESTAMPTZ),
                    (SELECT min("at") FROM incidents WHERE incident_id = $incident AND event = 'start')) AS t0,
           CAST($window_days AS INTEGER) AS after
),
arts AS (
    SELECT n.article_id, coalesce(nullif(n.cluster_id, ''), n.article_id) AS cluster,
           nullif(n.outlet, '') AS outlet, coalesce(n.services_mentioned, []) AS services
    FROM news n, params p
    WHERE n.published_at IS NOT NULL AND p.t0 IS NOT NULL
      AND CAST(timezone($tz, n.published_at) AS DATE)
          BETWEEN CAST(timezone($tz, p.t0) AS DATE) AND CAST(timezone($tz, p.t0) AS DATE) + p.after
),
total AS (
    SELECT count(*) AS articles, count(DISTINCT cluster) AS clusters FROM arts
),
named AS (
    SELECT 'service' AS facet, s AS key, count(DISTINCT article_id) AS articles, count(DISTINCT cluster) AS clusters
    FROM (SELECT article_id, cluster, unnest(services) AS s FROM arts)
    GROUP BY s
    UNION ALL
    SELECT 'outlet', coalesce(outlet, '(unknown)'), count(*), count(DISTINCT cluster)
    FROM arts GROUP BY outlet
)
SELECT n.facet, n.key, n.articles, n.clusters,
       n.articles / t.articles AS share_of_articles,
       n.clusters / t.clusters AS share_of_clusters,
       row_number() OVER (PARTITION BY n.facet ORDER BY n.articles DESC, n.clusters DESC, n.key) AS rank
FROM named n, total t
ORDER BY n.facet DESC, rank
