// Command load offers HTTP requests at a fixed rate (open loop) and
// reports the latency distribution, measured from the time each request
// was due, so that a slow server cannot lower the offered load and hide
// its queueing (wrk's closed loop can). bench/run.sh uses it for the
// design.md §9 target "p99 < 10 ms at 1,000 req/s".
//
//	load -rate 1000 -duration 20s -header 'Cookie: nrm_session=…' -max-id 1000000 http://127.0.0.1:18080/cases/
//
// A URL ending in "/" gets a random id from 1 to -max-id appended.
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	rate := flag.Int("rate", 1000, "requests per second")
	dur := flag.Duration("duration", 20*time.Second, "how long to offer load")
	warm := flag.Duration("warmup", 2*time.Second, "load offered before measuring")
	maxID := flag.Int64("max-id", 1, "largest id appended to a URL ending in /")
	inflight := flag.Int("max-inflight", 512, "requests in flight at most; more are counted as dropped")
	var headers multiFlag
	flag.Var(&headers, "header", `request header "Name: value" (repeatable)`)
	flag.Parse()
	if flag.NArg() != 1 || *rate <= 0 {
		fmt.Fprintln(os.Stderr, "usage: load [flags] URL")
		os.Exit(2)
	}
	url := flag.Arg(0)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: *inflight, MaxConnsPerHost: *inflight, DisableCompression: true}}

	var (
		mu        sync.Mutex
		lat       []time.Duration
		errs      int
		dropped   int
		completed int
		wg        sync.WaitGroup
	)
	sem := make(chan struct{}, *inflight)
	rnd := rand.New(rand.NewPCG(1, 2))
	interval := time.Second / time.Duration(*rate)
	start := time.Now()
	measureFrom := start.Add(*warm)
	end := measureFrom.Add(*dur)
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if !due.Before(end) {
			break
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		u := url
		if strings.HasSuffix(u, "/") {
			u += strconv.FormatInt(1+rnd.Int64N(*maxID), 10)
		}
		measured := !due.Before(measureFrom)
		select {
		case sem <- struct{}{}:
		default:
			if measured {
				mu.Lock()
				dropped++
				mu.Unlock()
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ok := get(client, u, headers)
			took := time.Since(due)
			if !measured {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			completed++
			if !ok {
				errs++
			}
			lat = append(lat, took)
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p / 100 * float64(len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	fmt.Printf("offered %d req/s for %s: completed %d (%.0f req/s), errors %d, dropped %d; latency p50 %.2f ms p90 %.2f ms p99 %.2f ms p99.9 %.2f ms max %.2f ms\n",
		*rate, *dur, completed, float64(completed)/dur.Seconds(), errs, dropped, pct(50), pct(90), pct(99), pct(99.9), pct(100))
	if errs > 0 || dropped > 0 {
		os.Exit(1)
	}
}

// get performs one request and reads the whole body; it reports a 2xx.
func get(c *http.Client, url string, headers []string) bool {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return false
	}
	for _, h := range headers {
		if name, value, ok := strings.Cut(h, ":"); ok {
			req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
		}
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err == nil && resp.StatusCode/100 == 2
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ", ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
