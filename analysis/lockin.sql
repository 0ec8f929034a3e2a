-- Gateway lock-in per gateway and observation date: our own index, so
-- every part is shown.
--   breadth    = taxonomy categories the gateway's own services open / 17
--   dependence = own services that need the gateway's account / own services
--   coverage   = users of platforms reachable through the gateway / users of
--                all platforms in the categories it opens (reach-weighted)
--   composite  = (breadth x dependence x coverage)^(1/3), the geometric mean
--   sso_reach  = third-party services with a login edge to the gateway's
--                login node; a count of an open population, so it is shown
--                beside the composite, not inside it.
--   sso_share  = of the third parties the gateway's directory lists in
--                that snapshot, the share with such a login edge (0..1).
-- Own services are those the gateway runs (third_party = false).
-- Platform matching for coverage is service_platforms (exact id or name
-- matches only); unmatched own services are counted in unmatched_services,
-- so coverage is a lower bound. The gateway app itself (the target of its
-- services' "gateway" edges) is reachable through itself.
-- Users: each platform's latest MAU from $source within the 12 months up to
-- the observation date (Android-only, lower-bound and superseded figures
-- left out). Users multi-home, so sums count a person once per app.
-- Time: each row is one snapshot (a gateway's listing on observed_at) and
-- reads only dependency edges some source had observed by that day (their
-- earliest observed_at, or the day they were fetched when no source dates
-- them), as blast_radius does for $as_of. $as_of (a date; empty for every
-- observation) keeps only snapshots observed by then, so evidence recorded
-- after an incident never changes the lock-in at its start.
WITH taxonomy(category) AS (
    -- data/schema/taxonomy.go; the test checks the two lists agree.
    VALUES ('messaging'), ('identity'), ('payments'), ('finance'), ('commerce'), ('mobility'), ('maps'),
           ('content'), ('news'), ('search'), ('email'), ('community'), ('games'), ('productivity'),
           ('notifications'), ('public'), ('delivery')
),
platform_taxonomy(platform_category, category) AS (
    -- Platform categories (market definitions) onto the service taxonomy.
    VALUES ('messenger', 'messaging'), ('portal', 'search'), ('social', 'community'), ('video', 'content'),
           ('commerce', 'commerce'), ('maps', 'maps'), ('payments', 'payments'), ('content', 'content'),
           ('delivery', 'delivery'), ('collaboration', 'productivity'), ('mobility', 'mobility'),
           ('identity', 'identity')
),
login_nodes(gateway_id, node) AS (
    -- The nodes third parties log in through, per gateway id: the study's
    -- analysis.login_nodes as $login_nodes, "gateway:node" pairs,
    -- comma-separated (empty: none).
    SELECT DISTINCT trim(split_part(pair, ':', 1)), trim(split_part(pair, ':', 2))
    FROM unnest(string_split($login_nodes, ',')) AS l(pair)
    WHERE trim(pair) <> ''
),
as_of_day AS (
    SELECT coalesce(TRY_CAST(nullif($as_of, '') AS DATE), DATE '9999-12-31') AS day
),
svc AS (
    SELECT * FROM services
    WHERE ($gateway = '' OR gateway_id = $gateway)
      AND observed_at <= (SELECT day FROM as_of_day)
),
deps AS MATERIALIZED (
    SELECT from_id, to_id, kind, min(coalesce(observed_at, CAST(fetched_at AS DATE))) AS first_seen
    FROM dependencies_all
    GROUP BY from_id, to_id, kind
    HAVING first_seen <= (SELECT day FROM as_of_day)
),
own AS (
    SELECT * FROM svc WHERE NOT third_party
),
plat AS (
    SELECT platform_id, category FROM platforms
),
snapshots AS (
    SELECT DISTINCT gateway_id, observed_at FROM svc
),
service_platform AS (
    SELECT gateway_id, observed_at, service_id, platform_id
    FROM service_platforms
    WHERE NOT third_party AND platform_id IS NOT NULL
),
gateway_platform AS (
    SELECT DISTINCT o.gateway_id, o.observed_at, d.to_id AS platform_id
    FROM own o
    JOIN deps d ON d.from_id = o.service_id AND d.kind = 'gateway' AND d.first_seen <= o.observed_at
    JOIN plat p ON p.platform_id = d.to_id
),
reachable AS (
    SELECT gateway_id, observed_at, platform_id FROM service_platform
    UNION
    SELECT gateway_id, observed_at, platform_id FROM gateway_platform
),
users AS (
    SELECT s.gateway_id, s.observed_at, m.platform_id, m.value, m.period_label
    FROM snapshots s
    JOIN mau m ON m.period_start <= s.observed_at AND m.period_start > s.observed_at - INTERVAL 12 MONTH
    WHERE m.country = $country AND m.metric = 'mau' AND m.unit = 'persons' AND m.source = $source
      AND NOT list_has_any(coalesce(m.flags, []), ['superseded', 'android_only', 'lower_bound'])
    QUALIFY row_number() OVER (PARTITION BY s.gateway_id, s.observed_at, m.platform_id ORDER BY m.period_start DESC) = 1
),
opened AS (
    SELECT DISTINCT gateway_id, observed_at, category FROM own WHERE category IN (SELECT category FROM taxonomy)
),
market AS (
    SELECT u.*, r.platform_id IS NOT NULL AS is_reachable
    FROM users u
    JOIN plat p USING (platform_id)
    JOIN platform_taxonomy pt ON pt.platform_category = p.category
    JOIN opened o ON o.gateway_id = u.gateway_id AND o.observed_at = u.observed_at AND o.category = pt.category
    LEFT JOIN reachable r ON r.gateway_id = u.gateway_id AND r.observed_at = u.observed_at AND r.platform_id = u.platform_id
),
coverage AS (
    SELECT gateway_id, observed_at,
           sum(value) FILTER (WHERE is_reachable) AS reachable_users,
           sum(value) AS market_users,
           count(*) AS market_platforms,
           list(platform_id || ' ' || CAST(round(value) AS BIGINT) || ' (' || period_label || ')' ORDER BY value DESC) FILTER (WHERE is_reachable) AS reachable_platforms
    FROM market
    GROUP BY gateway_id, observed_at
),
parts AS (
    SELECT gateway_id, observed_at,
           count(*) AS own_services,
           count(*) FILTER (WHERE account_linked) AS account_linked_services,
           count(DISTINCT category) FILTER (WHERE category IN (SELECT category FROM taxonomy)) AS categories_opened,
           list(DISTINCT category ORDER BY category) AS categories,
           count(*) FILTER (WHERE service_id NOT IN (SELECT service_id FROM service_platform sp
                                                     WHERE sp.gateway_id = own.gateway_id AND sp.observed_at = own.observed_at)) AS unmatched_services
    FROM own
    GROUP BY gateway_id, observed_at
),
third AS (
    SELECT gateway_id, observed_at, count(*) AS third_party_services FROM svc WHERE third_party GROUP BY ALL
),
sso AS (
    SELECT s.gateway_id, s.observed_at, count(DISTINCT d.from_id) AS sso_reach,
           -- the share's numerator: login users among the directory's own
           -- third parties, so it is a part of its denominator
           count(DISTINCT d.from_id) FILTER (WHERE d.from_id IN (
               SELECT service_id FROM svc tp WHERE tp.third_party AND tp.gateway_id = s.gateway_id AND tp.observed_at = s.observed_at)) AS sso_listed,
           list(DISTINCT d.from_id ORDER BY d.from_id) AS sso_services
    FROM snapshots s
    JOIN login_nodes l USING (gateway_id)
    JOIN deps d ON d.to_id = l.node AND d.kind = 'login' AND d.first_seen <= s.observed_at
    WHERE d.from_id NOT IN (SELECT service_id FROM own o WHERE o.gateway_id = s.gateway_id AND o.observed_at = s.observed_at)
    GROUP BY ALL
),
nodes AS (
    -- The gateway's own nodes in the dependency graph: what its services
    -- reach it through, and its login nodes.
    SELECT gateway_id, observed_at, list(DISTINCT node ORDER BY node) AS gateway_nodes FROM (
        SELECT o.gateway_id, o.observed_at, d.to_id AS node FROM own o
        JOIN deps d ON d.from_id = o.service_id AND d.kind IN ('gateway', 'account') AND d.first_seen <= o.observed_at
        UNION
        SELECT s.gateway_id, s.observed_at, l.node FROM snapshots s JOIN login_nodes l USING (gateway_id)
    ) GROUP BY gateway_id, observed_at
)
SELECT s.gateway_id, s.observed_at,
       coalesce(p.own_services, 0) AS own_services,
       coalesce(t.third_party_services, 0) AS third_party_services,
       p.categories_opened,
       (SELECT count(*) FROM taxonomy) AS taxonomy_size,
       p.categories_opened / (SELECT count(*) FROM taxonomy) AS breadth,
       p.account_linked_services,
       p.account_linked_services / p.own_services AS dependence,
       c.reachable_users,
       c.market_users,
       c.market_platforms,
       coalesce(c.reachable_users, 0) / c.market_users AS coverage,
       c.reachable_platforms,
       p.unmatched_services,
       $source AS users_source,
       power((p.categories_opened / (SELECT count(*) FROM taxonomy))
             * (p.account_linked_services / p.own_services)
             * (coalesce(c.reachable_users, 0) / c.market_users), 1.0 / 3) AS composite,
       coalesce(o.sso_reach, 0) AS sso_reach,
       coalesce(o.sso_listed, 0) / nullif(t.third_party_services, 0) AS sso_share,
       o.sso_services,
       p.categories,
       n.gateway_nodes
FROM snapshots s
LEFT JOIN parts p USING (gateway_id, observed_at)
LEFT JOIN third t USING (gateway_id, observed_at)
LEFT JOIN coverage c USING (gateway_id, observed_at)
LEFT JOIN sso o USING (gateway_id, observed_at)
LEFT JOIN nodes n USING (gateway_id, observed_at)
ORDER BY s.gateway_id, s.observed_at
