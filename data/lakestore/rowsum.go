package lakestore

import (
	"bufio"
	"bytes"
	"container/heap"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// spillSums is how many row sums a staged file holds in memory (8 MiB):
// past it they are sorted and written to a run file beside the staged
// Parquet file, and the rows hash is a merge of the runs. The hash is the
// same as sortedSum over every sum (lake format 2), but memory no longer
// grows with the rows a file holds: 32 bytes a row was 320 MiB at 10M
// rows, twice that in heap the GC lets grow, and a run keeps a file open
// per partition (19 in the benchmark's ingest), so the bound is per file
// and small.
const spillSums = 1 << 18

// spiller keeps the sorted runs of one staged file.
type spiller struct {
	prefix string   // run files are prefix-0, prefix-1, ...
	runs   []string // written so far
	at     int      // spill when this many sums are held; 0: spillSums
}

// push adds one row's sum, spilling a full buffer.
func (h *rowsHasher) push(s [sha256.Size]byte) error {
	if h.err != nil {
		return h.err
	}
	h.sums = append(h.sums, s)
	if h.spill != nil && len(h.sums) >= h.spill.limit() {
		if err := h.spill.write(h.sums); err != nil {
			h.err = err
			return err
		}
		h.sums = h.sums[:0]
	}
	return nil
}

func (sp *spiller) limit() int {
	if sp.at > 0 {
		return sp.at
	}
	return spillSums
}

// write sorts sums and writes them as the next run file.
func (sp *spiller) write(sums [][sha256.Size]byte) error {
	slices.SortFunc(sums, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	name := fmt.Sprintf("%s-%d", sp.prefix, len(sp.runs))
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("spill row sums: %w", explainFS(err))
	}
	sp.runs = append(sp.runs, name)
	w := bufio.NewWriterSize(f, 1<<16)
	for _, s := range sums {
		_, _ = w.Write(s[:]) // the error is the Flush's
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("spill row sums: %w", explainFS(err))
	}
	return nil
}

// merge returns sortedSum over the runs and the sums still held.
func (sp *spiller) merge(held [][sha256.Size]byte) (string, error) {
	slices.SortFunc(held, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	var q runHeap
	for _, name := range sp.runs {
		f, err := os.Open(name)
		if err != nil {
			return "", fmt.Errorf("merge row sums: %w", err)
		}
		defer f.Close()
		r := &run{r: bufio.NewReaderSize(f, 1<<16)}
		if ok, err := r.next(); err != nil {
			return "", err
		} else if ok {
			q = append(q, r)
		}
	}
	if len(held) > 0 {
		q = append(q, &run{held: held, cur: held[0], mem: true})
	}
	heap.Init(&q)
	out := sha256.New()
	var buf [2 * sha256.Size]byte
	for len(q) > 0 {
		r := q[0]
		hex.Encode(buf[:], r.cur[:])
		out.Write(buf[:])
		ok, err := r.next()
		if err != nil {
			return "", err
		}
		if ok {
			heap.Fix(&q, 0)
		} else {
			heap.Pop(&q)
		}
	}
	return hex.EncodeToString(out.Sum(nil)), nil
}

// remove deletes the run files; nil-safe.
func (sp *spiller) remove() {
	if sp == nil {
		return
	}
	for _, name := range sp.runs {
		os.Remove(name)
	}
	sp.runs = nil
}

// run is one sorted sequence of sums: a run file, or the sums held.
type run struct {
	r    *bufio.Reader
	held [][sha256.Size]byte
	mem  bool
	cur  [sha256.Size]byte
}

// next moves to the run's next sum; false at its end.
func (r *run) next() (bool, error) {
	if r.mem {
		// cur is held[0] until it is taken.
		r.held = r.held[1:]
		if len(r.held) == 0 {
			return false, nil
		}
		r.cur = r.held[0]
		return true, nil
	}
	if _, err := io.ReadFull(r.r, r.cur[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, fmt.Errorf("merge row sums: %w", err)
	}
	return true, nil
}

type runHeap []*run

func (q runHeap) Len() int           { return len(q) }
func (q runHeap) Less(i, j int) bool { return bytes.Compare(q[i].cur[:], q[j].cur[:]) < 0 }
func (q runHeap) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *runHeap) Push(x any)        { *q = append(*q, x.(*run)) }
func (q *runHeap) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
