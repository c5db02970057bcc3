package lambdaruntime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// The Invoke API's path, headers and invocation types.
const (
	// InvokePath is the route of Lambda's Invoke API.
	InvokePath = "/2015-03-31/functions/{name}/invocations"

	HeaderInvocationType  = "X-Amz-Invocation-Type"
	HeaderFunctionError   = "X-Amz-Function-Error"
	HeaderExecutedVersion = "X-Amz-Executed-Version"
	HeaderErrorTypeAWS    = "X-Amzn-ErrorType"

	InvocationRequestResponse = "RequestResponse"
	InvocationEvent           = "Event"
	InvocationDryRun          = "DryRun"
)

// Invoker runs one invocation and returns the function's response or
// error; *Server and *Function are Invokers.
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

var (
	_ Invoker = (*Server)(nil)
	_ Invoker = (*Function)(nil)
)

// InvokeAPI is a local front of Lambda's Invoke API
// (POST /2015-03-31/functions/{name}/invocations) for a fixed set of
// functions, each an Invoker (usually a real bootstrap under Start), so
// that a client of the real API, such as cognito-local calling its
// triggers, runs the real binary. It answers as Lambda does: 200 with the
// function's response; 200 with X-Amz-Function-Error: Unhandled and the
// error document when the function fails, times out or failed its init;
// 202 for InvocationType Event (run in the background); 204 for DryRun;
// 404 ResourceNotFoundException for an unknown function. Requests are not
// authenticated (the SigV4 signature is not checked) and a qualifier is
// ignored.
type InvokeAPI struct {
	functions map[string]Invoker
	mux       *http.ServeMux
	// events bounds background (Event) invocations.
	events chan struct{}
}

var _ http.Handler = (*InvokeAPI)(nil)

// NewInvokeAPI serves the functions, by name. A request may name a
// function by name or ARN.
func NewInvokeAPI(functions map[string]Invoker) *InvokeAPI {
	a := &InvokeAPI{functions: functions, mux: http.NewServeMux(), events: make(chan struct{}, 16)}
	a.mux.HandleFunc("POST "+InvokePath, a.invoke)
	return a
}

// ServeHTTP serves the Invoke API.
func (a *InvokeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// lookup finds a function by name, full or partial ARN.
func (a *InvokeAPI) lookup(name string) (Invoker, bool) {
	if f, ok := a.functions[name]; ok {
		return f, true
	}
	if i := strings.Index(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	} else if i := strings.LastIndex(name, ":"); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, ":") // a qualifier
	f, ok := a.functions[name]
	return f, ok
}

func (a *InvokeAPI) invoke(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f, ok := a.lookup(name)
	if !ok {
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+name)
		return
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseSize+1))
	if err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestContentException", "reading the payload: "+err.Error())
		return
	}
	if len(payload) > MaxResponseSize {
		awsError(w, http.StatusRequestEntityTooLarge, "RequestTooLargeException", "the payload is larger than 6 MB")
		return
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		awsError(w, http.StatusBadRequest, "InvalidRequestContentException", "could not parse request body into json")
		return
	}
	switch typ := r.Header.Get(HeaderInvocationType); typ {
	case "", InvocationRequestResponse:
	case InvocationDryRun:
		w.WriteHeader(http.StatusNoContent)
		return
	case InvocationEvent:
		select {
		case a.events <- struct{}{}:
		default:
			awsError(w, http.StatusTooManyRequests, "TooManyRequestsException", "too many background invocations")
			return
		}
		go func() {
			defer func() { <-a.events }()
			f.Invoke(context.Background(), payload)
		}()
		w.WriteHeader(http.StatusAccepted)
		return
	default:
		awsError(w, http.StatusBadRequest, "InvalidParameterValueException", fmt.Sprintf("invocation type %q is not RequestResponse, Event or DryRun", typ))
		return
	}

	resp, err := f.Invoke(r.Context(), payload)
	w.Header().Set(HeaderExecutedVersion, "$LATEST")
	var fe *FunctionError
	switch {
	case err == nil:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(resp)
	case errors.As(err, &fe):
		functionError(w, fe.Type, fe.Message)
	case errors.Is(err, ErrTimeout):
		functionError(w, "Sandbox.Timedout", "Task timed out: "+err.Error())
	case r.Context().Err() != nil:
		// The caller went away; nobody reads the answer.
	default:
		awsError(w, http.StatusBadGateway, "ServiceException", err.Error())
	}
}

// functionError answers a failed invocation as Lambda does: status 200.
func functionError(w http.ResponseWriter, errorType, message string) {
	b, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{errorType, message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(HeaderFunctionError, "Unhandled")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// awsError answers an API error in the REST-JSON shape the SDKs read.
func awsError(w http.ResponseWriter, code int, errorType, message string) {
	b, _ := json.Marshal(struct {
		Type    string `json:"Type"`
		Message string `json:"message"`
	}{"User", message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(HeaderErrorTypeAWS, errorType)
	w.WriteHeader(code)
	w.Write(b)
}

// InvokeFront is an InvokeAPI served on a loopback port.
type InvokeFront struct {
	*InvokeAPI
	srv *http.Server
	ln  net.Listener
}

// StartInvokeAPI serves NewInvokeAPI(functions) on 127.0.0.1:0 until
// Close.
func StartInvokeAPI(functions map[string]Invoker) (*InvokeFront, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the invoke API: %w", err)
	}
	f := &InvokeFront{InvokeAPI: NewInvokeAPI(functions), ln: ln}
	f.srv = &http.Server{Handler: f.InvokeAPI, ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

// URL is the front's endpoint, http://127.0.0.1:<port>, for a client's
// Lambda endpoint setting.
func (f *InvokeFront) URL() string { return "http://" + f.ln.Addr().String() }

// Close stops serving; it does not stop the functions.
func (f *InvokeFront) Close() error { return f.srv.Close() }
