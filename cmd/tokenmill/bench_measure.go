package main

import (
	"fmt"
	"slices"
	"syscall"
	"time"
)

// benchResult is a single-goroutine throughput measurement.
type benchResult struct {
	bytes  int64
	rounds int
	// best and median are wall-clock times of one round; cpuMedian is the
	// median process CPU time (user + system, garbage collector included) of
	// one round, which is what "per core" figures divide by: on a shared
	// machine it stays close to the truth when wall time does not.
	best, median, cpuMedian time.Duration
}

func (r benchResult) String() string {
	return fmt.Sprintf("%.1f MB/s per core (CPU time; wall %.1f MB/s, best %.1f MB/s; "+
		"median of %d rounds on %.2f MB)",
		mbps(r.bytes, r.cpuMedian), mbps(r.bytes, r.median), mbps(r.bytes, r.best), r.rounds,
		float64(r.bytes)/1e6)
}

func mbps(n int64, d time.Duration) float64 { return float64(n) / d.Seconds() / 1e6 }

// measure runs f (one pass over bytes of input) on the calling goroutine
// for at least five rounds and two seconds, after one warm-up round.
func measure(bytes int64, f func()) benchResult {
	f()
	var wall, cpu []time.Duration
	start := time.Now()
	for len(wall) < 5 || (time.Since(start) < 2*time.Second && len(wall) < 50) {
		c0, t0 := cpuTime(), time.Now()
		f()
		wall = append(wall, time.Since(t0))
		cpu = append(cpu, cpuTime()-c0)
	}
	slices.Sort(wall)
	slices.Sort(cpu)
	return benchResult{bytes: bytes, rounds: len(wall), best: wall[0],
		median: wall[len(wall)/2], cpuMedian: max(cpu[len(cpu)/2], time.Microsecond)}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
