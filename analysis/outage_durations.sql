-- Hours from the start of an incident to each service's first partial and
-- full restoration. The clock starts "at" the incident's root start event
-- (for the Pangyo fire, the ignition "at" 15:19 KST per MSIT's CCTV-based
-- finding, not the 15:33 of early reports). Where sources give several
-- restore times for one service the earliest and latest are both shown,
-- and full_restore uses the latest: a service is not whole until every
-- source agrees it is.
WITH ev AS (
    SELECT * FROM incidents WHERE incident_id = $incident
),
origin AS (
    SELECT min("at") AS t0 FROM ev WHERE event = 'start' AND service_id = $root
),
company_restore AS (
    -- A company-wide "all services restored" event closes every service of
    -- that company that has no full restore of its own.
    SELECT company, max("at") AS "at" FROM ev
    WHERE event = 'restore' AND service_id LIKE '%\_all' ESCAPE '\'
    GROUP BY company
),
per_service AS (
    SELECT service_id, min(company) AS company,
           min("at") FILTER (WHERE event IN ('partial_restore', 'restore')) AS first_restore,
           max("at") FILTER (WHERE event = 'restore') AS last_restore,
           min("at") FILTER (WHERE event = 'restore') AS earliest_full_restore,
           count(*) FILTER (WHERE event = 'restore') AS restore_reports,
           list(DISTINCT source_url ORDER BY source_url) AS sources
    FROM ev
    WHERE service_id <> $root AND event <> 'other'
    GROUP BY service_id
)
SELECT s.service_id,
       s.company,
       o.t0 AS incident_start,
       s.first_restore,
       coalesce(s.last_restore, c.at) AS full_restore,
       CASE WHEN s.last_restore IS NOT NULL THEN 'own restore event'
            WHEN c.at IS NOT NULL THEN 'company-wide restore'
            ELSE 'none' END AS full_restore_basis,
       s.restore_reports,
       date_diff('second', o.t0, s.first_restore) / 3600.0 AS hours_to_first_restore,
       date_diff('second', o.t0, coalesce(s.last_restore, c.at)) / 3600.0 AS hours_to_full_restore,
       CASE WHEN s.restore_reports > 1 AND s.earliest_full_restore <> s.last_restore
            THEN 'sources disagree: earliest full restore ' || strftime(s.earliest_full_restore AT TIME ZONE 'Asia/Seoul', '%Y-%m-%d %H:%M') || ' KST, latest used'
       END AS disagreement,
       s.sources
FROM per_service s
CROSS JOIN origin o
LEFT JOIN company_restore c ON s.company LIKE c.company || '%'
WHERE s.first_restore IS NOT NULL OR c.at IS NOT NULL
ORDER BY hours_to_full_restore DESC NULLS LAST, s.service_id
