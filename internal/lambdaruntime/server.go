package lambdaruntime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The Runtime API's paths and headers.
const (
	// PathPrefix is the API version prefix every path starts with.
	PathPrefix = "/2018-06-01/runtime"

	HeaderRequestID   = "Lambda-Runtime-Aws-Request-Id"
	HeaderDeadline    = "Lambda-Runtime-Deadline-Ms"
	HeaderFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	HeaderTraceID     = "Lambda-Runtime-Trace-Id"
	HeaderErrorType   = "Lambda-Runtime-Function-Error-Type"
)

// Defaults of Options.
const (
	DefaultFunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:local"
	DefaultTimeout     = 30 * time.Second
	// MaxResponseSize is Lambda's limit on a synchronous response (6 MB);
	// the server refuses longer bodies as Lambda does.
	MaxResponseSize = 6 << 20
)

// Errors of Invoke, besides *FunctionError and the context's errors.
var (
	// ErrInitFailed: the function reported an init error (InitError holds
	// it); every invocation fails with it.
	ErrInitFailed = errors.New("function initialisation failed")
	// ErrTimeout: the function did not answer before the invocation's
	// deadline. Lambda would stop the runtime; so should the caller.
	ErrTimeout = errors.New("invocation timed out")
	// ErrClosed: Close was called (or the process exited, with Start).
	ErrClosed = errors.New("runtime API closed")
)

// FunctionError is an error the function reported, to
// /invocation/{id}/error or /init/error.
type FunctionError struct {
	// RequestID is the invocation's id; empty for an init error.
	RequestID string `json:"-"`
	// HeaderType is the Lambda-Runtime-Function-Error-Type header.
	HeaderType string `json:"-"`
	Type       string `json:"errorType"`
	Message    string `json:"errorMessage"`
	// StackTrace is kept as sent: runtimes send strings or frame objects.
	StackTrace json.RawMessage `json:"stackTrace,omitempty"`
}

func (e *FunctionError) Error() string {
	where := "init error"
	if e.RequestID != "" {
		where = "invocation " + e.RequestID
	}
	return fmt.Sprintf("%s: %s: %s", where, e.Type, e.Message)
}

// Options configure a Server. The zero value is usable.
type Options struct {
	// FunctionARN is sent in Lambda-Runtime-Invoked-Function-Arn.
	// Default DefaultFunctionARN.
	FunctionARN string
	// Timeout is each invocation's deadline, counted from the moment the
	// function takes it (Lambda-Runtime-Deadline-Ms). Default 30 s.
	Timeout time.Duration
}

// Server is a local Lambda Runtime API for one function. Invoke may be
// called from several goroutines; the function takes one invocation at a
// time, as in Lambda.
type Server struct {
	arn     string
	timeout time.Duration
	mux     *http.ServeMux

	queue chan *invocation
	seq   atomic.Int64
	nexts atomic.Int64

	mu         sync.Mutex
	pending    map[string]*invocation
	initErr    *FunctionError
	initFailed chan struct{}
	closeErr   error
	closed     chan struct{}
	ready      chan struct{}
	readyAt    time.Time
}

// invocation is one queued event and, once answered, the function's
// response or error.
type invocation struct {
	id         string
	payload    []byte
	dispatched chan struct{} // closed when the function took it
	deadline   time.Time     // set before dispatched is closed
	done       chan struct{} // closed when resp or err is set
	resp       []byte
	err        *FunctionError
}

var _ http.Handler = (*Server)(nil)

// NewServer returns a Runtime API with no invocation queued.
func NewServer(opts Options) *Server {
	s := &Server{
		arn:        opts.FunctionARN,
		timeout:    opts.Timeout,
		queue:      make(chan *invocation),
		pending:    map[string]*invocation{},
		initFailed: make(chan struct{}),
		closed:     make(chan struct{}),
		ready:      make(chan struct{}),
	}
	if s.arn == "" {
		s.arn = DefaultFunctionARN
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET "+PathPrefix+"/invocation/next", s.next)
	s.mux.HandleFunc("POST "+PathPrefix+"/invocation/{id}/response", s.response)
	s.mux.HandleFunc("POST "+PathPrefix+"/invocation/{id}/error", s.invocationError)
	s.mux.HandleFunc("POST "+PathPrefix+"/init/error", s.initError)
	return s
}

// ServeHTTP serves the Runtime API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Invoke queues payload as one invocation and waits for the function's
// answer: the response body, or a *FunctionError, ErrInitFailed (wrapping
// the init *FunctionError), ErrTimeout, ErrClosed, or ctx's error.
func (s *Server) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	inv := &invocation{
		id:         requestID(s.seq.Add(1)),
		payload:    payload,
		dispatched: make(chan struct{}),
		done:       make(chan struct{}),
	}
	s.mu.Lock()
	s.pending[inv.id] = inv
	s.mu.Unlock()
	// An invocation the function took stays pending until it answers, even
	// if this call gives up: the late answer is accepted and dropped, so
	// the runtime carries on with the next one.
	defer func() {
		select {
		case <-inv.dispatched:
		default:
			s.mu.Lock()
			delete(s.pending, inv.id)
			s.mu.Unlock()
		}
	}()

	select {
	case s.queue <- inv:
	case <-ctx.Done():
		return nil, fmt.Errorf("queueing invocation %s: %w", inv.id, ctx.Err())
	case <-s.initFailed:
		return nil, s.initFailure()
	case <-s.closed:
		return nil, s.closedError()
	}
	<-inv.dispatched
	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	select {
	case <-inv.done:
		if inv.err != nil {
			return nil, inv.err
		}
		return inv.resp, nil
	case <-timer.C:
		return nil, fmt.Errorf("invocation %s: %w after %v", inv.id, ErrTimeout, s.timeout)
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for invocation %s: %w", inv.id, ctx.Err())
	case <-s.initFailed:
		return nil, s.initFailure()
	case <-s.closed:
		return nil, s.closedError()
	}
}

