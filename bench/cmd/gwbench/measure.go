package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// measured is one child process's cost as the kernel saw it, plus the
// figures the child reported itself on its last line of stdout (JSON).
type measured struct {
	Name   string         `json:"name"`
	Wall   float64        `json:"wall_s"`
	CPU    float64        `json:"cpu_s"`    // user + system, from wait4's rusage
	MaxRSS float64        `json:"rss_mib"`  // peak resident set, from wait4's rusage
	Load   string         `json:"load_avg"` // 1-minute load average at the start
	Report map[string]any `json:"report,omitempty"`
}

// child runs argv to completion and measures it. Every contender (ours,
// Scrapy, pandas, a bare colly) runs this way, so the numbers are alike:
// getrusage of a waited-for child covers that process alone.
func child(name string, env []string, argv ...string) (measured, error) {
	return childIn("", name, env, argv...)
}

// childIn is child with dir as the working directory.
func childIn(dir, name string, env []string, argv ...string) (measured, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	m := measured{Name: name, Wall: time.Since(start).Seconds()}
	if st := cmd.ProcessState; st != nil {
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			m.CPU = tv(ru.Utime) + tv(ru.Stime)
			m.MaxRSS = float64(ru.Maxrss) / 1024 // Linux reports KiB
		}
	}
	if err != nil {
		return m, fmt.Errorf("%s: %w\n%s", name, err, tail(errb.String(), 2000))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; strings.HasPrefix(last, "{") {
		if err := json.Unmarshal([]byte(last), &m.Report); err != nil {
			return m, fmt.Errorf("%s: report %q: %w", name, last, err)
		}
	}
	return m, nil
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// num reads a number the child reported.
func (m measured) num(k string) float64 {
	v, _ := m.Report[k].(float64)
	return v
}

// report prints the child's own figures as its last stdout line.
func report(v any) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

// cpuNow is this process's CPU time so far (all threads, user + system),
// so a child can report the CPU seconds of one phase: unlike wall time,
// that barely moves when other work shares the machine.
func cpuNow() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return tv(ru.Utime) + tv(ru.Stime)
}
