-- Display names for every id the report draws: a service's own name, else
-- the platform's, else the shortest name an incident report gives it.
SELECT id,
  -- ties in priority go to the first name in byte order, so renders agree
  arg_min(name_en, lpad(prio::VARCHAR, 6, '0') || name_en) FILTER (WHERE name_en IS NOT NULL) AS name_en,
  arg_min(name_ko, lpad(prio::VARCHAR, 6, '0') || name_ko) FILTER (WHERE name_ko IS NOT NULL) AS name_ko
FROM (
  SELECT service_id AS id, nullif(name_en, '') AS name_en, nullif(name_ko, '') AS name_ko, 1 AS prio FROM services
  UNION ALL SELECT platform_id, nullif(name, ''), nullif(name_ko, ''), 2 FROM platforms
  UNION ALL SELECT service_id, nullif(service, ''), NULL, 3 + length(service) FROM incidents
)
WHERE id IS NOT NULL
GROUP BY id
