-- Concentration of a platform market per period.
-- A market is a set of platform categories ($category, comma-separated) in
-- one country, measured by one metric from one source: shares are only
-- comparable within a single measurement, so company figures and panels,
-- or MAU and daily users, are never pooled.
-- Measures: mau; daily users (daily_users, daily_active_users, each its own
-- metric); time spent = usage hours, from total_usage_time or, where only
-- usage_time_per_user is given, minutes per user x daily active users of
-- the same day and source.
-- HHI = sum((100*s_i)^2); effective number of platforms = 10000 / HHI.
-- Delta HHI is the change from the previous period of the same series,
-- measured only when both periods observe the same platforms with the same
-- OS coverage. The guidelines' delta is a merger's, so the delta tests
-- below read "as if".
-- Bands:
--   US Merger Guidelines 2023 s. 2.1 and Horizontal Merger Guidelines 2010
--   s. 5.3: lines from the thresholds view (us_mg_2023, us_hmg_2010).
--   EU: Guidelines on the assessment of horizontal mergers, OJ C 31,
--   5.2.2004, paras 19-20. Not in the seed, so the lines are written here:
--   HHI < 1000; 1000 <= HHI <= 2000 with delta < 250; HHI > 2000 with
--   delta < 150 are the safe harbours.
--   KFTC: MRFTA Art. 6 presumption of dominance (kr_mrfta_dominance): one
--   firm >= 50%, or the top three >= 75% counting only firms >= 10%.
-- Hypothetical merger ($merge = a,b[,...], empty for none), the guidelines'
-- way (US DOJ/FTC Merger Guidelines 2023, Guideline 1, s. 2.1): in each
-- market where every merging platform is observed, the merged firm's share
-- is the sum of theirs; post-merger HHI = HHI - sum(100 s_i)^2 +
-- (100 sum s_i)^2, so merger_delta_hhi = 2 (100 s_a)(100 s_b) for two.
-- Two structural presumptions, each shown whole:
--   HHI:   post-merger HHI > hhi_high (1800) AND merger ΔHHI > delta_hhi (100)
--   share: merged share > share_presumption (30%) AND merger ΔHHI > 100
-- Lines and citation from the thresholds view (us_mg_2023). A leg is met,
-- not met or no data (a merging platform not observed in that market, or
-- no line); a verdict is met only when every leg is, not met when any leg
-- is not, else undetermined naming the legs without data.
-- Reach = users / $internet_users (when given): shares of internet users,
-- which overlap because users multi-home, so reach is reported beside the
-- HHI, never inside it.
WITH params AS (
    SELECT list_transform(string_split($category, ','), c -> trim(c)) AS categories,
           CAST(nullif(trim($internet_users), '') AS DOUBLE) AS internet_users,
           list_sort(list_distinct(list_filter(list_transform(string_split($merge, ','), m -> trim(m)), m -> m <> ''))) AS merging
),
market_platforms AS (
    SELECT p.platform_id, p.category FROM platforms p, params
    WHERE list_contains(params.categories, p.category)
),
figures AS (
    SELECT m.*, mp.category FROM mau m
    JOIN market_platforms mp USING (platform_id)
    WHERE m.value IS NOT NULL
      AND m.country = $country
      AND NOT list_contains(coalesce(m.flags, []), 'superseded')
),
users AS (
    SELECT country, period_start, period_grain, period_label, metric,
           CASE WHEN metric = 'mau' THEN 'mau' ELSE 'daily_users' END AS measure,
           'persons' AS unit, estimator, source, platform_id, category, value, flags, source_url
    FROM figures
    WHERE unit = 'persons' AND metric IN ('mau', 'daily_users', 'daily_active_users')
),
time_direct AS (
    SELECT country, period_start, period_grain, period_label, 'usage_time' AS metric, 'time_spent' AS measure,
           'hours' AS unit, estimator, source, platform_id, category,
           CASE unit WHEN 'hours' THEN value ELSE value / 60 END AS value, flags, source_url
    FROM figures
    WHERE metric = 'total_usage_time' AND unit IN ('hours', 'minutes')
),
time_derived AS (
    SELECT u.country, u.period_start, u.period_grain, u.period_label, 'usage_time' AS metric, 'time_spent' AS measure,
           'hours' AS unit, u.estimator, u.source, u.platform_id, u.category, u.value * d.value / 60 AS value,
           list_distinct(list_concat(coalesce(u.flags, []), coalesce(d.flags, []), ['derived_per_user_x_dau'])) AS flags,
           u.source_url
    FROM figures u
    JOIN figures d ON d.platform_id = u.platform_id AND d.period_start = u.period_start
     AND d.period_grain = u.period_grain AND d.source = u.source
     AND d.metric IN ('daily_active_users', 'daily_users') AND d.unit = 'persons'
    WHERE u.metric = 'usage_time_per_user' AND u.unit = 'minutes'
      AND NOT EXISTS (SELECT 1 FROM time_direct t WHERE t.platform_id = u.platform_id
                      AND t.period_start = u.period_start AND t.source = u.source)
    -- One DAU figure per day and source: daily_active_users before daily_users.
    QUALIFY row_number() OVER (PARTITION BY u.platform_id, u.period_start, u.period_grain, u.source ORDER BY d.metric) = 1
),
obs AS (
    SELECT * FROM users
    UNION ALL BY NAME SELECT * FROM time_direct
    UNION ALL BY NAME SELECT * FROM time_derived
),
markets AS (
    SELECT *, value / sum(value) OVER w AS share,
           row_number() OVER (PARTITION BY country, period_start, period_grain, metric, source ORDER BY value DESC, platform_id) AS rank,
           count(*) OVER w AS n_platforms
    FROM obs
    WINDOW w AS (PARTITION BY country, period_start, period_grain, metric, source)
),
hhi AS (
    SELECT country, period_start, period_grain, min(period_label) AS period_label, metric, estimator, source,
           min(measure) AS measure, min(unit) AS unit,
           max(n_platforms) AS n_platforms,
           sum(value) AS total_users,
           max(value) AS leader_users,
           sum(power(100 * share, 2)) AS hhi,
           max(CASE WHEN rank = 1 THEN share END) AS cr1,
           sum(CASE WHEN rank <= 3 THEN share END) AS cr3,
           sum(CASE WHEN rank <= 4 THEN share END) AS cr4,
           coalesce(sum(CASE WHEN rank <= 3 AND share >= 0.10 THEN share END), 0) AS kftc_cr3,
           min(platform_id) FILTER (WHERE rank = 1) AS leader, -- ties broken by id, as rank is
           list(platform_id ORDER BY rank) AS platforms,
           list(share ORDER BY rank) AS shares,
           list_sort(list_distinct(list(category))) AS categories_observed,
           list_sort(list_distinct(flatten(list(coalesce(flags, []))))) AS coverage_flags,
           list_sort(list_distinct(list(source_url) FILTER (WHERE nullif(source_url, '') IS NOT NULL))) AS sources
    FROM markets
    GROUP BY country, period_start, period_grain, metric, estimator, source
    HAVING count(*) >= 2
),
-- The merging platforms' part of each market (no rows without $merge).
merging AS (
    SELECT m.country, m.period_start, m.period_grain, m.metric, m.estimator, m.source,
           array_to_string(p.merging, '+') AS merger,
           list(m.platform_id ORDER BY m.platform_id) AS observed,
           sum(m.share) AS share_sum,
           sum(power(100 * m.share, 2)) AS hhi_part
    FROM markets m, params p
    WHERE len(p.merging) >= 2 AND list_contains(p.merging, m.platform_id)
    GROUP BY ALL
),
lines AS (
    SELECT max(value) FILTER (WHERE regime_id = 'us_mg_2023' AND metric = 'hhi_high') AS mg23_high,
           max(value) FILTER (WHERE regime_id = 'us_mg_2023' AND metric = 'hhi_moderate') AS mg23_moderate,
           max(value) FILTER (WHERE regime_id = 'us_mg_2023' AND metric = 'delta_hhi') AS mg23_delta,
           max(value) FILTER (WHERE regime_id = 'us_mg_2023' AND metric = 'share_presumption') AS mg23_share,
           max(regime || ', Guideline 1: ' || coalesce(nullif(legal_text, ''), source_url))
               FILTER (WHERE regime_id = 'us_mg_2023' AND metric = 'hhi_high') AS mg23_citation,
           max(value) FILTER (WHERE regime_id = 'us_hmg_2010' AND metric = 'hhi_high') AS hmg10_high,
           max(value) FILTER (WHERE regime_id = 'us_hmg_2010' AND metric = 'hhi_moderate') AS hmg10_moderate,
           max(value) FILTER (WHERE regime_id = 'us_hmg_2010' AND metric = 'delta_hhi') AS hmg10_delta,
           max(value) FILTER (WHERE regime_id = 'kr_mrfta_dominance' AND metric = 'cr1') AS kftc_cr1_line,
           max(value) FILTER (WHERE regime_id = 'kr_mrfta_dominance' AND metric = 'cr3') AS kftc_cr3_line
    FROM thresholds
),
-- A change is only measured between periods observing the same platforms
-- with the same OS coverage: otherwise it is a change of sample.
deltas AS (
    SELECT * EXCLUDE (prev_hhi, prev_label, prev_platforms, prev_android),
           CASE WHEN prev_platforms = list_sort(platforms) AND prev_android = android_only THEN hhi - prev_hhi END AS delta_hhi,
           CASE WHEN prev_platforms = list_sort(platforms) AND prev_android = android_only THEN prev_label END AS delta_from
    FROM (
        SELECT *, list_contains(coverage_flags, 'android_only') AS android_only,
               lag(hhi) OVER s AS prev_hhi,
               lag(period_label) OVER s AS prev_label,
               lag(list_sort(platforms)) OVER s AS prev_platforms,
               lag(list_contains(coverage_flags, 'android_only')) OVER s AS prev_android
        FROM hhi
        WINDOW s AS (PARTITION BY country, metric, source, period_grain ORDER BY period_start, estimator)
    )
),
-- The merger's figures and legs per market; null when no merger is asked.
merger AS (
    SELECT h.country, h.period_start, h.period_grain, h.metric, h.estimator, h.source,
           coalesce(g.merger, array_to_string(p.merging, '+')) AS merger,
           list_filter(p.merging, x -> NOT list_contains(coalesce(g.observed, []), x)) AS unobserved,
           CASE WHEN len(g.observed) = len(p.merging) THEN g.share_sum END AS merged_share,
           CASE WHEN len(g.observed) = len(p.merging) THEN power(100 * g.share_sum, 2) - g.hhi_part END AS merger_delta_hhi
    FROM hhi h CROSS JOIN params p
    LEFT JOIN merging g USING (country, period_start, period_grain, metric, estimator, source)
    WHERE len(p.merging) >= 2
),
legs AS (
    SELECT m.*, h.hhi + m.merger_delta_hhi AS post_merger_hhi,
           h.hhi + m.merger_delta_hhi > l.mg23_high AS leg_hhi,
           m.merger_delta_hhi > l.mg23_delta AS leg_delta,
           100 * m.merged_share > l.mg23_share AS leg_share,
           l.mg23_high, l.mg23_delta, l.mg23_share, l.mg23_citation,
           CASE WHEN len(m.unobserved) > 0 THEN ' (not observed in this market: ' || array_to_string(m.unobserved, ', ') || ')'
                ELSE ' (no line in thresholds)' END AS no_data_why
    FROM merger m
    JOIN hhi h USING (country, period_start, period_grain, metric, estimator, source), lines l
),
verdicts AS (
    SELECT *,
           'post-merger HHI ' || coalesce(printf('%.1f', post_merger_hhi), '?') || ' > ' || coalesce(printf('%.0f', mg23_high), '?') || ': '
               || CASE leg_hhi WHEN true THEN 'met' WHEN false THEN 'not met' ELSE 'no data' END
               || '; ΔHHI ' || coalesce(printf('%.1f', merger_delta_hhi), '?') || ' > ' || coalesce(printf('%.0f', mg23_delta), '?') || ': '
               || CASE leg_delta WHEN true THEN 'met' WHEN false THEN 'not met' ELSE 'no data' END AS mg23_hhi_legs,
           'merged share ' || coalesce(printf('%.1f', 100 * merged_share), '?') || '% > ' || coalesce(printf('%.0f', mg23_share), '?') || '%: '
               || CASE leg_share WHEN true THEN 'met' WHEN false THEN 'not met' ELSE 'no data' END
               || '; ΔHHI ' || coalesce(printf('%.1f', merger_delta_hhi), '?') || ' > ' || coalesce(printf('%.0f', mg23_delta), '?') || ': '
               || CASE leg_delta WHEN true THEN 'met' WHEN false THEN 'not met' ELSE 'no data' END AS mg23_share_legs,
           CASE WHEN NOT leg_hhi OR NOT leg_delta THEN 'not met'
                WHEN leg_hhi AND leg_delta THEN 'met'
                ELSE 'undetermined: ' || array_to_string(list_filter(['post-merger HHI', 'ΔHHI'], (x, i) -> [leg_hhi, leg_delta][i] IS NULL), ', ')
                     || ' no data' || no_data_why END AS mg23_hhi_presumption,
           CASE WHEN NOT leg_share OR NOT leg_delta THEN 'not met'
                WHEN leg_share AND leg_delta THEN 'met'
                ELSE 'undetermined: ' || array_to_string(list_filter(['merged share', 'ΔHHI'], (x, i) -> [leg_share, leg_delta][i] IS NULL), ', ')
                     || ' no data' || no_data_why END AS mg23_share_presumption
    FROM legs
)
SELECT h.country, h.period_start, h.period_grain, h.period_label, h.metric, h.estimator, h.source,
       h.n_platforms, h.total_users, h.hhi, h.cr1, h.cr3, h.cr4, h.leader,
       10000 / h.hhi AS effective_platforms,
       h.delta_hhi,
       l.mg23_high AS doj_ftc_2023_high,
       CASE WHEN l.mg23_high IS NULL THEN NULL
            WHEN h.hhi > l.mg23_high THEN 'highly concentrated'
            WHEN h.hhi > l.mg23_moderate THEN 'moderately concentrated'
            ELSE 'unconcentrated' END AS doj_ftc_2023_band,
       h.measure, h.unit, h.delta_from,
       -- delta_hhi is a change between two periods of one market, not a
       -- merger: the guidelines' ΔHHI screens (DOJ/FTC 2023 HHI > 1800 AND
       -- Δ > 100; share > 30% AND Δ > 100; 2010 HHI > 2500 AND Δ > 200;
       -- EU 2004 para 20) are for a merger's ΔHHI and are not applied to it.
       CASE WHEN h.delta_hhi IS NOT NULL THEN 'change between periods, not a merger screen' END AS delta_hhi_kind,
       CASE WHEN l.hmg10_high IS NULL THEN NULL
            WHEN h.hhi > l.hmg10_high THEN 'highly concentrated'
            WHEN h.hhi >= l.hmg10_moderate THEN 'moderately concentrated'
            ELSE 'unconcentrated' END AS hmg_2010_band,
       -- EU horizontal merger guidelines (OJ C 31, 5.2.2004), paras 19-20:
       -- only the level test of para 19 applies without a merger.
       CASE WHEN h.hhi < 1000 THEN 'safe harbour: HHI < 1000 (para 19)'
            ELSE 'HHI >= 1000: the para 20 safe harbours need a merger''s ΔHHI' END AS eu_2004_band,
       h.kftc_cr3,
       CASE WHEN l.kftc_cr1_line IS NULL THEN NULL
            WHEN 100 * h.cr1 >= l.kftc_cr1_line THEN 'CR1 >= ' || CAST(l.kftc_cr1_line AS INTEGER) || '%: leader presumed dominant'
            WHEN 100 * h.kftc_cr3 >= l.kftc_cr3_line THEN 'CR3 >= ' || CAST(l.kftc_cr3_line AS INTEGER) || '%: top three presumed dominant'
            ELSE 'no presumption' END AS kftc_presumption,
       p.internet_users,
       CASE WHEN h.unit = 'persons' THEN h.leader_users / p.internet_users END AS reach_leader,
       CASE WHEN h.unit = 'persons' THEN h.total_users / p.internet_users END AS reach_total,
       h.platforms, h.shares, h.categories_observed, h.coverage_flags, h.sources,
       v.merger, h.hhi AS pre_merger_hhi, v.post_merger_hhi, v.merger_delta_hhi, v.merged_share,
       v.mg23_hhi_presumption, v.mg23_hhi_legs, v.mg23_share_presumption, v.mg23_share_legs,
       CASE WHEN v.merger IS NOT NULL THEN v.mg23_citation END AS mg23_citation
FROM deltas h CROSS JOIN lines l CROSS JOIN params p
LEFT JOIN verdicts v USING (country, period_start, period_grain, metric, estimator, source)
ORDER BY h.period_start, h.metric, h.source
