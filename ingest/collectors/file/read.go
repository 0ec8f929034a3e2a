package file

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"
)

// table is a file read into text cells, each with the place it came from,
// so every error can name file:line:column.
type table struct {
	name   string
	header []string
	// headerAt[i] is where header[i] is ("1:3", "A1").
	headerAt []pos
	rows     []record
}

type record struct {
	line  int
	cells []string
	at    []pos
}

// pos is a cell's place: a line and a column, both 1-based. For Excel the
// cell name (B3) is kept too; for Parquet the line is the row number.
type pos struct {
	line, col int
	cell      string
}

func (p pos) String() string {
	if p.cell != "" {
		return fmt.Sprintf("%d:%d (%s)", p.line, p.col, p.cell)
	}
	return fmt.Sprintf("%d:%d", p.line, p.col)
}

// formatOf picks the reader from the configured format or the extension.
func formatOf(format, path string) (string, error) {
	if format != "" {
		switch format {
		case "csv", "tsv", "jsonl", "parquet", "xlsx":
			return format, nil
		}
		return "", fmt.Errorf("format %q: want csv, tsv, jsonl, parquet or xlsx", format)
	}
	p := strings.ToLower(path)
	switch {
	case strings.HasSuffix(p, ".csv"):
		return "csv", nil
	case strings.HasSuffix(p, ".tsv"), strings.HasSuffix(p, ".tab"):
		return "tsv", nil
	case strings.HasSuffix(p, ".jsonl"), strings.HasSuffix(p, ".ndjson"):
		return "jsonl", nil
	case strings.HasSuffix(p, ".parquet"):
		return "parquet", nil
	case strings.HasSuffix(p, ".xlsx"):
		return "xlsx", nil
	}
	return "", fmt.Errorf("%s: cannot tell the format from the name; set format = csv, tsv, jsonl, parquet or xlsx", path)
}

func readTable(ctx context.Context, name, format string, b []byte, f FileConfig) (*table, error) {
	switch format {
	case "csv", "tsv":
		delim := ','
		if format == "tsv" {
			delim = '\t'
		}
		if f.Delimiter != "" {
			delim = []rune(f.Delimiter)[0]
		}
		return readCSV(name, b, delim)
	case "jsonl":
		return readJSONL(name, b)
	case "parquet":
		return readParquet(ctx, name, b)
	case "xlsx":
		return readXLSX(name, b, f.Sheet)
	}
	return nil, fmt.Errorf("%s: unknown format %q", name, format)
}

func readCSV(name string, b []byte, delim rune) (*table, error) {
	cr, err := newCSVReader(name, bytes.NewReader(b), delim)
	if err != nil {
		return nil, err
	}
	t := cr.table()
	for {
		rec, err := cr.next()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		t.rows = append(t.rows, rec)
	}
}

// csvReader reads a CSV or TSV file record by record, so a large file is
// never held whole: the header first, then one record per next.
type csvReader struct {
	name     string
	r        *csv.Reader
	header   []string
	headerAt []pos
}

// newCSVReader reads the header (after a UTF-8 byte order mark, if any).
func newCSVReader(name string, in io.Reader, delim rune) (*csvReader, error) {
	br := bufio.NewReaderSize(in, 1<<20)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	r.Comma = delim
	r.ReuseRecord = true
	cr := &csvReader{name: name, r: r}
	rec, err := cr.next()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, no header row", name)
	}
	if err != nil {
		return nil, err
	}
	cr.header, cr.headerAt = rec.cells, rec.at
	return cr, nil
}

// table is an empty table with the file's header, for the mapper.
func (cr *csvReader) table() *table {
	return &table{name: cr.name, header: cr.header, headerAt: cr.headerAt}
}

// next returns the next record, io.EOF at the end, or a parse error
// naming file:line:column.
func (cr *csvReader) next() (record, error) {
	rec, err := cr.r.Read()
	if errors.Is(err, io.EOF) {
		return record{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return record{}, fmt.Errorf("%s:%d:%d: %v", cr.name, pe.Line, pe.Column, pe.Err)
		}
		return record{}, fmt.Errorf("%s: %w", cr.name, err)
	}
	cells := slices.Clone(rec) // the reader reuses its slice
	at := make([]pos, len(cells))
	for i := range cells {
		l, c := cr.r.FieldPos(i)
		at[i] = pos{line: l, col: c}
	}
	return record{line: at[0].line, cells: cells, at: at}, nil
}

// readJSONL reads one JSON object per line; the header is every key in
// the order first seen, and a cell's column is where its key starts.
func readJSONL(name string, b []byte) (*table, error) {
	t := &table{name: name}
	index := map[string]int{}
	lines := bytes.Split(b, []byte("\n"))
	for n, line := range lines {
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			col := 1
			var se *json.SyntaxError
			if errors.As(err, &se) {
				col = int(se.Offset)
			}
			return nil, fmt.Errorf("%s:%d:%d: not a JSON object: %v", name, n+1, col, err)
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		// First-seen order on the line, so the header reads like the file.
		sortByOffset(keys, line)
		rec := record{line: n + 1}
		for _, k := range keys {
			i, ok := index[k]
			if !ok {
				i = len(t.header)
				index[k] = i
				t.header = append(t.header, k)
				t.headerAt = append(t.headerAt, pos{line: n + 1, col: keyOffset(line, k)})
			}
			for len(rec.cells) <= i {
				rec.cells = append(rec.cells, "")
				rec.at = append(rec.at, pos{line: n + 1, col: 1})
			}
			v, err := jsonText(obj[k])
			if err != nil {
				return nil, fmt.Errorf("%s:%d:%d: key %q: %v", name, n+1, keyOffset(line, k), k, err)
			}
			rec.cells[i] = v
			rec.at[i] = pos{line: n + 1, col: keyOffset(line, k)}
		}
		t.rows = append(t.rows, rec)
	}
	for i := range t.rows {
		for len(t.rows[i].cells) < len(t.header) {
			t.rows[i].cells = append(t.rows[i].cells, "")
			t.rows[i].at = append(t.rows[i].at, pos{line: t.rows[i].line, col: 1})
		}
	}
	if len(t.header) == 0 {
		return nil, fmt.Errorf("%s: no JSON objects", name)
	}
	return t, nil
}

