package lakestore

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/gwanmun/gwanmun/data/schema"
)

// SelectColumns is the SELECT list of ds's columns over files read with
// `union_by_name`: each cast to its type, and a typed NULL for a column no
// file has (a lake written before the column was added), so old lakes stay
// readable after the schema grows. Only schema identifiers are spliced in.
func SelectColumns(ds schema.Dataset, files []string) (string, error) {
	cols := ds.Columns()
	missing := map[string]bool{}
	for _, c := range cols {
		missing[c.Name] = true
	}
	// Newest files last: they usually hold every column, so the footers
	// of older files are read only when a column is still unaccounted for.
	for i := len(files) - 1; i >= 0 && len(missing) > 0; i-- {
		names, err := fileColumns(files[i])
		if err != nil {
			return "", err
		}
		for _, n := range names {
			delete(missing, n)
		}
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		src := QuoteIdent(c.Name)
		if missing[c.Name] && len(files) > 0 {
			src = "NULL"
		}
		out[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", src, c.SQLType(), QuoteIdent(c.Name))
	}
	return strings.Join(out, ", "), nil
}

// fileColumns reads the top-level column names from a Parquet footer.
func fileColumns(path string) ([]string, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, fmt.Errorf("read parquet %s: %w", path, err)
	}
	defer pf.Close()
	root := pf.MetaData().Schema.Root()
	names := make([]string, root.NumFields())
	for i := range names {
		names[i] = root.Field(i).Name()
	}
	return names, nil
}
