package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
)

// Helpers the front doors share for what every HTTP door does the same
// way: reading a form, binding CSRF tokens, learning the status a handler
// answered, reading a route pattern.

// ErrUnreadableForm: the body is not a form within the limit, or holds
// text that is not ValidText.
var ErrUnreadableForm = errors.New("server: unreadable form")

// ReadForm reads r's form (r.Form and r.PostForm), the body at most limit
// bytes, and refuses text that is not ValidText: PostgreSQL would fail on
// it as a server error where SQLite stores it.
func ReadForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return ErrUnreadableForm
	}
	if _, bad := InvalidValue(r.Form); bad {
		return ErrUnreadableForm
	}
	return nil
}

// FormToken is a CSRF token: base64url(HMAC-SHA256(key, label + binding)),
// where binding is a value only the browser holds in an HttpOnly cookie
// and label keeps the tokens of different forms apart under one key.
func FormToken(key []byte, label, binding string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ValidFormToken compares got with FormToken(key, label, binding) in
// constant time; an empty got is never valid.
func ValidFormToken(key []byte, label, binding, got string) bool {
	return got != "" && hmac.Equal([]byte(got), []byte(FormToken(key, label, binding)))
}

// StatusRecorder notes the status a handler answers: the recorder the
// server's chain already installed when there is one, else a new one.
type StatusRecorder interface {
	http.ResponseWriter
	// Status is the status sent, 200 when nothing was written.
	Status() int
}

// RecordStatus returns w as a StatusRecorder: w itself when it is the
// recorder the server's chain installed, else a new recorder around w.
func RecordStatus(w http.ResponseWriter) StatusRecorder { return recorderFor(w) }

// PatternParams are the names of the {params} of a ServeMux pattern, in
// order ("{path...}" gives "path").
func PatternParams(pattern string) []string {
	var out []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, strings.TrimSuffix(pattern[i+1:i+j], "..."))
		pattern = pattern[i+j+1:]
	}
}
