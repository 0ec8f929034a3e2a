package iceberg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/gwanmun/gwanmun/data/schema"
)

// PinTagPrefix names the Iceberg tags a rendered report leaves on every
// table it read ("gwanmun-report-<point snapshot id>"): expiry keeps a
// tagged snapshot, so `report --snapshot` of a saved report keeps working.
// Engines see the tags too (Spark's expire_snapshots keeps them as well).
const PinTagPrefix = "gwanmun-report-"

// PropExpiredGaps records, on a table, the lake-time spans whose snapshots
// were expired ("from/to" RFC 3339 pairs, comma-separated): reading the
// table as of a time inside one is an error, not a silently older state.
const PropExpiredGaps = "gwanmun.expired-gaps"

// PinReport tags, on every table, the snapshot p read. A tag that is
// already there is left as it is.
func (m *Mirror) PinReport(ctx context.Context, p *Pin) error {
	if p == nil || p.SnapshotID == 0 {
		return nil
	}
	tag := PinTagPrefix + strconv.FormatInt(p.SnapshotID, 10)
	for _, ds := range schema.Datasets() {
		id := p.Snapshots[ds.Name]
		if id == 0 {
			continue
		}
		err := m.retry(ctx, ds.Name, func() error {
			t, ok, err := m.Table(ctx, ds.Name)
			if err != nil || !ok {
				return err
			}
			for name, ref := range t.Metadata().Refs() {
				if name == tag && ref.SnapshotID == id {
					return nil
				}
			}
			if t.Metadata().SnapshotByID(id) == nil {
				return fmt.Errorf("iceberg table %s: snapshot %d no longer exists", ds.Name, id)
			}
			reqs := []table.Requirement{table.AssertTableUUID(t.Metadata().TableUUID()), table.AssertRefSnapshotID(tag, nil)}
			ups := []table.Update{table.NewSetSnapshotRefUpdate(tag, id, table.TagRef, 0, 0, 0)}
			_, _, err = m.cat.CommitTable(ctx, Ident(ds.Name), reqs, ups)
			return err
		})
		if err != nil {
			return fmt.Errorf("iceberg table %s: tag %s: %w", ds.Name, tag, err)
		}
	}
	return nil
}

// ExpireOptions says which snapshots Expire removes.
type ExpireOptions struct {
	// Before: a snapshot whose lake commit time (the time --as-of reads)
	// is before it may be expired.
	Before time.Time
	// RetainLast keeps each table's newest N snapshots whatever their
	// age (at least 1: the current snapshot is never expired).
	RetainLast int
	// IncludePinned also expires snapshots a saved report's tag (or any
	// other tag or branch) holds, removing the tag.
	IncludePinned bool
	// DryRun lists what would go and changes nothing.
	DryRun bool
}

// beforeExpireCommit lets a test commit as another writer between the
// expiry's plan and its commit.
var beforeExpireCommit = func(string) {}

// Expired is what Expire did to one table.
type Expired struct {
	Table        string  `json:"table"`
	Expired      []int64 `json:"expired"`
	Kept         int     `json:"kept"`
	Pinned       int     `json:"kept_pinned"`
	FilesRemoved int     `json:"files_removed"`
}

// Expire removes old snapshots from every table, one metadata commit per
// table (asserting the table and its current snapshot are what was
// planned against, so a concurrent writer's commit is never undone), and
// only after that commit has succeeded deletes the manifest lists,
// manifests and data files no remaining snapshot references. The lake's
// own files are untouched: the warehouse holds hard links or copies.
func (m *Mirror) Expire(ctx context.Context, o ExpireOptions) ([]Expired, error) {
	if o.RetainLast < 1 {
		return nil, fmt.Errorf("retain-last %d: must be at least 1 (the current snapshot is never expired)", o.RetainLast)
	}
	var out []Expired
	for _, ds := range schema.Datasets() {
		var res Expired
		err := m.retry(ctx, ds.Name, func() error {
			var err error
			res, err = m.expireTable(ctx, ds.Name, o)
			return err
		})
		if err != nil {
			return out, fmt.Errorf("iceberg table %s: expire: %w", ds.Name, err)
		}
		if res.Table != "" {
			out = append(out, res)
		}
	}
	return out, nil
}

