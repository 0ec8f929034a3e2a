CREATE OR REPLACE VIEW news AS SELECT * FROM (VALUES
  ('a1', '</script><script>window.__pwned = 1</script>', 'Outlet & "Co"', TIMESTAMPTZ '2022-10-15 10:00:00+00', 'https://example.org/a?x=1&y=<2>', 'javascript:alert(1)'),
  ('a2', '<img src=x onerror="window.__pwned = 2">', 'O''Reilly', TIMESTAMPTZ '2022-10-16 10:00:00+00', 'javascript:alert(2)', 'Title'))
  t(article_id, title, outlet, published_at, source_url, source_title);
