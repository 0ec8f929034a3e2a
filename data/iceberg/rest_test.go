package iceberg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	"github.com/apache/iceberg-go/table"
)

// restServer is a loopback Iceberg REST catalog: the endpoints of the
// REST spec (https://iceberg.apache.org/spec/#iceberg-rest-catalog) that
// iceberg-go's REST client calls for what gwanmun does (config,
// namespace exists/load/create, table exists/load/create/commit),
// backed by iceberg-go's SQL catalog on its own SQLite database. It
// shares no state with the client: everything goes over HTTP as JSON.
type restServer struct {
	cat     *sqlcat.Catalog
	commits atomic.Int64 // table commits served
}

func startREST(t *testing.T, warehouse string) (*httptest.Server, *restServer) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "rest.db")+"?_pragma=busy_timeout(30000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	cat, err := sqlcat.NewCatalog("rest", db, sqlcat.SQLite, ice.Properties{"warehouse": warehouse})
	if err != nil {
		t.Fatal(err)
	}
	s := &restServer{cat: cat}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/config", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, map[string]any{"defaults": map[string]string{}, "overrides": map[string]string{}})
	})
	mux.HandleFunc("HEAD /v1/namespaces/{ns}", func(w http.ResponseWriter, r *http.Request) {
		ok, err := cat.CheckNamespaceExists(r.Context(), nsOf(r))
		exists(w, ok, err)
	})
	mux.HandleFunc("GET /v1/namespaces/{ns}", func(w http.ResponseWriter, r *http.Request) {
		props, err := cat.LoadNamespaceProperties(r.Context(), nsOf(r))
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, map[string]any{"namespace": nsOf(r), "properties": props})
	})
	mux.HandleFunc("POST /v1/namespaces", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Namespace  []string       `json:"namespace"`
			Properties ice.Properties `json:"properties"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			replyErr(w, http.StatusBadRequest, "BadRequestException", err)
			return
		}
		if err := cat.CreateNamespace(r.Context(), req.Namespace, req.Properties); err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, map[string]any{"namespace": req.Namespace, "properties": req.Properties})
	})
	mux.HandleFunc("HEAD /v1/namespaces/{ns}/tables/{tbl}", func(w http.ResponseWriter, r *http.Request) {
		ok, err := cat.CheckTableExists(r.Context(), identOf(r))
		exists(w, ok, err)
	})
	mux.HandleFunc("GET /v1/namespaces/{ns}/tables/{tbl}", func(w http.ResponseWriter, r *http.Request) {
		tbl, err := cat.LoadTable(r.Context(), identOf(r))
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, map[string]any{"metadata-location": tbl.MetadataLocation(), "metadata": tbl.Metadata(), "config": map[string]string{}})
	})
	mux.HandleFunc("POST /v1/namespaces/{ns}/tables", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Name          string             `json:"name"`
			Schema        *ice.Schema        `json:"schema"`
			Location      string             `json:"location"`
			PartitionSpec *ice.PartitionSpec `json:"partition-spec"`
			WriteOrder    *table.SortOrder   `json:"write-order"`
			StageCreate   bool               `json:"stage-create"`
			Props         ice.Properties     `json:"properties"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Schema == nil || req.StageCreate {
			replyErr(w, http.StatusBadRequest, "BadRequestException", fmt.Errorf("create table: %v (staged creates are not served)", err))
			return
		}
		opts := []catalog.CreateTableOpt{catalog.WithProperties(req.Props)}
		if req.Location != "" {
			opts = append(opts, catalog.WithLocation(req.Location))
		}
		if req.PartitionSpec != nil {
			opts = append(opts, catalog.WithPartitionSpec(req.PartitionSpec))
		}
		if req.WriteOrder != nil {
			opts = append(opts, catalog.WithSortOrder(*req.WriteOrder))
		}
		tbl, err := cat.CreateTable(r.Context(), table.Identifier{r.PathValue("ns"), req.Name}, req.Schema, opts...)
		if err != nil {
			fail(w, err)
			return
		}
		reply(w, http.StatusOK, map[string]any{"metadata-location": tbl.MetadataLocation(), "metadata": tbl.Metadata(), "config": map[string]string{}})
	})
	mux.HandleFunc("POST /v1/namespaces/{ns}/tables/{tbl}", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Requirements table.Requirements `json:"requirements"`
			Updates      table.Updates      `json:"updates"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			replyErr(w, http.StatusBadRequest, "BadRequestException", err)
			return
		}
		md, loc, err := cat.CommitTable(r.Context(), identOf(r), req.Requirements, req.Updates)
		if err != nil {
			fail(w, err)
			return
		}
		s.commits.Add(1)
		reply(w, http.StatusOK, map[string]any{"metadata-location": loc, "metadata": md})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		replyErr(w, http.StatusNotImplemented, "UnsupportedOperationException", fmt.Errorf("%s %s is not served by the test catalog", r.Method, r.URL.Path))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, s
}

func nsOf(r *http.Request) table.Identifier {
	return strings.Split(r.PathValue("ns"), "\x1f") // the spec's multi-level separator
}

func identOf(r *http.Request) table.Identifier {
	return append(nsOf(r), r.PathValue("tbl"))
}

func exists(w http.ResponseWriter, ok bool, err error) {
	switch {
	case err != nil:
		fail(w, err)
	case ok:
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func replyErr(w http.ResponseWriter, code int, typ string, err error) {
	reply(w, code, map[string]any{"error": map[string]any{"message": err.Error(), "type": typ, "code": code}})
}

// fail maps the SQL catalog's errors to the spec's status codes.
func fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, catalog.ErrNoSuchTable):
		replyErr(w, http.StatusNotFound, "NoSuchTableException", err)
	case errors.Is(err, catalog.ErrNoSuchNamespace):
		replyErr(w, http.StatusNotFound, "NoSuchNamespaceException", err)
	case errors.Is(err, catalog.ErrTableAlreadyExists), errors.Is(err, catalog.ErrNamespaceAlreadyExists):
		replyErr(w, http.StatusConflict, "AlreadyExistsException", err)
	case conflict(err):
		replyErr(w, http.StatusConflict, "CommitFailedException", err)
	default:
		replyErr(w, http.StatusInternalServerError, "ServerError", err)
	}
}

// TestRESTCatalog: Sync, a compaction's overwrite, Pin and Expire through
// a REST catalog on loopback give the rows the lake holds, every commit
// going over HTTP.
func TestRESTCatalog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	warehouse := "file://" + filepath.ToSlash(filepath.Join(dir, "warehouse"))
	srv, rs := startREST(t, warehouse)
	c := Config{Catalog: srv.URL, Warehouse: filepath.Join(dir, "warehouse")}
	if k, err := c.Kind(); err != nil || k != REST {
		t.Fatalf("kind %q %v", k, err)
	}
	writeRun(t, dir, "r1", 3, 0, 0)
	m, err := Open(ctx, dir, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Kind != REST {
		t.Fatalf("opened a %s catalog", m.Kind)
	}
	regs, err := m.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 1 || regs[0].RunID != "r1" || regs[0].Added != 3 {
		t.Fatalf("first sync: %+v", regs)
	}
	p1, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	writeRun(t, dir, "r2", 2, 1, 0.5)
	if regs, err = m.Sync(ctx); err != nil || len(regs) != 1 || regs[0].RunID != "r2" {
		t.Fatalf("second sync: %+v %v", regs, err)
	}
	compact(t, dir, "c1")
	regs, err = m.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 1 || regs[0].RunID != "c1" || regs[0].Operation != "overwrite" || regs[0].Removed != 4 || regs[0].Added != 2 {
		t.Fatalf("sync after compaction: %+v", regs)
	}
	if again, err := m.Sync(ctx); err != nil || len(again) != 0 {
		t.Fatalf("sync again: %+v %v", again, err)
	}
	if n := rs.commits.Load(); n != 3 {
		t.Fatalf("the REST server served %d table commits, want 3", n)
	}
	now, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, sum := count(t, now.Files["mau"]); n != 5 || sum != 1000+1001+1002+1001.5+1002.5 {
		t.Fatalf("current through REST: %d rows, sum %v", n, sum)
	}
	old, err := m.Pin(ctx, fmt.Sprint(p1.SnapshotID))
	if err != nil {
		t.Fatal(err)
	}
	if n, sum := count(t, old.Files["mau"]); n != 3 || sum != 1000+1001+1002 {
		t.Fatalf("as of r1 through REST: %d rows, sum %v", n, sum)
	}
	// A second client of the same server sees the same tables.
	m2, err := Open(ctx, t.TempDir(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	snaps, err := m2.Snapshots(ctx)
	if err != nil || len(snaps) != 3 {
		t.Fatalf("another client lists %d snapshots (%v), want 3", len(snaps), err)
	}
	// Pin the r1 report, then expire: tags and removals go over HTTP too.
	if err := m.PinReport(ctx, p1); err != nil {
		t.Fatal(err)
	}
	res, err := m.Expire(ctx, ExpireOptions{Before: now.At.Add(1), RetainLast: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || len(res[0].Expired) != 1 || res[0].Pinned != 1 {
		t.Fatalf("expire through REST: %+v", res)
	}
	after, err := m2.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, sum := count(t, after.Files["mau"]); n != 5 || sum != 1000+1001+1002+1001.5+1002.5 {
		t.Fatalf("current after expiry through REST: %d rows, sum %v", n, sum)
	}
}

// TestRESTCatalogAsCommitLog: a lake adopted into a REST catalog commits
// its runs over HTTP to the _runs table (append with the
// assert-ref-snapshot-id requirement), a compaction too, and a second
// lake folder adopted into the same catalog and warehouse reads every
// run of the first and commits after them.
func TestRESTCatalogAsCommitLog(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	wh := filepath.Join(root, "warehouse")
	srv, rs := startREST(t, "file://"+filepath.ToSlash(wh))
	c := Config{Catalog: srv.URL, Warehouse: wh}
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	writeRun(t, a, "r1", 3, 0, 0)
	if n := adopt(t, a, c); n != 1 {
		t.Fatalf("adopted %d runs", n)
	}
	before := rs.commits.Load()
	writeRun(t, a, "r2", 2, 1, 0.5)
	compact(t, a, "c1")
	if got := rs.commits.Load() - before; got < 2 {
		t.Fatalf("%d commits went over HTTP for a run and a compaction", got)
	}
	adopt(t, b, c)
	writeRun(t, b, "r3", 1, 20, 0)
	for _, lake := range []string{a, b} {
		if ids, want := runIDs(t, lake), []string{"r1", "r2", "c1", "r3"}; !reflect.DeepEqual(ids, want) {
			t.Fatalf("lake %s reads the log %v, want %v", lake, ids, want)
		}
		if n, sum := visibleSum(t, lake); n != 6 || sum != 1000+1001+1002+1001.5+1002.5+1020 {
			t.Fatalf("lake %s: %d rows, sum %v", lake, n, sum)
		}
	}
	m, err := Open(ctx, b, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := m.Pin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := count(t, p.Files["mau"]); n != 6 {
		t.Fatalf("table mau through REST: %d rows, want 6", n)
	}
}
