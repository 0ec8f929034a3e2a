CREATE OR REPLACE VIEW services AS SELECT * FROM (VALUES
  ('kakao', 'kakaopay', 'payments', 30.0), ('kakao', 'kakaomap', 'maps', 10.0),
  ('naver', 'naver_pay', 'payments', 20.0), ('naver', 'naver_map', 'maps', 25.0))
  t(gateway_id, service_id, category, users);
CREATE OR REPLACE VIEW news AS SELECT * FROM (VALUES
  (TIMESTAMPTZ '2022-10-15 10:00:00+00', 'ko'), (TIMESTAMPTZ '2022-10-15 11:00:00+00', 'ko'),
  (TIMESTAMPTZ '2022-10-16 09:00:00+00', 'en'))
  t(published_at, lang);
