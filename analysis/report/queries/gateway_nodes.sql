-- Nodes of the gateway graph: every service a gateway opens, plus every
-- other endpoint of a dependency edge (the gateway apps, account systems,
-- data centres). Users are the service's latest MAU in the study's country
-- ($1) when the lake has one, taking the largest estimate of that period.
WITH latest_mau AS (
    SELECT platform_id, arg_max(value, period_start) AS users
    FROM (SELECT platform_id, period_start, max(value) AS value FROM mau
          WHERE country = $1 AND metric = 'mau' AND unit = 'persons'
            AND NOT list_contains(coalesce(flags, []), 'superseded')
          GROUP BY ALL)
    GROUP BY platform_id
),
svc AS (
    -- A service listed by several sources takes, field by field, the
    -- smallest value: any fixed rule, so two renders agree.
    SELECT service_id AS node_id, min(name_en) AS name_en, min(name_ko) AS name_ko,
           min(category) AS category,
           min(coalesce(nullif(platform_id, ''), service_id)) AS platform_id,
           'service' AS role
    FROM services GROUP BY service_id
),
hubs AS (
    SELECT DISTINCT d.to_id AS node_id FROM dependencies d
    WHERE d.to_id NOT IN (SELECT node_id FROM svc)
    UNION
    SELECT DISTINCT d.from_id FROM dependencies d
    WHERE d.from_id NOT IN (SELECT node_id FROM svc)
),
hub_nodes AS (
    SELECT h.node_id, coalesce(p.name, h.node_id) AS name_en, coalesce(p.name_ko, p.name, h.node_id) AS name_ko,
           CASE WHEN EXISTS (SELECT 1 FROM dependencies d WHERE d.to_id = h.node_id AND d.kind = 'hosting') THEN 'infrastructure'
                WHEN EXISTS (SELECT 1 FROM dependencies d WHERE d.to_id = h.node_id AND d.kind IN ('account', 'login')) THEN 'account'
                ELSE 'gateway' END AS category,
           h.node_id AS platform_id,
           'hub' AS role
    FROM hubs h LEFT JOIN platforms p ON p.platform_id = h.node_id
)
SELECT n.node_id, n.name_en, n.name_ko, n.category, n.role, m.users
FROM (SELECT * FROM svc UNION ALL SELECT * FROM hub_nodes) n
LEFT JOIN latest_mau m USING (platform_id)
ORDER BY n.role, n.category, n.node_id