func keyOffset(line []byte, k string) int {
	q, _ := json.Marshal(k)
	if i := bytes.Index(line, q); i >= 0 {
		return i + 1
	}
	return 1
}

func sortByOffset(keys []string, line []byte) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keyOffset(line, keys[j]) < keyOffset(line, keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

// jsonText renders a JSON value as the text a CSV cell would hold; a list
// becomes its items joined by the list separator.
func jsonText(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := jsonText(e)
			if err != nil {
				return "", err
			}
			if strings.Contains(s, listSep) {
				return "", fmt.Errorf("list item %q contains %q", s, listSep)
			}
			parts[i] = s
		}
		return strings.Join(parts, listSep), nil
	}
	return "", fmt.Errorf("value %v is an object; want a string, number, boolean or list", v)
}

// readParquet reads every column as text: line = row number (1-based),
// column = the column's index.
func readParquet(ctx context.Context, name string, b []byte) (*table, error) {
	pr, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: not a Parquet file: %w", name, err)
	}
	defer pr.Close()
	fr, err := pqarrow.NewFileReader(pr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	tbl, err := fr.ReadTable(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer tbl.Release()
	t := &table{name: name}
	n := int(tbl.NumRows())
	t.rows = make([]record, n)
	for i := range t.rows {
		t.rows[i] = record{line: i + 1, cells: make([]string, tbl.NumCols()), at: make([]pos, tbl.NumCols())}
	}
	for c := 0; c < int(tbl.NumCols()); c++ {
		col := tbl.Column(c)
		t.header = append(t.header, col.Name())
		t.headerAt = append(t.headerAt, pos{line: 0, col: c + 1})
		row := 0
		for _, chunk := range col.Data().Chunks() {
			for i := 0; i < chunk.Len(); i++ {
				v, err := arrowText(chunk, i)
				if err != nil {
					return nil, fmt.Errorf("%s:%d:%d: column %q: %w", name, row+1, c+1, col.Name(), err)
				}
				t.rows[row].cells[c] = v
				t.rows[row].at[c] = pos{line: row + 1, col: c + 1}
				row++
			}
		}
	}
	return t, nil
}

func arrowText(a arrow.Array, i int) (string, error) {
	if a.IsNull(i) {
		return "", nil
	}
	switch x := a.(type) {
	case *array.String:
		return x.Value(i), nil
	case *array.LargeString:
		return x.Value(i), nil
	case *array.Float64:
		return strconv.FormatFloat(x.Value(i), 'f', -1, 64), nil
	case *array.Float32:
		return strconv.FormatFloat(float64(x.Value(i)), 'f', -1, 32), nil
	case *array.Int64:
		return strconv.FormatInt(x.Value(i), 10), nil
	case *array.Int32:
		return strconv.FormatInt(int64(x.Value(i)), 10), nil
	case *array.Boolean:
		return strconv.FormatBool(x.Value(i)), nil
	case *array.Date32:
		return x.Value(i).ToTime().Format(time.DateOnly), nil
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		return x.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano), nil
	case *array.List:
		start, end := x.ValueOffsets(i)
		parts := make([]string, 0, end-start)
		for j := start; j < end; j++ {
			s, err := arrowText(x.ListValues(), int(j))
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, listSep), nil
	}
	return a.ValueStr(i), nil
}

// readXLSX reads a sheet's raw cell values (not the display format, which
// can round 1,268,000,000 to 1.27E+09); the first row is the header.
func readXLSX(name string, b []byte, sheet string) (*table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: not an .xlsx workbook: %w", name, err)
	}
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetName(0)
	}
	if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		return nil, fmt.Errorf("%s: no sheet %q (sheets: %v)", name, sheet, f.GetSheetList())
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w", name, sheet, err)
	}
	t := &table{name: name + "[" + sheet + "]"}
	cell := func(r, c int) pos {
		n, _ := excelize.CoordinatesToCellName(c, r)
		return pos{line: r, col: c, cell: n}
	}
	for r, row := range rows {
		if t.header == nil {
			if len(row) == 0 {
				continue
			}
			t.header = row
			for c := range row {
				t.headerAt = append(t.headerAt, cell(r+1, c+1))
			}
			continue
		}
		empty := true
		for _, v := range row {
			if strings.TrimSpace(v) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		rec := record{line: r + 1}
		for c := range t.header {
			v := ""
			if c < len(row) {
				v = row[c]
			}
			rec.cells = append(rec.cells, v)
			rec.at = append(rec.at, cell(r+1, c+1))
		}
		if len(row) > len(t.header) {
			for c := len(t.header); c < len(row); c++ {
				if strings.TrimSpace(row[c]) != "" {
					return nil, fmt.Errorf("%s:%s: value %q in a column with no header", t.name, cell(r+1, c+1), row[c])
				}
			}
		}
		t.rows = append(t.rows, rec)
	}
	if t.header == nil {
		return nil, fmt.Errorf("%s: empty sheet, no header row", t.name)
	}
	return t, nil
}
