package sfu

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/pion/logging"
)

// levelPionDebug sits below slog's debug level: Pion's debug output is about its own
// internals and would drown ours.
const levelPionDebug = slog.LevelDebug - 4

// pionLogs routes Pion's logs into slog, each with its scope ("ice", "dtls", ...), one level
// down: Pion's info and warnings describe its internals (a closed pipe at every teardown, a
// ping before candidates arrive) and count as our debug; its errors count as our warnings.
type pionLogs struct{ log *slog.Logger }

// NewLogger returns the logger for one Pion scope.
func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{log: f.log.With("pion", scope)}
}

type pionLogger struct{ log *slog.Logger }

func (l pionLogger) emit(level slog.Level, msg string) {
	if l.log.Enabled(context.Background(), level) {
		l.log.Log(context.Background(), level, msg)
	}
}

func (l pionLogger) Trace(string)          {}
func (l pionLogger) Tracef(string, ...any) {}
func (l pionLogger) Debug(msg string)      { l.emit(levelPionDebug, msg) }
func (l pionLogger) Debugf(format string, args ...any) {
	l.emit(levelPionDebug, fmt.Sprintf(format, args...))
}
func (l pionLogger) Info(msg string) { l.emit(slog.LevelDebug, msg) }
func (l pionLogger) Infof(format string, args ...any) {
	l.emit(slog.LevelDebug, fmt.Sprintf(format, args...))
}
func (l pionLogger) Warn(msg string) { l.emit(slog.LevelDebug, msg) }
func (l pionLogger) Warnf(format string, args ...any) {
	l.emit(slog.LevelDebug, fmt.Sprintf(format, args...))
}
func (l pionLogger) Error(msg string) { l.emit(errorLevel(msg), msg) }
func (l pionLogger) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.emit(errorLevel(msg), msg)
}

// errorLevel demotes Pion's errors about sockets that are already closed: they come at every
// participant's teardown, when a write races the close, and say nothing is wrong.
func errorLevel(msg string) slog.Level {
	if strings.Contains(msg, "closed pipe") || strings.Contains(msg, "closed network connection") {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}
