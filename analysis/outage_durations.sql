-- Hours from the start of an incident to each service's first partial and
-- full restoration, on two clocks where they differ:
--   incident_start        the root's start event (the failure itself, as
--                         the study's best source dates it, not the first
--                         press reports);
--   service_outage_start  the service's own outage start, else its
--                         company's all-services start, else its gateway's,
--                         else the incident start; the basis column says
--                         which.
-- Where sources give several restore times for one service the earliest
-- and latest are both shown, and full_restore uses the latest: a service is
-- not whole until every source agrees it is. A restore the source dates
-- only to a day (at_precision 'day') is a date, not midnight: its hours are
-- null and hours_to_full_restore_upper runs to the end of that day ($tz).
-- Where the restore event's source states an official duration (a
-- regulator's "127 h 33 min"), it is shown beside the computed one, with
-- its source.
WITH ev AS (
    SELECT *, coalesce(nullif(at_precision, ''), 'minute') AS prec FROM incidents WHERE incident_id = $incident
),
origin AS (
    SELECT min("at") AS t0 FROM ev WHERE event = 'start' AND service_id = $root
),
company_restore AS (
    -- A company-wide "all services restored" event closes every service of
    -- that company that has no full restore of its own.
    -- ties on "at" broken by source and note, so the output is stable
    SELECT company, max("at") AS "at", arg_max(prec, ("at", source_url, note)) AS prec,
           arg_max(note, ("at", source_url, note)) AS note, arg_max(source_url, ("at", source_url, note)) AS source_url
    FROM ev
    WHERE event = 'restore' AND service_id LIKE '%\_all' ESCAPE '\'
    GROUP BY company
),
company_start AS (
    SELECT company, min("at") AS "at",
           arg_min(service_id, ("at", service_id)) AS service_id
    FROM ev
    WHERE event = 'start' AND service_id <> $root
      AND (service_id LIKE '%\_all' ESCAPE '\' OR service_id = lower(company))
    GROUP BY company
),
per_service AS (
    SELECT service_id, min(company) AS company,
           min("at") FILTER (WHERE event = 'start') AS own_start,
           min("at") FILTER (WHERE event IN ('partial_restore', 'restore')) AS first_restore,
           arg_min(prec, ("at", prec)) FILTER (WHERE event IN ('partial_restore', 'restore')) AS first_restore_precision,
           max("at") FILTER (WHERE event = 'restore') AS last_restore,
           arg_max(prec, ("at", source_url, note)) FILTER (WHERE event = 'restore') AS last_restore_precision,
           arg_max(note, ("at", source_url, note)) FILTER (WHERE event = 'restore') AS last_restore_note,
           min("at") FILTER (WHERE event = 'restore') AS earliest_full_restore,
           count(*) FILTER (WHERE event = 'restore') AS restore_reports,
           list(DISTINCT source_url ORDER BY source_url) AS sources
    FROM ev
    WHERE service_id <> $root AND event <> 'other'
    GROUP BY service_id
),
joined AS (
    SELECT s.*, o.t0,
           coalesce(s.last_restore, c.at) AS full_restore,
           CASE WHEN s.last_restore IS NOT NULL THEN s.last_restore_precision ELSE c.prec END AS full_restore_precision,
           CASE WHEN s.last_restore IS NOT NULL THEN s.last_restore_note ELSE c.note END AS full_restore_note,
           CASE WHEN s.last_restore IS NOT NULL THEN 'own restore event'
                WHEN c.at IS NOT NULL THEN 'company-wide restore'
                ELSE 'none' END AS full_restore_basis,
           coalesce(s.own_start, cs.at, o.t0) AS service_outage_start,
           CASE WHEN s.own_start IS NOT NULL THEN 'own start event'
                WHEN cs.at IS NOT NULL THEN 'start event of ' || cs.service_id
                ELSE 'incident start' END AS service_outage_start_basis,
           c.note AS company_note, c.source_url AS company_source
    FROM per_service s
    CROSS JOIN origin o
    LEFT JOIN company_restore c ON s.company LIKE c.company || '%'
    LEFT JOIN company_start cs ON s.company LIKE cs.company || '%'
    WHERE s.first_restore IS NOT NULL OR c.at IS NOT NULL
),
official AS (
    SELECT *,
           -- "127시간 33분" in the note of the restore event that closes the service
           TRY_CAST(regexp_extract(full_restore_note, '(\d+)\s*시간\s*(\d+)\s*분', 1) AS DOUBLE)
             + TRY_CAST(regexp_extract(full_restore_note, '(\d+)\s*시간\s*(\d+)\s*분', 2) AS DOUBLE) / 60 AS official_hours
    FROM joined
)
SELECT service_id,
       company,
       t0 AS incident_start,
       service_outage_start,
       service_outage_start_basis,
       first_restore,
       first_restore_precision,
       full_restore,
       full_restore_precision,
       CASE WHEN full_restore_precision = 'day' THEN strftime(full_restore AT TIME ZONE $tz, '%Y-%m-%d')
            ELSE strftime(full_restore AT TIME ZONE $tz, '%Y-%m-%d %H:%M') || ' ' || $tz END AS full_restore_local,
       full_restore_basis,
       restore_reports,
       CASE WHEN first_restore_precision = 'day' THEN NULL
            ELSE date_diff('second', t0, first_restore) / 3600.0 END AS hours_to_first_restore,
       CASE WHEN full_restore_precision = 'day' THEN NULL
            ELSE date_diff('second', t0, full_restore) / 3600.0 END AS hours_to_full_restore,
       -- a day-precision restore lies somewhere in that local day ($tz)
       date_diff('second', t0, full_restore
                 + CASE WHEN full_restore_precision = 'day' THEN INTERVAL 1 DAY ELSE INTERVAL 0 DAY END) / 3600.0
         AS hours_to_full_restore_upper,
       CASE WHEN full_restore_precision = 'day' THEN NULL
            ELSE date_diff('second', service_outage_start, full_restore) / 3600.0 END AS hours_from_service_outage_to_full_restore,
       official_hours AS official_hours_to_full_restore,
       CASE WHEN official_hours IS NOT NULL
            THEN 'stated by the source of the restore event: ' || regexp_extract(full_restore_note, '\d+\s*시간\s*\d+\s*분')
       END AS official_basis,
       CASE WHEN restore_reports > 1 AND earliest_full_restore <> last_restore
            THEN 'sources disagree: earliest full restore ' || strftime(earliest_full_restore AT TIME ZONE $tz, '%Y-%m-%d %H:%M') || ' ' || $tz || ', latest used'
       END AS disagreement,
       full_restore_note AS caveat,
       CASE WHEN official_hours IS NOT NULL AND full_restore_basis = 'company-wide restore'
            THEN list_sort(list_distinct(list_append(sources, company_source))) ELSE sources END AS sources
FROM official
ORDER BY hours_to_full_restore_upper DESC NULLS LAST, service_id
