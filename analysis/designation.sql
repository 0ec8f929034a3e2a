-- Designation tests: who crosses which regulatory line, in which year, on
-- which data. One row per platform, regime, data year, leg (metric) and
-- data basis, then one row per platform, regime, year and series with
-- metric 'designation' that combines the legs with the regime's AND/OR.
-- Logic is three-valued: a leg whose data is missing is unknown, never
-- false, so OR(unknown, true) = true and AND(unknown, false) = false.
--
--   eu_dma_3_2_a  DMA Art. 3(2)(a): annual Union turnover >= EUR 7.5bn in
--                 each of the last three financial years OR average market
--                 capitalisation >= EUR 75bn in the last one, AND the same
--                 core platform service in >= 3 Member States. Turnover
--                 and market cap are financials rows of the platform's
--                 company (metric turnover, yearly; market_cap), converted
--                 to EUR at the cited annual average rates (fx_eur, from
--                 data/vocab/fx.csv); a currency-year without a rate stays
--                 unconverted and the leg unknown. Member States are the
--                 mau metric member_states. Only the company's Union
--                 turnover is the legal figure: worldwide revenue is not.
--                 The three legs combine into one leg, art_3_2_a.
--   eu_dma_3_2_b  DMA Art. 3(2)(b): >= 45M monthly active end users and
--                 >= 10k yearly active business users in the Union, in the
--                 last financial year. The year's users are the average of
--                 the year's figures from one source (Annex: average over
--                 the year). The lake counts users by country: a national figure
--                 against the EU line is a benchmark, not the legal test.
--   eu_dma_3_2_c  Art. 3(2)(c): the 3(2)(b) lines met in each of the last
--                 three financial years (years without data are unknown).
--   kr_disaster_mgmt_2023  Framework Act on Broadcasting and Communications
--                 Development Art. 35 + Decree (in force 2023-07-04): daily
--                 average domestic users over the three months before the
--                 end of the previous year >= 10M OR >= 2% of traffic.
--   kr_tba_22_7   Telecommunications Business Act Art. 22-7 + Decree
--                 Art. 30-8: >= 1M daily users AND >= 1% of traffic.
-- Daily users are the average of the daily_users / daily_active_users
-- figures observed in Q4 of the data year; the row names the days. MAU is
-- converted to daily users only when $dau_mau_ratio is given, and the row
-- says so; otherwise the leg is unknown. The data year's designation
-- applies to the next year ("assessed_for").
-- Output: row_type 'leg' rows give one leg's figure and leg_result (met,
-- not met, no data); row_type 'verdict' rows give the test's verdict (met,
-- not met, or "undetermined: leg X has no data") with every leg spelled out
-- in legs. A leg is never a verdict. legal_citation is the primary text
-- (law.go.kr, EUR-Lex), source_url of the line the page it was copied from.
WITH params AS (
    SELECT CAST(nullif(trim($dau_mau_ratio), '') AS DOUBLE) AS ratio
),
th AS (
    SELECT regime_id, regime, metric, value AS threshold, unit, coalesce(nullif(combine, ''), 'and') AS combine,
           effective_from, source_url, nullif(legal_text, '') AS legal_text
    FROM thresholds
    WHERE (regime_id = 'eu_dma_3_2_a' AND metric IN ('eu_turnover', 'market_cap', 'member_states'))
       OR (regime_id = 'eu_dma_3_2_b' AND metric IN ('mau', 'business_users'))
       OR (regime_id = 'eu_dma_3_2_c' AND metric = 'years')
       OR (regime_id IN ('kr_disaster_mgmt_2023', 'kr_tba_22_7') AND metric IN ('daily_users', 'traffic_share'))
),
fig AS (
    SELECT m.*, year(m.period_start) AS data_year
    FROM mau m
    WHERE m.country = $country
      AND ($platform = '' OR m.platform_id = $platform)
      AND NOT list_contains(coalesce(m.flags, []), 'superseded')
),
platform_years AS (
    SELECT DISTINCT platform_id, data_year FROM fig WHERE unit IN ('persons', 'percent')
),
yearly_mau AS (
    SELECT platform_id, data_year, estimator, source, avg(value) AS value, count(*) AS n,
           string_agg(period_label, ', ' ORDER BY period_start, period_label) AS periods,
           list_sort(list_distinct(flatten(list(coalesce(flags, []))))) AS flags,
           list(DISTINCT source_url ORDER BY source_url) AS urls
    FROM fig
    WHERE metric = 'mau' AND unit = 'persons'
    GROUP BY platform_id, data_year, estimator, source
),
q4_daily AS (
    SELECT platform_id, data_year, estimator, source, avg(value) AS value, count(*) AS n,
           string_agg(period_label, ', ' ORDER BY period_start, period_label) AS days,
           list(DISTINCT source_url ORDER BY source_url) AS urls
    FROM fig
    WHERE metric IN ('daily_users', 'daily_active_users') AND unit = 'persons'
      AND period_grain = 'day' AND month(period_start) >= 10
    GROUP BY platform_id, data_year, estimator, source
),
yearly_other AS (
    SELECT platform_id, data_year, metric, avg(value) AS value,
           string_agg(DISTINCT source, ', ' ORDER BY source) AS source, list(DISTINCT source_url ORDER BY source_url) AS urls
    FROM fig
    WHERE (metric = 'business_users') OR (metric = 'member_states') OR (metric = 'traffic_share' AND unit = 'percent')
    GROUP BY platform_id, data_year, metric
),
dma_users AS (
    SELECT y.platform_id, t.regime_id, y.data_year, t.metric, y.value, t.threshold, y.value >= t.threshold AS crosses,
           y.estimator, y.source, y.estimator || ' / ' || y.source AS series,
           'average of ' || y.n || ' figure(s) (' || y.periods || ')'
             || CASE WHEN len(y.flags) > 0 THEN ' flagged ' || array_to_string(y.flags, ', ') ELSE '' END
             || '; ' || $country || ' users against a line that counts users in the Union (benchmark)' AS data_basis,
           y.urls
    FROM yearly_mau y
    JOIN th t ON t.regime_id = 'eu_dma_3_2_b' AND t.metric = 'mau'
),
dma_business AS (
    SELECT py.platform_id, t.regime_id, py.data_year, t.metric, o.value, t.threshold, o.value >= t.threshold AS crosses,
           NULL AS estimator, o.source, NULL AS series,
           CASE WHEN o.value IS NULL THEN 'unknown: no business-user figure in the lake' ELSE 'business_users figure' END AS data_basis,
           coalesce(o.urls, []) AS urls
    FROM (SELECT DISTINCT platform_id, data_year FROM yearly_mau) py
    JOIN th t ON t.regime_id = 'eu_dma_3_2_b' AND t.metric = 'business_users'
    LEFT JOIN yearly_other o ON o.platform_id = py.platform_id AND o.data_year = py.data_year AND o.metric = 'business_users'
),
-- The company's money in EUR per platform and year: the yearly turnover,
-- the average of the year's market-cap figures. converted is false when
-- a figure's currency-year has no cited rate.
company_money AS (
    SELECT p.platform_id, year(f.period_start) AS data_year, f.metric,
           CASE WHEN bool_and(x.eur_per_unit IS NOT NULL) THEN avg(f.value * x.eur_per_unit) END AS value,
           bool_and(x.eur_per_unit IS NOT NULL) AS converted,
           string_agg(DISTINCT f.currency, ', ' ORDER BY f.currency) AS currencies,
           string_agg(DISTINCT f.currency || ' ' || year(f.period_start), ', ') FILTER (WHERE x.eur_per_unit IS NULL) AS no_rate,
           string_agg(f.period_label || ' ' || format('{:t,}', CAST(round(f.value) AS BIGINT)) || ' ' || f.currency, ', '
                      ORDER BY f.period_start, f.period_label) AS figures,
           list_distinct(list_concat(list(f.source_url), list(x.source_url) FILTER (WHERE x.source_url IS NOT NULL))) AS urls
    FROM financials f
    JOIN platforms p ON p.company = f.company
    LEFT JOIN fx_eur x ON x.year = year(f.period_start) AND x.currency = f.currency
    WHERE (f.metric = 'turnover' AND f.period_grain = 'year') OR f.metric = 'market_cap'
    GROUP BY ALL
),
dma_years_tested AS (
    SELECT DISTINCT platform_id, data_year FROM yearly_mau
),
money_basis AS (
    SELECT *, CASE WHEN NOT converted THEN 'unconverted: no cited EUR rate for ' || no_rate || ' in data/vocab/fx.csv'
                   ELSE figures || ' = EUR ' || format('{:t,}', CAST(round(value) AS BIGINT)) END AS basis
    FROM company_money
),
dma_turnover AS (
    SELECT py.platform_id, t.regime_id, py.data_year, t.metric, m0.value, t.threshold,
           CASE WHEN m0.value < t.threshold OR m1.value < t.threshold OR m2.value < t.threshold THEN false
                WHEN m0.value >= t.threshold AND m1.value >= t.threshold AND m2.value >= t.threshold THEN true END AS crosses,
           NULL AS estimator, NULL AS source, NULL AS series,
           'Union turnover FY' || (py.data_year - 2) || '-FY' || py.data_year || ', each against the line: '
             || coalesce(m2.basis, 'FY' || (py.data_year - 2) || ' no data') || '; '
             || coalesce(m1.basis, 'FY' || (py.data_year - 1) || ' no data') || '; '
             || coalesce(m0.basis, 'FY' || py.data_year || ' no data') AS data_basis,
           list_distinct(flatten([coalesce(m0.urls, []), coalesce(m1.urls, []), coalesce(m2.urls, [])])) AS urls
    FROM dma_years_tested py
    JOIN th t ON t.regime_id = 'eu_dma_3_2_a' AND t.metric = 'eu_turnover'
    LEFT JOIN money_basis m0 ON m0.platform_id = py.platform_id AND m0.metric = 'turnover' AND m0.data_year = py.data_year
    LEFT JOIN money_basis m1 ON m1.platform_id = py.platform_id AND m1.metric = 'turnover' AND m1.data_year = py.data_year - 1
    LEFT JOIN money_basis m2 ON m2.platform_id = py.platform_id AND m2.metric = 'turnover' AND m2.data_year = py.data_year - 2
),
dma_market_cap AS (
    SELECT py.platform_id, t.regime_id, py.data_year, t.metric, m.value, t.threshold, m.value >= t.threshold AS crosses,
           NULL AS estimator, NULL AS source, NULL AS series,
           coalesce('average market capitalisation FY' || py.data_year || ': ' || m.basis,
                    'unknown: no market-capitalisation figure in the lake') AS data_basis,
           coalesce(m.urls, []) AS urls
    FROM dma_years_tested py
    JOIN th t ON t.regime_id = 'eu_dma_3_2_a' AND t.metric = 'market_cap'
    LEFT JOIN money_basis m ON m.platform_id = py.platform_id AND m.metric = 'market_cap' AND m.data_year = py.data_year
),
dma_member_states AS (
    SELECT py.platform_id, t.regime_id, py.data_year, t.metric, o.value, t.threshold, o.value >= t.threshold AS crosses,
           NULL AS estimator, o.source, NULL AS series,
           CASE WHEN o.value IS NULL THEN 'unknown: no member_states figure in the lake' ELSE 'member_states figure' END AS data_basis,
           coalesce(o.urls, []) AS urls
    FROM dma_years_tested py
    JOIN th t ON t.regime_id = 'eu_dma_3_2_a' AND t.metric = 'member_states'
    LEFT JOIN yearly_other o ON o.platform_id = py.platform_id AND o.data_year = py.data_year AND o.metric = 'member_states'
),
-- Art. 3(2)(a) as one leg of the DMA test: (turnover OR market cap) AND
-- Member States, three-valued; unknown_parts names the legs that leave it
-- undetermined.
dma_size AS (
    SELECT tu.platform_id, 'eu_dma_3_2_a' AS regime_id, tu.data_year, 'art_3_2_a' AS metric,
           CAST(NULL AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS threshold,
           (tu.crosses OR mc.crosses) AND ms.crosses AS crosses,
           NULL AS estimator, NULL AS source, NULL AS series,
           '(eu_turnover ' || CASE WHEN tu.crosses THEN 'met' WHEN NOT tu.crosses THEN 'not met' ELSE 'no data' END
             || ' OR market_cap ' || CASE WHEN mc.crosses THEN 'met' WHEN NOT mc.crosses THEN 'not met' ELSE 'no data' END
             || ') AND member_states ' || CASE WHEN ms.crosses THEN 'met' WHEN NOT ms.crosses THEN 'not met' ELSE 'no data' END AS data_basis,
           list_distinct(flatten([tu.urls, mc.urls, ms.urls])) AS urls,
           CASE WHEN ((tu.crosses OR mc.crosses) AND ms.crosses) IS NULL THEN list_concat(
             CASE WHEN (tu.crosses OR mc.crosses) IS NULL AND tu.crosses IS NULL THEN ['eu_turnover'] ELSE [] END,
             CASE WHEN (tu.crosses OR mc.crosses) IS NULL AND mc.crosses IS NULL THEN ['market_cap'] ELSE [] END,
             CASE WHEN ms.crosses IS NULL THEN ['member_states'] ELSE [] END)
           END AS unknown_parts
    FROM dma_turnover tu
    JOIN dma_market_cap mc USING (platform_id, data_year)
    JOIN dma_member_states ms USING (platform_id, data_year)
),
-- A year meets 3(2)(b) when both its legs do; SQL's AND is three-valued.
dma_year_met AS (
    SELECT u.platform_id, u.data_year, u.series, u.crosses AND b.crosses AS met
    FROM dma_users u
    JOIN dma_business b USING (platform_id, data_year)
),
dma_years AS (
    SELECT u.platform_id, t.regime_id, u.data_year, t.metric,
           CAST((u.crosses IS TRUE)::INT + (p1.crosses IS TRUE)::INT + (p2.crosses IS TRUE)::INT AS DOUBLE) AS value,
           t.threshold,
           m0.met AND m1.met AND m2.met AS crosses,
           u.estimator, u.source, u.series,
           'user line met in ' || ((u.crosses IS TRUE)::INT + (p1.crosses IS TRUE)::INT + (p2.crosses IS TRUE)::INT)
             || ' of FY' || (u.data_year - 2) || '-FY' || u.data_year
             || CASE WHEN p1.platform_id IS NULL OR p2.platform_id IS NULL THEN ' (a year without data is unknown)' ELSE '' END
             || '; business-user leg as in eu_dma_3_2_b' AS data_basis,
           u.urls
    FROM dma_users u
    JOIN th t ON t.regime_id = 'eu_dma_3_2_c' AND t.metric = 'years'
    LEFT JOIN dma_users p1 ON p1.platform_id = u.platform_id AND p1.series = u.series AND p1.data_year = u.data_year - 1
    LEFT JOIN dma_users p2 ON p2.platform_id = u.platform_id AND p2.series = u.series AND p2.data_year = u.data_year - 2
    LEFT JOIN dma_year_met m0 ON m0.platform_id = u.platform_id AND m0.series = u.series AND m0.data_year = u.data_year
    LEFT JOIN dma_year_met m1 ON m1.platform_id = u.platform_id AND m1.series = u.series AND m1.data_year = u.data_year - 1
    LEFT JOIN dma_year_met m2 ON m2.platform_id = u.platform_id AND m2.series = u.series AND m2.data_year = u.data_year - 2
),
kr_years AS (
    SELECT py.platform_id, py.data_year, t.regime_id, t.metric, t.threshold
    FROM platform_years py
    JOIN th t ON t.regime_id IN ('kr_disaster_mgmt_2023', 'kr_tba_22_7')
    WHERE t.effective_from IS NULL OR py.data_year + 1 >= year(t.effective_from)
),
kr_daily AS (
    SELECT k.platform_id, k.regime_id, k.data_year, k.metric, d.value, k.threshold, d.value >= k.threshold AS crosses,
           d.estimator, d.source, d.estimator || ' / ' || d.source AS series,
           'average of ' || d.n || ' day(s) of Q4 ' || k.data_year || ' (' || d.days || ')' AS data_basis,
           d.urls
    FROM kr_years k
    JOIN q4_daily d ON d.platform_id = k.platform_id AND d.data_year = k.data_year
    WHERE k.metric = 'daily_users'
),
kr_daily_from_mau AS (
    SELECT k.platform_id, k.regime_id, k.data_year, k.metric, y.value * p.ratio AS value, k.threshold,
           y.value * p.ratio >= k.threshold AS crosses,
           y.estimator, y.source, y.estimator || ' / ' || y.source AS series,
           'estimate: MAU ' || CAST(round(y.value) AS BIGINT) || ' (' || y.periods || ') x stated DAU/MAU ratio ' || p.ratio AS data_basis,
           y.urls
    FROM kr_years k
    CROSS JOIN params p
    JOIN yearly_mau y ON y.platform_id = k.platform_id AND y.data_year = k.data_year
    WHERE k.metric = 'daily_users' AND p.ratio IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM q4_daily d WHERE d.platform_id = k.platform_id AND d.data_year = k.data_year)
),
kr_daily_unknown AS (
    SELECT k.platform_id, k.regime_id, k.data_year, k.metric, CAST(NULL AS DOUBLE) AS value, k.threshold,
           CAST(NULL AS BOOLEAN) AS crosses, NULL AS estimator, NULL AS source, NULL AS series,
           'unknown: no daily-user figure for Q4 ' || k.data_year || ' (no DAU/MAU ratio given)' AS data_basis,
           []::VARCHAR[] AS urls
    FROM kr_years k, params p
    WHERE k.metric = 'daily_users'
      AND NOT EXISTS (SELECT 1 FROM q4_daily d WHERE d.platform_id = k.platform_id AND d.data_year = k.data_year)
      AND NOT (p.ratio IS NOT NULL AND EXISTS (SELECT 1 FROM yearly_mau y WHERE y.platform_id = k.platform_id AND y.data_year = k.data_year))
),
kr_traffic AS (
    SELECT k.platform_id, k.regime_id, k.data_year, k.metric, o.value, k.threshold, o.value >= k.threshold AS crosses,
           NULL AS estimator, o.source, NULL AS series,
           CASE WHEN o.value IS NULL THEN 'unknown: no traffic-share figure in the lake' ELSE 'traffic_share figure, ' || k.data_year END AS data_basis,
           coalesce(o.urls, []) AS urls
    FROM kr_years k
    LEFT JOIN yearly_other o ON o.platform_id = k.platform_id AND o.data_year = k.data_year AND o.metric = 'traffic_share'
    WHERE k.metric = 'traffic_share'
),
legs AS (
    SELECT * FROM dma_users
    UNION ALL BY NAME SELECT * FROM dma_size
    UNION ALL BY NAME SELECT * FROM dma_business
    UNION ALL BY NAME SELECT * FROM dma_years
    UNION ALL BY NAME SELECT * FROM kr_daily
    UNION ALL BY NAME SELECT * FROM kr_daily_from_mau
    UNION ALL BY NAME SELECT * FROM kr_daily_unknown
    UNION ALL BY NAME SELECT * FROM kr_traffic
),
-- The regime a leg belongs to for combining: 3(2)(c) is part of the DMA test.
regime_legs AS (
    SELECT *, CASE WHEN regime_id LIKE 'eu_dma_%' THEN 'eu_dma_3_2' ELSE regime_id END AS test_id FROM legs
),
series AS (
    SELECT DISTINCT platform_id, test_id, data_year, series FROM regime_legs WHERE series IS NOT NULL
    UNION
    -- A platform-year with no leg carrying a series still gets a verdict.
    SELECT DISTINCT platform_id, test_id, data_year, NULL FROM regime_legs l
    WHERE NOT EXISTS (SELECT 1 FROM regime_legs s WHERE s.platform_id = l.platform_id AND s.test_id = l.test_id
                      AND s.data_year = l.data_year AND s.series IS NOT NULL)
),
combined AS (
    SELECT s.platform_id, s.test_id, s.data_year, s.series,
           coalesce((SELECT max(combine) FROM th WHERE th.regime_id = s.test_id), 'and') AS op,
           list(l.metric || '=' || CASE WHEN l.crosses THEN 'true' WHEN NOT l.crosses THEN 'false' ELSE 'unknown' END ORDER BY l.metric) AS parts,
           list(l.metric || ' ' || CASE WHEN l.crosses THEN 'met' WHEN NOT l.crosses THEN 'not met' ELSE 'no data' END
                || CASE WHEN l.value IS NOT NULL AND l.threshold IS NOT NULL
                        THEN ' (' || CASE WHEN l.value = round(l.value) OR abs(l.value) >= 1000 THEN format('{:t,}', CAST(round(l.value) AS BIGINT))
                                          ELSE CAST(round(l.value, 2) AS VARCHAR) END
                             || ' vs ' || format('{:t,}', CAST(l.threshold AS BIGINT)) || ')' ELSE '' END
                ORDER BY l.metric) AS leg_texts,
           list_sort(list_distinct(flatten(list(coalesce(l.unknown_parts, [l.metric])) FILTER (WHERE l.crosses IS NULL)))) AS unknown_legs,
           bool_or(l.crosses) AS any_true, bool_or(NOT l.crosses) AS any_false,
           count(l.crosses) = count(*) AS all_known,
           min(l.estimator) FILTER (WHERE l.series IS NOT NULL) AS estimator,
           min(l.source) FILTER (WHERE l.series IS NOT NULL) AS source,
           list_sort(list_distinct(flatten(list(l.urls)))) AS urls
    FROM series s
    JOIN regime_legs l ON l.platform_id = s.platform_id AND l.test_id = s.test_id AND l.data_year = s.data_year
     AND (l.series IS NULL OR l.series IS NOT DISTINCT FROM s.series)
    GROUP BY ALL
),
verdicts AS (
    SELECT platform_id,
           test_id AS regime_id,
           data_year, 'designation' AS metric, CAST(NULL AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS threshold,
           CASE WHEN op = 'or' THEN (CASE WHEN any_true THEN true WHEN all_known THEN false END)
                ELSE (CASE WHEN any_false THEN false WHEN all_known THEN true END) END AS crosses,
           estimator, source, series,
           upper(op) || ' of ' || array_to_string(parts, ', ') AS data_basis,
           upper(op) || ': ' || array_to_string(leg_texts, '; ') AS legs,
           unknown_legs,
           urls
    FROM combined
)
SELECT l.platform_id,
       coalesce(p.name, l.platform_id) AS platform,
       l.regime_id,
       CASE WHEN l.regime_id = 'eu_dma_3_2' THEN 'EU Digital Markets Act Reg. (EU) 2022/1925 Art.3(2)(a), (b) and (c)' ELSE r.regime END AS regime,
       CASE WHEN l.regime_id LIKE 'kr_%' THEN 'Q4 ' || l.data_year ELSE 'FY' || l.data_year END AS period,
       l.data_year,
       l.data_year + 1 AS assessed_for,
       l.metric,
       l.value,
       tm.unit,
       l.threshold,
       CASE WHEN l.crosses THEN 'true' WHEN NOT l.crosses THEN 'false' ELSE 'unknown' END AS crosses,
       CASE WHEN l.metric = 'designation' THEN 'verdict' ELSE 'leg' END AS row_type,
       CASE WHEN l.metric = 'designation' THEN NULL
            WHEN l.crosses THEN 'met' WHEN NOT l.crosses THEN 'not met' ELSE 'no data' END AS leg_result,
       CASE WHEN l.metric <> 'designation' THEN NULL
            WHEN l.crosses THEN 'met' WHEN NOT l.crosses THEN 'not met'
            ELSE 'undetermined: ' || array_to_string(l.unknown_legs, ', ')
                 || CASE WHEN len(l.unknown_legs) > 1 THEN ' have' ELSE ' has' END || ' no data' END AS verdict,
       l.legs,
       l.data_basis,
       l.estimator,
       l.source,
       coalesce(tm.legal_text, r.legal_text, tm.source_url, r.source_url) AS legal_citation,
       r.effective_from,
       list_sort(list_distinct(list_filter(list_concat([coalesce(tm.source_url, r.source_url)], coalesce(l.urls, [])),
                                 u -> u IS NOT NULL AND u <> ''))) AS sources
FROM (SELECT * EXCLUDE (test_id, unknown_parts) FROM regime_legs
      UNION ALL BY NAME SELECT * FROM verdicts
      -- The parts of art_3_2_a, shown as legs; combined through it only.
      UNION ALL BY NAME SELECT * FROM dma_turnover
      UNION ALL BY NAME SELECT * FROM dma_market_cap
      UNION ALL BY NAME SELECT * FROM dma_member_states) l
LEFT JOIN platforms p USING (platform_id)
LEFT JOIN th tm ON tm.regime_id = l.regime_id AND tm.metric = l.metric
LEFT JOIN (SELECT regime_id, min(regime) AS regime, min(source_url) AS source_url, min(effective_from) AS effective_from,
                  min(legal_text) AS legal_text
           FROM th GROUP BY regime_id) r
  ON r.regime_id = CASE WHEN l.regime_id = 'eu_dma_3_2' THEN 'eu_dma_3_2_b' ELSE l.regime_id END
ORDER BY l.platform_id, l.regime_id, l.data_year, l.series NULLS LAST, l.metric = 'designation', l.metric
