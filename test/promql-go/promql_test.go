// Prometheus's own PromQL acceptance files, run against saba's engine: promqltest (from the
// prometheus module, with the test data it embeds) loads each file's series, and for every eval
// asks a QueryEngine; ours hands the series and the query to saba's engine through a pipe
// (test/promql/eval-server.ts) and turns its answer back into promql values for the comparison.
// Eval blocks that use what saba does not evaluate (native histograms, subqueries, experimental
// functions, group_left/right's fill modifiers...) are left out by the filter below; everything
// else must match Prometheus exactly (values within promqltest's tolerance).
package promqlgo

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/util/stats"
)

// sabaEngine evaluates through one long-lived node process.
type sabaEngine struct {
	mu  sync.Mutex
	in  *json.Encoder
	out *bufio.Scanner
}

func startEngine(t *testing.T) *sabaEngine {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	node := os.Getenv("SABA_NODE")
	if node == "" {
		t.Fatal("SABA_NODE must name Node 24 (npm test sets it)")
	}
	cmd := exec.Command(node, filepath.Join(root, "test", "promql", "eval-server.ts"))
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting saba's engine: %v", err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	scanner := bufio.NewScanner(stdout)
	scanner.Buffer(make([]byte, 1<<20), 256<<20)
	return &sabaEngine{in: json.NewEncoder(stdin), out: scanner}
}

type wireSeries struct {
	Labels  map[string]string `json:"labels"`
	Samples [][2]any          `json:"samples"`
}

type request struct {
	Series  []wireSeries `json:"series"`
	Query   string       `json:"query"`
	Start   int64        `json:"start"`
	End     int64        `json:"end"`
	Step    int64        `json:"step"`
	Instant bool         `json:"instant"`
}

