package server

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestPatternParams(t *testing.T) {
	for pattern, want := range map[string][]string{
		"/api/users":                           nil,
		"/api/users/{id}":                      {"id"},
		"/api/roles/{id}/users/{userId}":       {"id", "userId"},
		"/static/{path...}":                    {"path"},
		"POST /console/connectors/{id}/delete": {"id"},
	} {
		if got := PatternParams(pattern); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", pattern, got, want)
		}
	}
}

func TestRecordStatus(t *testing.T) {
	// Outside the chain: a new recorder; 200 when nothing was written.
	rec := RecordStatus(httptest.NewRecorder())
	if rec.Status() != http.StatusOK {
		t.Errorf("nothing written: %d", rec.Status())
	}
	rec.WriteHeader(http.StatusSeeOther)
	if rec.Status() != http.StatusSeeOther {
		t.Errorf("303 written: %d", rec.Status())
	}
	// Inside the chain: the chain's own recorder, not a second one.
	outer := recorderFor(httptest.NewRecorder())
	if RecordStatus(outer) != StatusRecorder(outer) {
		t.Error("a second recorder around the chain's")
	}
}

func TestFormToken(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	tok := FormToken(key, "csrf:", "binding")
	switch {
	case !ValidFormToken(key, "csrf:", "binding", tok):
		t.Error("its own token refused")
	case ValidFormToken(key, "other:", "binding", tok), ValidFormToken(key, "csrf:", "other", tok):
		t.Error("a token valid for another label or binding")
	case ValidFormToken(key, "csrf:", "binding", ""):
		t.Error("an empty token accepted")
	case strings.ContainsAny(tok, "+/="):
		t.Errorf("not base64url without padding: %q", tok)
	}
}
