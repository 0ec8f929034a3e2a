-- Which platform (an app with user figures) each service is, so services
-- can be weighted by users. A service is a platform when
-- services.platform_id names it; else when its id, English name or Korean
-- name equals a platform's id, name or Korean name after lower-casing and
-- dropping everything but letters and digits. Nothing fuzzier: names that
-- differ ("BAND group community" vs Band, the Daum "portal" service) stay
-- unmatched (platform_id null) so the gap is visible, not guessed over.
-- $as_of (a date, empty for all) keeps only services observed by then, so
-- an incident's analyses never see a listing recorded after it.
WITH svc AS (
    SELECT gateway_id, service_id, observed_at, name_en, name_ko, category, third_party,
           nullif(platform_id, '') AS given,
           lower(regexp_replace(service_id, '[^\p{L}\p{N}]', '', 'g')) AS n_id,
           lower(regexp_replace(coalesce(name_en, ''), '[^\p{L}\p{N}]', '', 'g')) AS n_en,
           lower(regexp_replace(coalesce(name_ko, ''), '[^\p{L}\p{N}]', '', 'g')) AS n_ko
    FROM services
    WHERE observed_at <= coalesce(TRY_CAST(nullif($as_of, '') AS DATE), DATE '9999-12-31')
),
plat AS (
    SELECT platform_id,
           lower(regexp_replace(platform_id, '[^\p{L}\p{N}]', '', 'g')) AS n_id,
           lower(regexp_replace(coalesce(name, ''), '[^\p{L}\p{N}]', '', 'g')) AS n_en,
           lower(regexp_replace(coalesce(name_ko, ''), '[^\p{L}\p{N}]', '', 'g')) AS n_ko
    FROM platforms
),
-- Each rule is its own equi-join, best rule first per service.
candidates AS (
    SELECT s.gateway_id, s.service_id, s.observed_at, p.platform_id, 1 AS rule, 'services.platform_id' AS match_basis
    FROM svc s JOIN plat p ON p.platform_id = s.given
    UNION ALL
    SELECT s.gateway_id, s.service_id, s.observed_at, p.platform_id, 2, 'id'
    FROM svc s JOIN plat p ON p.n_id = s.n_id WHERE s.given IS NULL
    UNION ALL
    SELECT s.gateway_id, s.service_id, s.observed_at, p.platform_id, 3, 'English name'
    FROM svc s JOIN plat p ON p.n_en = s.n_en WHERE s.given IS NULL AND s.n_en <> ''
    UNION ALL
    SELECT s.gateway_id, s.service_id, s.observed_at, p.platform_id, 4, 'Korean name'
    FROM svc s JOIN plat p ON p.n_ko = s.n_ko WHERE s.given IS NULL AND s.n_ko <> ''
),
matches AS (
    SELECT gateway_id, service_id, observed_at,
           arg_min(platform_id, (rule, platform_id)) AS platform_id,
           arg_min(match_basis, (rule, platform_id)) AS match_basis
    FROM candidates
    GROUP BY gateway_id, service_id, observed_at
)
SELECT s.gateway_id, s.service_id, s.observed_at, s.name_en, s.name_ko, s.category, s.third_party,
       m.platform_id, m.match_basis
FROM svc s
LEFT JOIN matches m USING (gateway_id, service_id, observed_at)
ORDER BY s.gateway_id, s.observed_at, s.service_id
