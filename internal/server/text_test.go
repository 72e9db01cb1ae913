package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := (&Server{}).checkText(next)
	for _, tc := range []struct {
		target string
		status int
		ctype  string
	}{
		{"/sign-in?identifier=alice", http.StatusTeapot, ""},
		{"/sign-in?identifier=%E3%81%82", http.StatusTeapot, ""},
		{"/sign-in?bad=%zz", http.StatusTeapot, ""}, // unparsable: the handler's business
		{"/console/users/%ff", http.StatusBadRequest, "text/html"},
		{"/console/users?search=a%00b", http.StatusBadRequest, "text/html"},
		{"/sign-in?%ff=1", http.StatusBadRequest, "text/html"},
		{"/oidc/token/introspection?x=%c0%af", http.StatusBadRequest, "application/json"},
		{"/oidc/auth?client_id=%ff", http.StatusTeapot, ""},        // its own branded page
		{"/oidc/session/end?client_id=%00", http.StatusTeapot, ""}, // likewise
		{"/api/users/%ff", http.StatusTeapot, ""},                  // Logto's error body, audited
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", tc.target, nil))
		if w.Code != tc.status || !strings.HasPrefix(w.Header().Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: %d %q", tc.target, w.Code, w.Header().Get("Content-Type"))
		}
		if tc.status == http.StatusBadRequest && strings.Contains(w.Body.String(), "\xff") {
			t.Errorf("%s: the answer echoes the bad bytes", tc.target)
		}
	}
}
