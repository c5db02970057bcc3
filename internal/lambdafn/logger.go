package lambdafn

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// The variables Lambda sets from the function's logging configuration.
const (
	EnvLogFormat = "AWS_LAMBDA_LOG_FORMAT"
	EnvLogLevel  = "AWS_LAMBDA_LOG_LEVEL"
)

// LogFormat is the log format Lambda asks for.
type LogFormat string

// The log formats.
const (
	LogJSON LogFormat = "JSON"
	LogText LogFormat = "Text"
)

// ParseLogFormat reads AWS_LAMBDA_LOG_FORMAT's value: JSON (also the
// default for "") or Text, in any case.
func ParseLogFormat(v string) (LogFormat, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "json":
		return LogJSON, nil
	case "text":
		return LogText, nil
	}
	return LogJSON, fmt.Errorf("%q is not JSON or Text", v)
}

// ParseLogLevel reads AWS_LAMBDA_LOG_LEVEL's value: TRACE and DEBUG are
// slog's debug, INFO (also the default for "") info, WARN warn, ERROR and
// FATAL error.
func ParseLogLevel(v string) (slog.Level, error) {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "", "INFO":
		return slog.LevelInfo, nil
	case "TRACE", "DEBUG":
		return slog.LevelDebug, nil
	case "WARN", "WARNING":
		return slog.LevelWarn, nil
	case "ERROR", "FATAL":
		return slog.LevelError, nil
	}
	return slog.LevelInfo, fmt.Errorf("%q is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL", v)
}

// Logger returns the JSON or text slog logger at level writing to w.
func Logger(format LogFormat, level slog.Level, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == LogText {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
