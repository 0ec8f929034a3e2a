CREATE OR REPLACE VIEW mau AS SELECT * FROM (VALUES
  ('kakaotalk', DATE '2022-01-01', 47000000.0, 'https://example.org/ir', 'Kakao IR', TIMESTAMPTZ '2026-11-01 00:00:00+00'),
  ('kakaotalk', DATE '2022-04-01', 47300000.0, 'https://example.org/ir', 'Kakao IR', TIMESTAMPTZ '2026-11-01 00:00:00+00'),
  ('line', DATE '2022-01-01', 2000000.0, 'https://example.org/panel', 'Panel', TIMESTAMPTZ '2026-11-02 00:00:00+00'),
  ('line', DATE '2022-04-01', 1900000.0, 'https://example.org/panel', 'Panel', TIMESTAMPTZ '2026-11-02 00:00:00+00'))
  t(platform_id, period_start, value, source_url, source_title, fetched_at);
