package usersync

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"golang.org/x/time/rate"

	"github.com/cognito-events/cognito-events/internal/emulator/fakecognito"
)

// fakeClient starts a loopback Cognito and returns the real SDK client
// pointed at it as the CLI builds it: LoadDefaultConfig reading
// AWS_ENDPOINT_URL, then NewCognito.
func fakeClient(tb testing.TB, o fakecognito.Options) (*fakecognito.Server, CognitoAPI) {
	tb.Helper()
	f := fakecognito.Start(tb, o)
	dir := tb.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": f.URL, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
	} {
		tb.Setenv(k, v)
	}
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		tb.Fatalf("loading AWS configuration: %v", err)
	}
	return f, NewCognito(cfg, nil)
}

// BenchmarkSyncRate runs a pass of 3 s worth of pages under --rate R
// against a loopback Cognito whose ceiling is R. rate_ratio is the
// requests a second over R (the first passes at once: N requests span N-1
// intervals); min_s_ratio and max_s_ratio are the fullest and emptiest
// whole second the fake counted, over R; throttled must stay 0.
func BenchmarkSyncRate(b *testing.B) {
	for _, limit := range []float64{DefaultRate, 50} {
		b.Run("rate="+strconv.Itoa(int(limit)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, client := fakeClient(b, fakecognito.Options{Users: int(3*limit) * PageSize, Ceiling: limit})
				e := newEngine(b, client, filepath.Join(b.TempDir(), "s.db"), &recorder{})
				e.Limiter = rate.NewLimiter(rate.Limit(limit), 1)
				e.Baseline = true
				start := time.Now()
				s, err := e.SyncPool(context.Background(), f.PoolID())
				if err != nil {
					b.Fatalf("sync: %v", err)
				}
				b.ReportMetric(float64(s.Requests-1)/time.Since(start).Seconds()/limit, "rate_ratio")
				c := f.Counts()
				if full := c.PerSecond[:len(c.PerSecond)-1]; len(full) > 0 {
					lo, hi := full[0], full[0]
					for _, n := range full {
						lo, hi = min(lo, n), max(hi, n)
					}
					b.ReportMetric(float64(lo)/limit, "min_s_ratio")
					b.ReportMetric(float64(hi)/limit, "max_s_ratio")
				}
				b.ReportMetric(float64(c.Throttled), "throttled")
			}
		})
	}
}

// BenchmarkSyncState runs two passes (a baseline, then a pass with no
// change, which rewrites every record's pass number) of N users from a
// loopback Cognito into a bolt file; it reports the file's bytes per user
// and the process's memory: peak_rss_MB (VmHWM), and the largest anonymous
// (Go heap and stacks) and file-mapped (the binary, the bbolt map)
// resident sizes sampled every 10 ms. Run one N per process, with
// -test.benchtime 1x, beside /usr/bin/time -f %M (doc.go).
func BenchmarkSyncState(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				stop := sampleRSS(b)
				path := filepath.Join(b.TempDir(), "s.db")
				f, client := fakeClient(b, fakecognito.Options{Users: n})
				e := newEngine(b, client, path, &recorder{})
				e.Baseline = true
				for pass := range 2 {
					if s, err := e.SyncPool(context.Background(), f.PoolID()); err != nil || s.Users != n || s.Delivered != 0 {
						b.Fatalf("pass %d: %+v, err %v", pass+1, s, err)
					}
				}
				fi, err := os.Stat(path)
				if err != nil {
					b.Fatalf("stat: %v", err)
				}
				b.ReportMetric(float64(fi.Size())/float64(n), "file_bytes/user")
				stop()
			}
		})
	}
}

// sampleRSS samples /proc/self/smaps_rollup every 10 ms until the
// returned stop, which reports the peaks; nothing without /proc.
func sampleRSS(b *testing.B) (stop func()) {
	b.Helper()
	if _, err := os.Stat("/proc/self/smaps_rollup"); err != nil {
		return func() {}
	}
	var peakAnon, peakFile float64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			m := procKB("/proc/self/smaps_rollup", "Rss:", "Anonymous:")
			peakAnon, peakFile = max(peakAnon, m[1]), max(peakFile, m[0]-m[1])
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		b.ReportMetric(procKB("/proc/self/status", "VmHWM:")[0]/1024, "peak_rss_MB")
		b.ReportMetric(peakAnon/1024, "peak_anon_MB")
		b.ReportMetric(peakFile/1024, "peak_file_MB")
	}
}

// procKB reads the kB values of keys from a /proc file; 0 when missing.
func procKB(path string, keys ...string) []float64 {
	out := make([]float64, len(keys))
	raw, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(raw), "\n") {
		for i, k := range keys {
			if v, ok := strings.CutPrefix(line, k); ok {
				out[i], _ = strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			}
		}
	}
	return out
}
