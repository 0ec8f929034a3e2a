package analysis

import (
	"context"
	"fmt"

	"github.com/gwanmun/gwanmun/data/vocab"
)

// registerFX makes data/vocab's cited exchange rates a table, fx_eur: one
// row per year and currency with the euros one unit bought (the year's
// average, crossed through the US dollar as the Fed quotes it) and the
// release it rests on. The DMA's money lines are in EUR; a figure in a
// currency and year the table lacks stays unconverted, never guessed.
func (d *DB) registerFX(ctx context.Context) error {
	if _, err := d.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE fx_eur (year INTEGER, currency VARCHAR, eur_per_unit DOUBLE,
  basis VARCHAR, source_url VARCHAR)`); err != nil {
		return fmt.Errorf("fx_eur: %w", err)
	}
	seen := map[[2]any]bool{}
	add := func(year int, cur string) error {
		if seen[[2]any{year, cur}] {
			return nil
		}
		seen[[2]any{year, cur}] = true
		v, used, err := vocab.ToEUR(1, cur, year)
		if err != nil {
			return nil // no cited rate: the pair is absent, so conversion fails visibly
		}
		basis, url := "", ""
		for i, r := range used {
			if i > 0 {
				basis += "; "
			}
			basis += fmt.Sprintf("%s %d %g %s", r.Currency, r.Year, r.Value, r.Quote)
			url = r.SourceURL
		}
		_, err = d.ExecContext(ctx, `INSERT INTO fx_eur VALUES (?, ?, ?, ?, ?)`, year, cur, v, basis, url)
		return err
	}
	for _, r := range vocab.Rates() {
		for _, cur := range []string{r.Currency, "USD"} {
			if err := add(r.Year, cur); err != nil {
				return fmt.Errorf("fx_eur: %w", err)
			}
		}
	}
	return nil
}