func (m *Mirror) expireTable(ctx context.Context, name string, o ExpireOptions) (Expired, error) {
	var left int // files a killed expiry left, removed first
	if !o.DryRun {
		var err error
		if left, err = m.finishExpiry(ctx, name); err != nil {
			return Expired{}, fmt.Errorf("finish an earlier expiry: %w", err)
		}
	}
	t, ok, err := m.Table(ctx, name)
	if err != nil || !ok {
		return Expired{}, err
	}
	cur := t.CurrentSnapshot()
	if cur == nil {
		return Expired{}, nil // an empty table is not listed
	}
	res := Expired{Table: name, Expired: []int64{}, FilesRemoved: left}
	md := t.Metadata()
	keep := map[int64]bool{cur.SnapshotID: true}
	for i, s := range history(t) {
		if i < o.RetainLast {
			keep[s.id] = true
		}
	}
	pinned := map[int64]bool{}
	var dropRefs []string
	for refName, ref := range md.Refs() {
		if refName == table.MainBranch {
			continue
		}
		if o.IncludePinned {
			dropRefs = append(dropRefs, refName)
			continue
		}
		pinned[ref.SnapshotID] = true
	}
	all := md.Snapshots()
	var doomed []int64
	for _, s := range all {
		switch {
		case keep[s.SnapshotID]:
		case pinned[s.SnapshotID]:
			res.Pinned++
		case !committedAt(&s).Before(o.Before):
		default:
			doomed = append(doomed, s.SnapshotID)
		}
	}
	res.Kept = len(all) - len(doomed)
	if len(doomed) == 0 || o.DryRun {
		res.Expired = append(res.Expired, doomed...)
		return res, nil
	}
	gone := map[int64]bool{}
	for _, id := range doomed {
		gone[id] = true
	}
	// Refs whose snapshot stays are kept even with IncludePinned.
	dropRefs = slices.DeleteFunc(dropRefs, func(r string) bool {
		for n, ref := range md.Refs() {
			if n == r {
				return !gone[ref.SnapshotID]
			}
		}
		return true
	})
	sort.Strings(dropRefs)
	gaps := mergeGaps(parseGaps(md.Properties()[PropExpiredGaps]), newGaps(all, gone))
	ups := []table.Update{}
	for _, r := range dropRefs {
		ups = append(ups, table.NewRemoveSnapshotRefUpdate(r))
	}
	// The expired snapshots' manifest lists are recorded in the same
	// commit: a process killed before deleting their files leaves the
	// list, and the next expiry finishes the deletion.
	lists := make([]string, 0, len(doomed))
	for _, id := range doomed {
		if s := md.SnapshotByID(id); s != nil && s.ManifestList != "" {
			lists = append(lists, s.ManifestList)
		}
	}
	ups = append(ups, table.NewRemoveSnapshotsUpdate(doomed, false),
		table.NewSetPropertiesUpdate(ice.Properties{PropExpiredGaps: formatGaps(gaps), PropExpirePending: strings.Join(lists, ",")}))
	beforeExpireCommit(name)
	curID := cur.SnapshotID
	reqs := []table.Requirement{table.AssertTableUUID(md.TableUUID()), table.AssertRefSnapshotID(table.MainBranch, &curID)}
	if _, _, err := m.cat.CommitTable(ctx, Ident(name), reqs, ups); err != nil {
		return res, err
	}
	res.Expired = doomed
	crashPoint("expired")
	n, err := m.finishExpiry(ctx, name)
	res.FilesRemoved += n
	if err != nil {
		return res, fmt.Errorf("remove unreferenced files (the expiry is committed; the next expiry retries): %w", err)
	}
	return res, nil
}

// PropExpirePending lists the manifest lists of expired snapshots whose
// files are not deleted yet.
const PropExpirePending = "gwanmun.expire-pending"