type answer struct {
	Result *struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"result"`
	Error string `json:"error"`
	Parse bool   `json:"parse"`
}

func formatValue(v float64) string {
	switch {
	case value.IsStaleNaN(v):
		return "stale"
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func parseValue(s string) float64 {
	switch s {
	case "NaN":
		return math.NaN()
	case "+Inf":
		return math.Inf(1)
	case "-Inf":
		return math.Inf(-1)
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// everything reads every float series the test loaded.
func everything(ctx context.Context, q storage.Queryable) ([]wireSeries, error) {
	querier, err := q.Querier(math.MinInt64, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	defer querier.Close()
	set := querier.Select(ctx, true, nil, labels.MustNewMatcher(labels.MatchRegexp, "__name__", ".*"))
	out := []wireSeries{}
	for set.Next() {
		s := set.At()
		ws := wireSeries{Labels: s.Labels().Map()}
		it := s.Iterator(nil)
		histograms := false
		for typ := it.Next(); typ != chunkenc.ValNone; typ = it.Next() {
			if typ != chunkenc.ValFloat {
				histograms = true // a native histogram series: saba stores floats only
				continue
			}
			ts, v := it.At()
			ws.Samples = append(ws.Samples, [2]any{ts, formatValue(v)})
		}
		if len(ws.Samples) > 0 && !histograms {
			out = append(out, ws)
		}
	}
	return out, set.Err()
}

type sabaQuery struct {
	engine *sabaEngine
	q      storage.Queryable
	req    request
}

func (e *sabaEngine) NewInstantQuery(_ context.Context, q storage.Queryable, _ promql.QueryOpts, qs string, ts time.Time) (promql.Query, error) {
	ms := ts.UnixMilli()
	return &sabaQuery{engine: e, q: q, req: request{Query: qs, Start: ms, End: ms, Instant: true}}, nil
}

func (e *sabaEngine) NewRangeQuery(_ context.Context, q storage.Queryable, _ promql.QueryOpts, qs string, start, end time.Time, interval time.Duration) (promql.Query, error) {
	return &sabaQuery{engine: e, q: q, req: request{Query: qs, Start: start.UnixMilli(), End: end.UnixMilli(), Step: interval.Milliseconds()}}, nil
}

func (q *sabaQuery) Exec(ctx context.Context) *promql.Result {
	series, err := everything(ctx, q.q)
	if err != nil {
		return &promql.Result{Err: err}
	}
	q.req.Series = series
	q.engine.mu.Lock()
	defer q.engine.mu.Unlock()
	if err := q.engine.in.Encode(q.req); err != nil {
		return &promql.Result{Err: err}
	}
	if !q.engine.out.Scan() {
		return &promql.Result{Err: fmt.Errorf("saba's engine stopped: %v", q.engine.out.Err())}
	}
	var a answer
	if err := json.Unmarshal(q.engine.out.Bytes(), &a); err != nil {
		return &promql.Result{Err: err}
	}
	if a.Error != "" {
		return &promql.Result{Err: errors.New(a.Error)}
	}
	v, err := decode(a.Result.ResultType, a.Result.Result)
	return &promql.Result{Value: v, Err: err}
}

func toLabels(m map[string]string) labels.Labels { return labels.FromMap(m) }

func decode(kind string, raw json.RawMessage) (parser.Value, error) {
	switch kind {
	case "scalar":
		var r [2]any
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		return promql.Scalar{T: int64(r[0].(float64)), V: parseValue(r[1].(string))}, nil
	case "string":
		var r [2]any
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		return promql.String{T: int64(r[0].(float64)), V: r[1].(string)}, nil
	case "vector":
		var r []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		vec := promql.Vector{}
		for _, s := range r {
			vec = append(vec, promql.Sample{Metric: toLabels(s.Metric), T: int64(s.Value[0].(float64)), F: parseValue(s.Value[1].(string))})
		}
		return vec, nil
	case "matrix":
		var r []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		mat := promql.Matrix{}
		for _, s := range r {
			series := promql.Series{Metric: toLabels(s.Metric)}
			for _, p := range s.Values {
				series.Floats = append(series.Floats, promql.FPoint{T: int64(p[0].(float64)), F: parseValue(p[1].(string))})
			}
			mat = append(mat, series)
		}
		return mat, nil
	}
	return nil, fmt.Errorf("unknown result type %q", kind)
}

func (q *sabaQuery) Close()                      {}
func (q *sabaQuery) Statement() parser.Statement { return nil }
func (q *sabaQuery) Stats() *stats.Statistics    { return nil }
func (q *sabaQuery) Cancel()                     {}
func (q *sabaQuery) String() string              { return q.req.Query }

// What saba leaves out, with why: each eval block whose query matches is removed from the file.
var unsupported = []struct {
	why string
	re  *regexp.Regexp
}{
	{"native histograms", regexp.MustCompile(`histogram|\{\{|\{count:|mixed_`)},
	{"subqueries", regexp.MustCompile(`\[[^\]]*:[^\]]*\]`)},
	{"experimental and newer functions", regexp.MustCompile(`\b(limitk|limit_ratio|sort_by_label|sort_by_label_desc|double_exponential_smoothing|holt_winters|mad_over_time|ts_of_(min|max|last|first)_over_time|first_over_time|info|step|range|acos|asin|atan|cos|sin|tan|acosh|asinh|atanh|cosh|sinh|tanh|deg|rad|min_of|max_of|integral)\s*\(`)},
	{"the start() and end() functions", regexp.MustCompile(`(?:^|[^@ ]) *\b(?:start|end)\(\)`)},
	{"number literals ending in a point (the UI grammar refuses them)", regexp.MustCompile(`[0-9]\.(\s|$)`)},
	{"strings that are not UTF-8 (Go strings hold any bytes)", regexp.MustCompile(`\\x[89a-fA-F]`)},
	{"fill modifiers and duration expressions", regexp.MustCompile(`\bfill(_left|_right)?\s*\(|\[[^\]]*[+*/()][^\]]*\]|offset\s*\(|smoothed|anchored`)},
	{"UTF-8 quoted names", regexp.MustCompile(`\{"|,\s*"[^"]*"\s*[=!]|\("[^"]*"\)|by\s*\("|on\s*\("`)},
	{"type and unit labels", regexp.MustCompile(`__type__|__unit__`)},
}

var (
	seriesName     = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*`)
	annotation     = regexp.MustCompile(`^expect\s+(warn|info|no_warn|no_info)\b`)
	annotationEval = regexp.MustCompile(`^(\s*)eval_(?:warn|info)\b`)
)

// filtered drops the eval commands saba does not evaluate, with their expected lines: those whose
// query matches an unsupported feature, or whose expected values are native histograms.
func filtered(content string) (string, []string) {
	var out, dropped, block []string
	histogramSeries := map[string]bool{}
	flush := func() {
		if len(block) == 0 {
			return
		}
		head := strings.TrimSpace(block[0])
		if strings.HasPrefix(head, "clear") {
			histogramSeries = map[string]bool{}
		}
		if strings.HasPrefix(head, "load") {
			for _, l := range block[1:] {
				if strings.Contains(l, "{{") {
					if name := seriesName.FindString(strings.TrimSpace(l)); name != "" {
						histogramSeries[name] = true
					}
				}
			}
		}
		if strings.HasPrefix(head, "eval") {
			for name := range histogramSeries {
				if regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(head) {
					dropped = append(dropped, "series holding native histograms: "+head)
					block = nil
					return
				}
			}
			for _, u := range unsupported {
				if u.re.MatchString(head) || (u.why == "native histograms" && u.re.MatchString(strings.Join(block[1:], "\n"))) {
					dropped = append(dropped, u.why+": "+head)
					block = nil
					return
				}
			}
		}
		out = append(out, block...)
		block = nil
	}
	for _, line := range strings.Split(content, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "eval") || strings.HasPrefix(trimmed, "load") || strings.HasPrefix(trimmed, "clear") {
			flush()
		}
		// Annotations (Prometheus's warnings and infos) are not part of saba's answers; the values are.
		if annotation.MatchString(trimmed) {
			continue
		}
		block = append(block, annotationEval.ReplaceAllString(line, "${1}eval"))
	}
	flush()
	return strings.Join(out, "\n"), dropped
}

// The acceptance files saba runs; the others are about features it does not have.
var files = []string{
	"aggregators.test",
	"at_modifier.test",
	"collision.test",
	"functions.test",
	"literals.test",
	"operators.test",
	"selectors.test",
	"staleness.test",
	"range_queries.test",
}

func testdataDir(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/prometheus/prometheus").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "promql", "promqltest", "testdata")
}

func TestPrometheusAcceptance(t *testing.T) {
	engine := startEngine(t)
	dir := testdataDir(t)
	var report []string
	for _, name := range files {
		content, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		kept, dropped := filtered(string(content))
		evals := strings.Count(kept, "\neval")
		why := map[string]int{}
		for _, d := range dropped {
			why[strings.SplitN(d, ":", 2)[0]]++
		}
		report = append(report, fmt.Sprintf("%s: %d evals run, %d left out %v", name, evals, len(dropped), why))
		t.Run(name, func(t *testing.T) {
			promqltest.RunTest(t, kept, engine)
		})
	}
	sort.Strings(report)
	for _, r := range report {
		t.Log(r)
	}
}
