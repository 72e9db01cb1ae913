package keys

import (
	"net/http"
	"strconv"
	"strings"
)

// JWKS returns the JSON Web Key Set (RFC 7517 §5) of the published public
// keys and its strong ETag. The body is shared: callers must not modify it.
//
// Every member of every key is a JSON string (kty, crv, x, y / n, e, kid,
// alg, use): Logto's Go SDK decodes keys into map[string]string, so no x5c
// or other non-string member may appear (spec/logto-compat.md, "Tokens").
func (m *Manager) JWKS() (body []byte, etag string) {
	s := m.snap.Load()
	return s.jwks, s.etag
}

// jwksCacheControl lets relying parties and caches keep the JWKS for five
// minutes. Rotation never depends on it being shorter: the next key is
// published long before it signs, and a retired key stays published.
const jwksCacheControl = "public, max-age=300"

// ServeJWKS serves the JWKS at GET /oidc/jwks with a strong ETag, answering
// a matching If-None-Match with 304 Not Modified (RFC 9110 §13.1.2), so
// polling relying parties cost a header exchange. HEAD is answered like GET
// without the body; other methods get 405.
func (m *Manager) ServeJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, etag := m.JWKS()
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", jwksCacheControl)
	if etagMatches(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(body)
	}
}

// etagMatches applies If-None-Match: "*" or any listed entity tag equal to
// etag under the weak comparison RFC 9110 §13.1.2 prescribes for this
// header (a W/ prefix is ignored).
func etagMatches(headers []string, etag string) bool {
	for _, h := range headers {
		for tag := range strings.SplitSeq(h, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
				return true
			}
		}
	}
	return false
}
