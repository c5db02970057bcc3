package sink

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Env reads environment variables and collects every problem, each
// naming its variable, so a configuration reports all of them at once.
// The sink specs read their variables with it; the forwarder's
// configuration reads the rest with the same one.
type Env struct {
	getenv func(string) string
	errs   []error
}

// NewEnv returns an Env reading through getenv (os.Getenv in main).
func NewEnv(getenv func(string) string) *Env { return &Env{getenv: getenv} }

// Fail records that the variable name is wrong for reason. reason must not
// quote a value that might be secret.
func (e *Env) Fail(name, reason string) {
	e.errs = append(e.errs, fmt.Errorf("%s %s", name, reason))
}

// Err joins the problems recorded so far, nil when there are none.
func (e *Env) Err() error { return errors.Join(e.errs...) }

// Require records a problem when value, read from name, is empty.
func (e *Env) Require(name, value string) {
	if value == "" {
		e.Fail(name, "is required for this SINK_KIND")
	}
}

// Str returns the variable, trimmed.
func (e *Env) Str(name string) string { return strings.TrimSpace(e.getenv(name)) }

// StrDefault returns the variable, or def when it is empty.
func (e *Env) StrDefault(name, def string) string {
	if v := e.Str(name); v != "" {
		return v
	}
	return def
}

// Bool returns the variable as a boolean, def when it is empty.
func (e *Env) Bool(name string, def bool) bool {
	v := e.Str(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.Fail(name, fmt.Sprintf("%q is not true or false", v))
		return def
	}
	return b
}

// Duration returns the variable as a positive Go duration, def when it is
// empty.
func (e *Env) Duration(name string, def time.Duration) time.Duration {
	v := e.Str(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		e.Fail(name, fmt.Sprintf("%q is not a positive Go duration such as 10s or 200ms", v))
		return def
	}
	return d
}

// PositiveInt returns the variable as an integer of at least 1, def when it
// is empty.
func (e *Env) PositiveInt(name string, def int) int {
	v := e.Str(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		e.Fail(name, fmt.Sprintf("%q is not a positive integer", v))
		return def
	}
	return n
}

// PositiveFloat returns the variable as a number in (0, 1e6], def when it
// is empty.
func (e *Env) PositiveFloat(name string, def float64) float64 {
	v := e.Str(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0) || f > 1e6 {
		e.Fail(name, fmt.Sprintf("%q is not a positive number", v))
		return def
	}
	return f
}
