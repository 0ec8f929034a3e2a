-- Blast radius of failed nodes ($failed: a data center, an account system;
-- comma-separated for simultaneous failures): every node that depends on
-- one of them, directly or transitively, over dependency edges "from needs
-- to" of the given $kinds (empty: all). depth is the shortest number of
-- hops; via lists the nodes one hop nearer the failure it fails through.
-- A failed node is in its own radius at depth 0, so a node nothing depends
-- on (a leaf) has a radius of itself only.
-- Nodes that are the same platform (the map API node third parties call
-- and the map app users open) fail together: each pair gets
-- edges of kind same_platform both ways, followed whatever $kinds says.
-- Weighting by users: a node is a platform when its id is a platform id or
-- service_platforms maps it to one; its users are the platform's latest
-- MAU from $source within the 12 months up to $as_of. user_share is the
-- node's part of the known users in the radius (a person using two
-- affected apps counts twice: users multi-home).
-- Time: the radius is the graph as it stood on $as_of. An edge counts only
-- when a source observed it by then (its earliest observed_at, or the day
-- it was fetched when no source dates it), and services are matched to
-- platforms only from listings observed by then (service_platforms), so a
-- page recorded years later cannot add a failure to an old incident.
WITH RECURSIVE failed AS (
    SELECT DISTINCT trim(f) AS node FROM unnest(string_split($failed, ',')) t(f) WHERE trim(f) <> ''
),
deps AS MATERIALIZED (
    SELECT from_id, to_id, kind FROM dependencies_all
    GROUP BY from_id, to_id, kind
    HAVING min(coalesce(observed_at, CAST(fetched_at AS DATE))) <= CAST($as_of AS DATE)
),
node_platform AS MATERIALIZED (
    SELECT n.node, coalesce(p.platform_id, (SELECT min(sp.platform_id) FROM service_platforms sp
                                            WHERE sp.service_id = n.node AND sp.platform_id IS NOT NULL)) AS platform_id
    FROM (SELECT from_id AS node FROM deps UNION SELECT to_id FROM deps) n
    LEFT JOIN platforms p ON p.platform_id = n.node
),
edges AS MATERIALIZED (
    SELECT DISTINCT from_id, to_id, kind FROM deps
    WHERE $kinds = '' OR list_contains(list_transform(string_split($kinds, ','), k -> trim(k)), kind)
    UNION
    SELECT a.node, b.node, 'same_platform' FROM node_platform a
    JOIN node_platform b ON a.platform_id = b.platform_id AND a.node <> b.node
),
-- Breadth-first: one row per node (USING KEY), reached at its shortest
-- distance; a node already reached is not walked again, so cycles end.
walk(node, depth) USING KEY (node) AS (
    SELECT node, 0 FROM failed
    UNION
    SELECT DISTINCT e.from_id, w.depth + 1
    FROM walk w JOIN edges e ON e.to_id = w.node
    WHERE e.from_id NOT IN (SELECT node FROM recurring.walk)
),
hops AS (
    SELECT w.node, w.depth,
           list(DISTINCT n.to_id ORDER BY n.to_id) FILTER (WHERE n.to_id IS NOT NULL) AS via,
           list(DISTINCT n.kind ORDER BY n.kind) FILTER (WHERE n.kind IS NOT NULL) AS via_kinds
    FROM walk w
    LEFT JOIN (SELECT e.from_id, e.to_id, e.kind, p.depth FROM edges e JOIN walk p ON p.node = e.to_id) n
      ON n.from_id = w.node AND n.depth = w.depth - 1
    GROUP BY w.node, w.depth
),
node_service AS (
    SELECT service_id,
           -- the latest listing's names; ties by gateway, so output is stable
           first(name_en ORDER BY observed_at DESC, gateway_id) AS name_en,
           first(name_ko ORDER BY observed_at DESC, gateway_id) AS name_ko,
           string_agg(DISTINCT gateway_id, ', ' ORDER BY gateway_id) AS gateway_id, bool_or(third_party) AS third_party,
           min(platform_id) AS platform_id
    FROM service_platforms GROUP BY service_id
),
users AS (
    SELECT m.platform_id, arg_max(m.value, (m.period_start, m.value)) AS value,
           arg_max(m.period_label, (m.period_start, m.value, m.period_label)) AS period_label
    FROM mau m
    WHERE m.country = $country AND m.metric = 'mau' AND m.unit = 'persons' AND m.source = $source
      AND m.period_start <= CAST($as_of AS DATE) AND m.period_start > CAST($as_of AS DATE) - INTERVAL 12 MONTH
      AND NOT list_has_any(coalesce(m.flags, []), ['superseded', 'android_only', 'lower_bound'])
    GROUP BY m.platform_id
),
radius AS (
    SELECT h.*, h.node IN (SELECT node FROM failed) AS is_failed_node,
           -- A platform reached at several nodes is counted once, nearest first.
           row_number() OVER (PARTITION BY coalesce(p.platform_id, s.platform_id) ORDER BY h.depth, h.node) AS platform_rank,
           coalesce(nullif(s.name_en, ''), nullif(s.name_ko, ''), p.name) AS name,
           s.gateway_id, s.third_party,
           coalesce(p.platform_id, s.platform_id) AS platform_id
    FROM hops h
    LEFT JOIN node_service s ON s.service_id = h.node
    LEFT JOIN platforms p ON p.platform_id = h.node
)
SELECT r.node, CAST(r.depth AS BIGINT) AS depth, r.is_failed_node, r.via, r.via_kinds, r.name, r.gateway_id, r.third_party, r.platform_id,
       u.value AS users,
       CASE WHEN r.platform_id IS NULL THEN 'unknown: not matched to a platform'
            WHEN r.platform_rank > 1 THEN 'counted at another node of platform ' || r.platform_id
            WHEN u.value IS NOT NULL THEN $source || ' ' || u.period_label
            ELSE 'unknown: no ' || $source || ' MAU in the 12 months to ' || $as_of END AS users_basis,
       u.value / sum(u.value) OVER () AS user_share,
       $failed AS failed, CAST($as_of AS DATE) AS as_of
FROM radius r
LEFT JOIN users u ON u.platform_id = r.platform_id AND r.platform_rank = 1
ORDER BY r.depth, u.value DESC NULLS LAST, r.node
