-- Headlines of the busiest days, newest first within a day. Titles are
-- scraped text and are escaped where the page shows them. Days and times
-- are in the page's time zone ($1).
WITH dated AS (
    SELECT *, CAST(published_at AT TIME ZONE $1 AS DATE) AS day FROM news WHERE published_at IS NOT NULL
),
busiest AS (
    SELECT day, count(*) AS n FROM dated GROUP BY day ORDER BY n DESC, day LIMIT 3
)
SELECT strftime(d.published_at AT TIME ZONE $1, '%Y-%m-%d %H:%M') AS published_local, d.outlet, d.title,
       d.source_url, d.source_title, d.fetched_at
FROM dated d JOIN busiest b USING (day)
ORDER BY d.day, d.published_at, d.article_id
