package pipelines

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/mill"
)

// sliceSource emits n documents; it can block after a given count so tests
// can interrupt a run mid-way.
type sliceSource struct {
	n       int
	pauseAt int           // when > 0, close paused and wait on resume after this many
	paused  chan struct{} // closed when the pause point is reached
	resume  chan struct{}
	skips   int // emit this many Skips first
}

func (s *sliceSource) Read(ctx context.Context, out mill.Emitter) error {
	for i := 0; i < s.skips; i++ {
		out.Skip("malformed_json", fmt.Errorf("line %d: bad", i+1))
	}
	for i := 0; i < s.n; i++ {
		if s.pauseAt > 0 && i == s.pauseAt {
			close(s.paused)
			<-s.resume
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		d := &mill.Document{ID: fmt.Sprint(i), Text: fmt.Sprintf("doc %d", i)}
		if err := out.Emit(d); err != nil {
			return err
		}
	}
	return nil
}

// jitter sleeps a random time so that parallel workers finish out of order.
type jitter struct{}

func (jitter) Process(_ context.Context, d *mill.Document) error {
	time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
	d.Text = strings.ToUpper(d.Text)
	switch {
	case strings.HasSuffix(d.ID, "7"):
		return mill.Drop("ends_in_seven")
	case d.ID == "13":
		panic("unlucky")
	case d.ID == "21":
		return errors.New("cannot process")
	}
	return nil
}

type memSink struct {
	mu        sync.Mutex
	docs      []*mill.Document
	closed    int
	committed uint64
	failAt    int
}

func (s *memSink) Write(_ context.Context, d *mill.Document) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failAt > 0 && len(s.docs) == s.failAt {
		return errors.New("disk full")
	}
	s.docs = append(s.docs, d)
	return nil
}

func (s *memSink) Close(context.Context) error { s.closed++; return nil }

func (s *memSink) Committed() (uint64, error) { return s.committed, nil }

func (s *memSink) ids() []string {
	var ids []string
	for _, d := range s.docs {
		ids = append(ids, d.ID)
	}
	return ids
}

