-- Coverage of each news feed (RSS feed URL, or the query of an API source):
-- articles, days with articles, first/last publication and last fetch. A
-- feed whose newest item was fetched more than a day before its
-- collector's newest is "quiet": it may have stopped while the others run.
WITH items AS (
    SELECT collector,
           unnest(string_split(CASE WHEN source_type = 'rss' OR coalesce(query, '') = '' THEN feed ELSE query END, ',')) AS feed,
           article_id, published_at, fetched_at
    FROM news_all
),
per_feed AS (
    SELECT collector, feed, count(DISTINCT article_id) AS items,
           count(DISTINCT CAST(published_at AS DATE)) AS days_with_items,
           min(published_at) AS first_published, max(published_at) AS last_published,
           max(fetched_at) AS last_fetched
    FROM items WHERE feed <> '' GROUP BY ALL
)
SELECT *,
       CASE WHEN last_fetched < max(last_fetched) OVER (PARTITION BY collector) - INTERVAL 1 DAY
            THEN 'quiet' ELSE 'ok' END AS health
FROM per_feed
ORDER BY collector, feed