// finishExpiry deletes what the table's pending expiries left: the data
// files, manifests and manifest lists of the expired snapshots that no
// remaining snapshot references (data files first, the manifest lists
// that lead to them last, so a kill in the middle can be finished), then
// clears the pending list.
func (m *Mirror) finishExpiry(ctx context.Context, name string) (int, error) {
	t, ok, err := m.Table(ctx, name)
	if err != nil || !ok {
		return 0, err
	}
	pending := splitList(t.Metadata().Properties()[PropExpirePending])
	if len(pending) == 0 {
		return 0, nil
	}
	fsys, err := t.FS(ctx)
	if err != nil {
		return 0, err
	}
	lists, mans, data := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, l := range pending {
		if !m.exists(l) {
			continue
		}
		lists[l] = true
		ms, err := (&table.Snapshot{ManifestList: l}).Manifests(fsys)
		if err != nil {
			return 0, fmt.Errorf("manifest list %s: %w", l, err)
		}
		for _, man := range ms {
			if !m.exists(man.FilePath()) {
				continue
			}
			mans[man.FilePath()] = true
			for e, err := range man.Entries(fsys, false) {
				if err != nil {
					return 0, fmt.Errorf("manifest %s: %w", man.FilePath(), err)
				}
				data[e.DataFile().FilePath()] = true
			}
		}
	}
	for _, s := range t.Metadata().Snapshots() {
		delete(lists, s.ManifestList)
		ms, err := s.Manifests(fsys)
		if err != nil {
			return 0, fmt.Errorf("snapshot %d manifests: %w", s.SnapshotID, err)
		}
		for _, man := range ms {
			delete(mans, man.FilePath())
			for e, err := range man.Entries(fsys, false) {
				if err != nil {
					return 0, err
				}
				if e.Status() != ice.EntryStatusDELETED {
					delete(data, e.DataFile().FilePath())
				}
			}
		}
	}
	n := 0
	for _, set := range []map[string]bool{data, mans, lists} {
		paths := make([]string, 0, len(set))
		for p := range set {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			var err error
			if lp, ok := LocalPath(p); ok {
				err = os.Remove(lp)
			} else {
				err = fsys.Remove(p)
			}
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return n, fmt.Errorf("remove %s: %w", p, err)
			}
			n++
		}
		if len(paths) > 0 {
			crashPoint("removed-some")
		}
	}
	// Clear what was done; lists another expiry added meanwhile stay.
	err = m.retry(ctx, name, func() error {
		t, ok, err := m.Table(ctx, name)
		if err != nil || !ok {
			return err
		}
		left := slices.DeleteFunc(splitList(t.Metadata().Properties()[PropExpirePending]), func(l string) bool { return slices.Contains(pending, l) })
		_, _, err = m.cat.CommitTable(ctx, Ident(name), []table.Requirement{table.AssertTableUUID(t.Metadata().TableUUID())},
			[]table.Update{table.NewSetPropertiesUpdate(ice.Properties{PropExpirePending: strings.Join(left, ",")})})
		return err
	})
	return n, err
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// retry runs one table's read-modify-commit until it does not lose a
// race with another writer.
func (m *Mirror) retry(ctx context.Context, name string, f func() error) error {
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil || !conflict(err) {
			return err
		}
		if attempt == maxAttempts {
			return fmt.Errorf("gave up after %d conflicting commits: %w", attempt+1, err)
		}
		m.log.Info("iceberg commit lost a race; reloading the table", "table", name, "attempt", attempt+1)
		if err := pause(ctx, attempt); err != nil {
			return err
		}
	}
}

// gap is a lake-time span [from, to) whose table states were expired:
// from is the first expired snapshot's time, to the next kept one's.
type gap struct{ from, to time.Time }

func newGaps(all []table.Snapshot, gone map[int64]bool) []gap {
	ss := slices.Clone(all)
	sort.SliceStable(ss, func(i, j int) bool { return committedAt(&ss[i]).Before(committedAt(&ss[j])) })
	var out []gap
	var open *gap
	for i := range ss {
		at := committedAt(&ss[i])
		if gone[ss[i].SnapshotID] {
			if open == nil {
				open = &gap{from: at}
			}
			continue
		}
		if open != nil {
			open.to = at
			out = append(out, *open)
			open = nil
		}
	}
	return out
}

func mergeGaps(a, b []gap) []gap {
	all := append(slices.Clone(a), b...)
	sort.Slice(all, func(i, j int) bool { return all[i].from.Before(all[j].from) })
	var out []gap
	for _, g := range all {
		if n := len(out); n > 0 && !g.from.After(out[n-1].to) {
			if g.to.After(out[n-1].to) {
				out[n-1].to = g.to
			}
			continue
		}
		out = append(out, g)
	}
	return out
}

func parseGaps(v string) []gap {
	var out []gap
	for _, part := range strings.Split(v, ",") {
		from, to, ok := strings.Cut(strings.TrimSpace(part), "/")
		if !ok {
			continue
		}
		f, err1 := time.Parse(time.RFC3339Nano, from)
		t, err2 := time.Parse(time.RFC3339Nano, to)
		if err1 == nil && err2 == nil {
			out = append(out, gap{f, t})
		}
	}
	return out
}

func formatGaps(gs []gap) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = g.from.UTC().Format(time.RFC3339Nano) + "/" + g.to.UTC().Format(time.RFC3339Nano)
	}
	return strings.Join(parts, ",")
}

// expiredAt reports the expired span of table t that holds bound.
func expiredAt(t *table.Table, bound time.Time) (gap, bool) {
	for _, g := range parseGaps(t.Metadata().Properties()[PropExpiredGaps]) {
		if !bound.Before(g.from) && bound.Before(g.to) {
			return g, true
		}
	}
	return gap{}, false
}
