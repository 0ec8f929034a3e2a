package analysis

import (
	"context"
	"math"
	"testing"
)

// openWith opens an empty lake and replaces the views an analysis reads
// with inline tables, so expected values can be worked out by hand.
func openWith(t *testing.T, stmts ...string) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir(), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

const thresholds2023 = `CREATE OR REPLACE VIEW thresholds AS SELECT * FROM (VALUES
  ('us_mg_2023', 'hhi_high', 1800.0), ('us_mg_2023', 'hhi_moderate', 1000.0), ('us_mg_2023', 'delta_hhi', 100.0))
  t(regime_id, metric, value)`

func marketOf(values string) []string {
	return []string{
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger'),('c','messenger'),('d','messenger'),('x','portal')) t(platform_id, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, DATE '2024-01-01' AS period_start, 'month' AS period_grain,
		  '2024-01' AS period_label, 'mau' AS metric, 'panel' AS estimator, 'P' AS source, platform_id, value,
		  'persons' AS unit, []::VARCHAR[] AS flags FROM (VALUES ` + values + `) t(platform_id, value)`,
		thresholds2023,
	}
}

func TestConcentrationHandWorked(t *testing.T) {
	tests := []struct {
		name      string
		values    string
		hhi       float64
		cr1, cr3  float64
		effective float64
		band      string
		rows      int
	}{
		// 30² + 30² + 20² + 20² = 900 + 900 + 400 + 400 = 2600.
		{"four firms 30/30/20/20", "('a',30.0),('b',30.0),('c',20.0),('d',20.0)", 2600, 0.30, 0.80, 10000.0 / 2600, "highly concentrated", 1},
		// Two equal firms: 50² + 50² = 5000, effective number exactly 2.
		{"duopoly 50/50", "('a',5e6),('b',5e6)", 5000, 0.5, 1, 2, "highly concentrated", 1},
		// Ten equal firms would be 1000; four equal firms are 4 × 25² = 2500.
		{"four equal firms", "('a',1.0),('b',1.0),('c',1.0),('d',1.0)", 2500, 0.25, 0.75, 4, "highly concentrated", 1},
		// A platform of another category is not part of the market.
		{"other category ignored", "('a',60.0),('b',40.0),('x',1e9)", 5200, 0.6, 1, 10000.0 / 5200, "highly concentrated", 1},
		// A monopoly is no market to measure: one firm means no rows.
		{"monopoly observed alone", "('a',100.0)", 0, 0, 0, 0, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openWith(t, marketOf(tc.values)...)
			a, _ := Lookup("concentration")
			res, err := db.Run(context.Background(), a, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != tc.rows {
				t.Fatalf("%d rows, want %d", len(res.Rows), tc.rows)
			}
			if tc.rows == 0 {
				return
			}
			r := res.Records()[0]
			for col, want := range map[string]float64{"hhi": tc.hhi, "cr1": tc.cr1, "cr3": tc.cr3, "effective_platforms": tc.effective} {
				if got := r[col].(float64); math.Abs(got-want) > 1e-9 {
					t.Errorf("%s = %v, want %v", col, got, want)
				}
			}
			if r["doj_ftc_2023_band"] != tc.band {
				t.Errorf("band = %v, want %s", r["doj_ftc_2023_band"], tc.band)
			}
		})
	}
}

func TestHHIMonopolyIs10000(t *testing.T) {
	// With the rival at zero users the leader holds the whole market.
	db := openWith(t, marketOf("('a',100.0),('b',0.0)")...)
	a, _ := Lookup("concentration")
	res, err := db.Run(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Records()[0]["hhi"].(float64); got != 10000 {
		t.Fatalf("monopoly HHI = %v, want 10000", got)
	}
}

func TestConcentrationDeltaBetweenPeriods(t *testing.T) {
	// 2024-01: 60/40 → 3600 + 1600 = 5200; 2024-02: 70/30 → 4900 + 900 = 5800; ΔHHI = 600.
	db := openWith(t,
		`CREATE OR REPLACE VIEW platforms AS SELECT * FROM (VALUES ('a','messenger'),('b','messenger')) t(platform_id, category)`,
		`CREATE OR REPLACE VIEW mau AS SELECT 'KR' AS country, period_start, 'month' AS period_grain, strftime(period_start, '%Y-%m') AS period_label,
		  'mau' AS metric, 'panel' AS estimator, 'P' AS source, platform_id, value, 'persons' AS unit, []::VARCHAR[] AS flags
		  FROM (VALUES (DATE '2024-01-01','a',60.0),(DATE '2024-01-01','b',40.0),(DATE '2024-02-01','a',70.0),(DATE '2024-02-01','b',30.0)) t(period_start, platform_id, value)`,
		thresholds2023)
	a, _ := Lookup("concentration")
	res, err := db.Run(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs := res.Records()
	if len(recs) != 2 || recs[0]["delta_hhi"] != nil || math.Abs(recs[1]["delta_hhi"].(float64)-600) > 1e-9 {
		t.Fatalf("rows = %v, want ΔHHI nil then 600", recs)
	}
}