func run(t *testing.T, workers int, src mill.Source, sink *memSink) *Summary {
	t.Helper()
	e := &Engine{Sources: []NamedSource{{"test", src}},
		Stages: []NamedStage{{Name: "jitter", Proc: jitter{}, Workers: workers}},
		Sink:   NamedSink{"mem", sink}, Buffer: 4}
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestParallelWorkersKeepOrder(t *testing.T) {
	var want []string
	for _, workers := range []int{1, 2, 4, 8} {
		sink := &memSink{}
		sum := run(t, workers, &sliceSource{n: 500, skips: 3}, sink)
		if sink.closed != 1 {
			t.Fatalf("sink closed %d times", sink.closed)
		}
		if want == nil {
			want = sink.ids()
			if len(want) != 500-50-2 {
				t.Fatalf("got %d documents, want 448", len(want))
			}
		} else if !reflect.DeepEqual(sink.ids(), want) {
			t.Fatalf("workers=%d changed the output order", workers)
		}
		st := sum.Stage("jitter")
		wantDrops := map[string]int64{"ends_in_seven": 50, "panic": 1, "error": 1}
		if !reflect.DeepEqual(st.Dropped, wantDrops) || st.In != 500 || st.Out != 448 {
			t.Errorf("workers=%d: stage stats %+v", workers, st)
		}
		if r := sum.Stage("read"); r.In != 503 || r.Out != 500 || r.Dropped["malformed_json"] != 3 {
			t.Errorf("read stats %+v", r)
		}
	}
}

func TestInterruptCommitsInFlight(t *testing.T) {
	src := &sliceSource{n: 1000, pauseAt: 100, paused: make(chan struct{}),
		resume: make(chan struct{})}
	sink := &memSink{}
	e := &Engine{Sources: []NamedSource{{"test", src}},
		Stages: []NamedStage{{Name: "jitter", Proc: jitter{}, Workers: 4}},
		Sink:   NamedSink{"mem", sink}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-src.paused
		cancel()
		close(src.resume)
	}()
	sum, err := e.Run(ctx)
	if !errors.Is(err, ErrInterrupted) || !sum.Interrupted {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if sink.closed != 1 {
		t.Fatalf("sink closed %d times, want 1", sink.closed)
	}
	// Reading stopped soon after the cancellation, and everything read
	// was processed and reached the sink.
	read, st := sum.Stage("read").Out, sum.Stage("jitter")
	if read < 100 || read > 110 {
		t.Errorf("read %d documents; want to stop soon after 100", read)
	}
	if st.In != read || int64(len(sink.docs)) != st.Out {
		t.Errorf("read %d, processed %d, kept %d, committed %d: documents in flight were lost",
			read, st.In, st.Out, len(sink.docs))
	}
}

func TestResumeReplaysCommittedDocuments(t *testing.T) {
	full := &memSink{}
	run(t, 3, &sliceSource{n: 200}, full)

	resumed := &memSink{committed: 120}
	sum := run(t, 3, &sliceSource{n: 200}, resumed)
	if sum.Replayed != 120 {
		t.Errorf("replayed %d, want 120", sum.Replayed)
	}
	var want []string
	for _, d := range full.docs {
		if d.Seq >= 120 {
			want = append(want, d.ID)
		}
	}
	if !reflect.DeepEqual(resumed.ids(), want) {
		t.Errorf("resumed run wrote %v, want %v", resumed.ids(), want)
	}
}

// seen is a stateful stage: it must see replayed documents to rebuild state.
type seen struct{ n int }

func (s *seen) Process(_ context.Context, d *mill.Document) error {
	s.n++
	return nil
}

func TestStatefulStagesSeeReplayedDocuments(t *testing.T) {
	st := &seen{}
	after := &seen{}
	e := &Engine{Sources: []NamedSource{{"test", &sliceSource{n: 50}}},
		Stages: []NamedStage{{Name: "seen", Proc: st, Workers: 1, Stateful: true},
			{Name: "after", Proc: after, Workers: 1}},
		Sink: NamedSink{"mem", &memSink{committed: 30}}}
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.n != 50 || after.n != 20 {
		t.Errorf("stateful stage saw %d (want 50), stateless after it %d (want 20)", st.n, after.n)
	}
}

func TestSinkErrorStopsRun(t *testing.T) {
	sink := &memSink{failAt: 10}
	e := &Engine{Sources: []NamedSource{{"test", &sliceSource{n: 100000}}},
		Sink: NamedSink{"mem", sink}}
	_, err := e.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	if sink.closed != 1 {
		t.Errorf("sink closed %d times", sink.closed)
	}
}

func BenchmarkEngineOverhead(b *testing.B) {
	for b.Loop() {
		e := &Engine{Sources: []NamedSource{{"test", &sliceSource{n: 10000}}},
			Stages: []NamedStage{{Name: "seen", Proc: &seen{}, Workers: 1},
				{Name: "par", Proc: &seen{}, Workers: 2}},
			Sink: NamedSink{"mem", &memSink{}}}
		if _, err := e.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// fatalAt stops the run at one document.
type fatalAt struct{ id string }

func (f fatalAt) Process(_ context.Context, d *mill.Document) error {
	if d.ID == f.id {
		return mill.Fatal(errors.New("index full"))
	}
	return nil
}

func TestFatalProcessorErrorStopsRunAndResumes(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) { testFatal(t, workers) })
	}
}

func testFatal(t *testing.T, workers int) {
	sink := &memSink{}
	e := &Engine{Sources: []NamedSource{{"test", &sliceSource{n: 5000}}},
		Stages: []NamedStage{{Name: "fatal", Proc: fatalAt{"3000"}, Workers: workers}},
		Sink:   NamedSink{"mem", sink}}
	_, err := e.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "fatal: document 3000: index full") {
		t.Fatalf("err = %v", err)
	}
	if sink.closed != 1 || len(sink.docs) > 3000 {
		t.Fatalf("sink closed %d times with %d docs", sink.closed, len(sink.docs))
	}
	// What was committed is a prefix; a resumed run continues after it.
	for i, d := range sink.docs {
		if d.ID != fmt.Sprint(i) {
			t.Fatalf("committed documents are not a prefix: %s at %d", d.ID, i)
		}
	}
	rest := &memSink{committed: uint64(len(sink.docs))}
	e = &Engine{Sources: []NamedSource{{"test", &sliceSource{n: 5000}}},
		Sink: NamedSink{"mem", rest}}
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rest.docs) == 0 || rest.docs[0].Seq != uint64(len(sink.docs)) {
		t.Errorf("resume did not continue after the committed prefix")
	}
}