// InitError is the error the function reported to /init/error, or nil.
func (s *Server) InitError() *FunctionError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initErr
}

// InitFailed is closed when the function reports an init error.
func (s *Server) InitFailed() <-chan struct{} { return s.initFailed }

// Ready is closed when the function first asks for an invocation, that
// is when its initialisation is done; ReadyAt says when.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// ReadyAt is the time of the function's first /next request; zero before.
func (s *Server) ReadyAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readyAt
}

// Nexts counts the function's /next requests.
func (s *Server) Nexts() int64 { return s.nexts.Load() }

// Close fails every waiting and later Invoke with cause (ErrClosed when
// nil; a non-nil cause should wrap ErrClosed) and ends waiting /next
// requests. It is safe to call more than once; the first cause stays.
func (s *Server) Close(cause error) {
	if cause == nil {
		cause = ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closed:
	default:
		s.closeErr = cause
		close(s.closed)
	}
}

// closedError is the error of an Invoke that found the server closed: the
// init error when there was one (a process that failed to start exits,
// which closes a Start's server), else the close cause.
func (s *Server) closedError() error {
	if s.InitError() != nil {
		return s.initFailure()
	}
	return s.closeErr
}

func (s *Server) initFailure() error {
	return fmt.Errorf("%w: %w", ErrInitFailed, s.InitError())
}

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	if s.nexts.Add(1) == 1 {
		s.mu.Lock()
		s.readyAt = time.Now()
		s.mu.Unlock()
		close(s.ready)
	}
	select {
	case inv := <-s.queue:
		inv.deadline = time.Now().Add(s.timeout)
		close(inv.dispatched)
		h := w.Header()
		h.Set(HeaderRequestID, inv.id)
		h.Set(HeaderDeadline, strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set(HeaderFunctionARN, s.arn)
		h.Set(HeaderTraceID, traceID(inv.deadline, inv.id))
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(inv.payload)
	case <-s.closed:
		apiError(w, http.StatusGone, "Runtime.Closed", "the runtime API is closed")
	case <-r.Context().Done():
	}
}

// requestID is the n-th invocation's id, shaped like Lambda's (a UUID).
func requestID(n int64) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", n, n)
}

// traceID is an X-Ray trace header for an invocation, not sampled.
func traceID(t time.Time, id string) string {
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", t.Unix(), id[:8]+"0000"+id[24:], id[24:]+"0000")
}

// take returns the pending invocation id once; the second answer for an id
// is refused, as Lambda does.
func (s *Server) take(id string) (*invocation, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv, ok := s.pending[id]
	if !ok {
		return nil, false
	}
	select {
	case <-inv.dispatched:
	default:
		return nil, false // not handed out yet
	}
	delete(s.pending, id)
	return inv, true
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseSize+1))
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "reading the response: "+err.Error())
		return
	}
	if len(body) > MaxResponseSize {
		apiError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "the response is larger than 6 MB")
		return
	}
	inv, ok := s.take(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "no pending invocation "+r.PathValue("id"))
		return
	}
	inv.resp = body
	close(inv.done)
	accepted(w)
}

func (s *Server) invocationError(w http.ResponseWriter, r *http.Request) {
	fe := readFunctionError(r)
	inv, ok := s.take(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "no pending invocation "+r.PathValue("id"))
		return
	}
	fe.RequestID = inv.id
	inv.err = fe
	close(inv.done)
	accepted(w)
}

func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	fe := readFunctionError(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.initErr != nil {
		apiError(w, http.StatusForbidden, "InvalidStateTransition", "init error already reported")
		return
	}
	s.initErr = fe
	close(s.initFailed)
	accepted(w)
}

// readFunctionError decodes an error report; a body that is not the
// documented JSON still gives an error, typed by the header.
func readFunctionError(r *http.Request) *FunctionError {
	fe := &FunctionError{HeaderType: r.Header.Get(HeaderErrorType)}
	body, _ := io.ReadAll(io.LimitReader(r.Body, MaxResponseSize))
	if err := json.Unmarshal(body, fe); err != nil {
		fe.Message = string(body)
	}
	if fe.Type == "" {
		fe.Type = fe.HeaderType
	}
	if fe.Type == "" {
		fe.Type = "Unhandled"
	}
	return fe
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"status":"OK"}`)
}

func apiError(w http.ResponseWriter, code int, errorType, message string) {
	b, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{message, errorType})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b)
}
