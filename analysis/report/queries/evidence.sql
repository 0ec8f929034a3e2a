-- The evidence class of each cited URL where the run ledger decides it: rows
-- only from the embedded seed are "compiled", rows only from live or record
-- runs are "live". Replayed rows (a user's archive or a bundled fixture: the
-- ledger does not say which) and mixed URLs get no class here.
WITH cited AS (
    SELECT source_url, run_id, collector FROM mau
    UNION ALL SELECT source_url, run_id, collector FROM platforms
    UNION ALL SELECT source_url, run_id, collector FROM financials
    UNION ALL SELECT source_url, run_id, collector FROM services
    UNION ALL SELECT source_url, run_id, collector FROM dependencies
    UNION ALL SELECT source_url, run_id, collector FROM incidents
    UNION ALL SELECT source_url, run_id, collector FROM news
    UNION ALL SELECT source_url, run_id, collector FROM thresholds
)
SELECT c.source_url,
       CASE WHEN bool_and(r.mode = 'embedded') THEN 'compiled'
            WHEN bool_and(r.mode IN ('live', 'record')) THEN 'live' END AS evidence
FROM cited c JOIN runs r USING (run_id, collector)
WHERE c.source_url IS NOT NULL
GROUP BY c.source_url
