package fakecognito

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// Protocol constants of AWS JSON 1.1 for Cognito user pools.
const (
	targetPrefix = "AWSCognitoIdentityProviderService."
	contentType  = "application/x-amz-json-1.1"

	OpListUsers        = "ListUsers"
	OpAdminGetUser     = "AdminGetUser"
	OpDescribeUserPool = "DescribeUserPool"

	CodeTooManyRequests = "TooManyRequestsException"
	CodeInternal        = "InternalErrorException"
	codeUserNotFound    = "UserNotFoundException"
	codeNotFound        = "ResourceNotFoundException"
	codeInvalidParam    = "InvalidParameterException"
	codeUnknownOp       = "UnknownOperationException"
)

// DefaultPool is the pool id served when Options.PoolID is empty.
const DefaultPool = "us-east-1_fake"

// Account is the account id of the pool's ARN.
const Account = "123456789012"

// MaxLimit is ListUsers' largest Limit, as in Cognito.
const MaxLimit = 60

// Options configure a Server.
type Options struct {
	// Users is the number of users, user 0 to Users-1.
	Users int
	// PoolID is the one pool served; DefaultPool when empty.
	PoolID string
	// Ceiling, when positive, is the most requests a second admitted
	// (a token bucket with a burst of one second's worth): others get
	// HTTP 400 TooManyRequestsException.
	Ceiling float64
	// Burst is the ceiling's bucket size; 0 means one second's worth.
	Burst int
	// Fault, when set, is asked about every request (n counts requests
	// from 1, op is the operation): a non-zero status answers with it and
	// the error code (empty code: an empty body).
	Fault func(n int64, op string) (status int, code string)
}

// Counts is what a Server answered.
type Counts struct {
	// Requests admitted and answered (successes and Cognito errors such
	// as UserNotFoundException).
	Admitted int64
	// Throttled by the ceiling.
	Throttled int64
	// Faulted by Options.Fault.
	Faulted int64
	// PerSecond holds the requests admitted in each whole second since
	// the first request (the last one may be partial).
	PerSecond []int64
}

// Server is a running fake.
type Server struct {
	// URL is the endpoint, http://127.0.0.1:PORT.
	URL  string
	pool string
	srv  *httptest.Server
	lim  *rate.Limiter

	users                       atomic.Int64
	seq, admitted, thr, faulted atomic.Int64
	fault                       func(int64, string) (int, string)

	mu     sync.Mutex
	first  time.Time
	perSec []int64
}

// Start starts a server on a loopback port, stopped when tb ends.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	s := New(o)
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// New returns the server as a handler, for callers serving it themselves.
func New(o Options) *Server {
	s := &Server{pool: o.PoolID, fault: o.Fault}
	if s.pool == "" {
		s.pool = DefaultPool
	}
	s.users.Store(int64(max(o.Users, 0)))
	if o.Ceiling > 0 {
		burst := o.Burst
		if burst <= 0 {
			burst = max(1, int(math.Ceil(o.Ceiling)))
		}
		s.lim = rate.NewLimiter(rate.Limit(o.Ceiling), burst)
	}
	return s
}

// PoolID is the id of the pool served.
func (s *Server) PoolID() string { return s.pool }

// ARN is the pool's ARN.
func (s *Server) ARN() string {
	return "arn:aws:cognito-idp:us-east-1:" + Account + ":userpool/" + s.pool
}

// SetUsers changes the number of users: users at or past n are deleted.
func (s *Server) SetUsers(n int) { s.users.Store(int64(max(n, 0))) }

// Counts returns what the server answered so far.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Counts{Admitted: s.admitted.Load(), Throttled: s.thr.Load(), Faulted: s.faulted.Load(),
		PerSecond: append([]int64(nil), s.perSec...)}
}

func (s *Server) count() {
	s.admitted.Add(1)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first.IsZero() {
		s.first = now
	}
	sec := int(now.Sub(s.first) / time.Second)
	for len(s.perSec) <= sec {
		s.perSec = append(s.perSec, 0)
	}
	s.perSec[sec]++
}

