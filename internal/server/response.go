package server

import "net/http"

// responseRecorder wraps the ResponseWriter to learn the status code and body
// size for logs and metrics, and whether a response has started (recovery can
// only send a 500 if it has not).
//
// It exposes Unwrap so http.ResponseController can reach optional interfaces
// (hijacking, deadlines) of the underlying writer, and implements Flush
// directly because streaming code commonly type-asserts http.Flusher.
type responseRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

// recorderFor reuses the recorder installed by an outer layer, so a request
// is wrapped once no matter how many layers want to observe it.
func recorderFor(w http.ResponseWriter) *responseRecorder {
	if rec, ok := w.(*responseRecorder); ok {
		return rec
	}
	return &responseRecorder{ResponseWriter: w}
}

func (rw *responseRecorder) WriteHeader(code int) {
	// 1xx responses (other than 101 Switching Protocols) are informational;
	// the final status is still to come.
	informational := code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols
	if !rw.wroteHeader && !informational {
		rw.status = code
		rw.wroteHeader = true
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *responseRecorder) Write(b []byte) (int, error) {
	if !rw.wroteHeader {
		rw.status = http.StatusOK
		rw.wroteHeader = true
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Flush sends buffered data to the client; it commits a 200 if no status
// was written, as net/http does.
func (rw *responseRecorder) Flush() {
	if !rw.wroteHeader {
		rw.status = http.StatusOK
		rw.wroteHeader = true
	}
	_ = http.NewResponseController(rw.ResponseWriter).Flush()
}

func (rw *responseRecorder) Unwrap() http.ResponseWriter {
	return rw.ResponseWriter
}

// Status is the status code sent, or 200 if the handler returned without
// writing anything (net/http then sends an empty 200).
func (rw *responseRecorder) Status() int {
	if !rw.wroteHeader {
		return http.StatusOK
	}
	return rw.status
}