// request is the union of the inputs of the served operations.
type request struct {
	UserPoolID      string `json:"UserPoolId"`
	Limit           *int   `json:"Limit"`
	PaginationToken string `json:"PaginationToken"`
	Username        string `json:"Username"`
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	if r.Method != http.MethodPost || !ok {
		writeError(w, http.StatusBadRequest, codeUnknownOp, "want POST with X-Amz-Target "+targetPrefix+"<Operation>")
		return
	}
	n := s.seq.Add(1)
	if s.fault != nil {
		if status, code := s.fault(n, op); status != 0 {
			s.faulted.Add(1)
			writeError(w, status, code, "injected fault")
			return
		}
	}
	if s.lim != nil && !s.lim.Allow() {
		s.thr.Add(1)
		writeError(w, http.StatusBadRequest, CodeTooManyRequests, "Too many requests")
		return
	}
	s.count()
	var in request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "SerializationException", "decoding the request: "+err.Error())
		return
	}
	if in.UserPoolID != s.pool {
		writeError(w, http.StatusBadRequest, codeNotFound, "User pool "+in.UserPoolID+" does not exist.")
		return
	}
	switch op {
	case OpListUsers:
		s.listUsers(w, in)
	case OpAdminGetUser:
		s.adminGetUser(w, in)
	case OpDescribeUserPool:
		writeJSON(w, map[string]any{"UserPool": map[string]any{"Id": s.pool, "Name": "fake", "Arn": s.ARN()}})
	default:
		writeError(w, http.StatusBadRequest, codeUnknownOp, "operation "+op+" is not served by the fake")
	}
}

func (s *Server) listUsers(w http.ResponseWriter, in request) {
	limit := MaxLimit
	if in.Limit != nil {
		limit = *in.Limit
	}
	if limit < 1 || limit > MaxLimit {
		writeError(w, http.StatusBadRequest, codeInvalidParam, "1 validation error detected: Value at 'limit' failed to satisfy constraint")
		return
	}
	start := 0
	if in.PaginationToken != "" {
		i, err := strconv.Atoi(strings.TrimPrefix(in.PaginationToken, "next:"))
		if err != nil || !strings.HasPrefix(in.PaginationToken, "next:") || i < 0 {
			writeError(w, http.StatusBadRequest, codeInvalidParam, "Invalid pagination token")
			return
		}
		start = i
	}
	total := int(s.users.Load())
	end := min(start+limit, total)
	w.Header().Set("Content-Type", contentType)
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"Users":[`)
	for i := start; i < end; i++ {
		if i > start {
			bw.WriteByte(',')
		}
		writeUser(bw, i, "Attributes")
	}
	bw.WriteByte(']')
	if end < total {
		fmt.Fprintf(bw, `,"PaginationToken":"next:%d"`, end)
	}
	bw.WriteByte('}')
	_ = bw.Flush()
}

func (s *Server) adminGetUser(w http.ResponseWriter, in request) {
	i, ok := Index(in.Username)
	if !ok || i >= int(s.users.Load()) {
		writeError(w, http.StatusBadRequest, codeUserNotFound, "User does not exist.")
		return
	}
	w.Header().Set("Content-Type", contentType)
	bw := bufio.NewWriter(w)
	writeUser(bw, i, "UserAttributes")
	_ = bw.Flush()
}

// Username is user i's username.
func Username(i int) string { return fmt.Sprintf("user%08d", i) }

// Sub is user i's sub.
func Sub(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// Index is the i of a username made by Username.
func Index(username string) (int, bool) {
	d, ok := strings.CutPrefix(username, "user")
	if !ok || len(d) != 8 {
		return 0, false
	}
	i, err := strconv.Atoi(d)
	return i, err == nil && i >= 0
}

// created is every user's creation and modification date (epoch seconds).
const created = 1704067200

// writeUser writes user i as a UserType (attrs "Attributes") or an
// AdminGetUser answer (attrs "UserAttributes").
func writeUser(bw *bufio.Writer, i int, attrs string) {
	name := Username(i)
	fmt.Fprintf(bw, `{"Username":%q,"%s":[{"Name":"sub","Value":%q},{"Name":"email","Value":"%s@example.com"},{"Name":"email_verified","Value":"true"}],"Enabled":true,"UserStatus":"CONFIRMED","UserCreateDate":%d,"UserLastModifiedDate":%d}`,
		name, attrs, Sub(i), name, created, created)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers an AWS JSON 1.1 error: the code in X-Amzn-ErrorType
// and __type; an empty code sends an empty body.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	if code == "" {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}
