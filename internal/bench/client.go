package bench

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// maxBody caps how much of a response is read; the rest is discarded.
const maxBody = 1 << 20

// bench is the state shared by all workers of one run.
type bench struct {
	o        Options
	progress io.Writer
	// origin is the issuer's origin, the only destination allowed.
	origin    string
	transport *http.Transport
	// client never follows redirects; flows that need them follow by hand.
	client *http.Client
	// discoveryURL and disc are the discovery document's address and content.
	discoveryURL string
	disc         discovery
}

// newBench builds the guarded HTTP client and fetches discovery.
func newBench(ctx context.Context, o Options, progress io.Writer) (*bench, error) {
	iss, err := url.Parse(o.Issuer)
	if err != nil {
		return nil, err
	}
	t := &http.Transport{
		Proxy:               nil, // never from the environment: requests go to the issuer only
		DialContext:         (&net.Dialer{Timeout: o.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: o.Concurrency,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: o.Timeout,
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: o.InsecureSkipVerify},
	}
	b := &bench{
		o:            o,
		progress:     progress,
		origin:       origin(iss),
		transport:    t,
		discoveryURL: o.Issuer + "/.well-known/openid-configuration",
	}
	b.client = b.newClient(nil)
	if err := b.discover(ctx); err != nil {
		t.CloseIdleConnections()
		return nil, err
	}
	return b, nil
}

func (b *bench) close() { b.transport.CloseIdleConnections() }

// newClient returns a client on the shared guarded transport that does not
// follow redirects, with the given cookie jar (nil for none).
func (b *bench) newClient(jar http.CookieJar) *http.Client {
	return &http.Client{
		Transport: guard{origin: b.origin, next: b.transport},
		Jar:       jar,
		Timeout:   b.o.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// origin is u's scheme, host and port (default ports made explicit): the
// unit of the same-host safety rule.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// errOtherHost is returned for any request not addressed to the issuer's origin.
var errOtherHost = errors.New("refused: not on the issuer's host")

// guard is the RoundTripper enforcing the safety rule.
type guard struct {
	origin string
	next   http.RoundTripper
}

func (g guard) RoundTrip(r *http.Request) (*http.Response, error) {
	if origin(r.URL) != g.origin {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s", errOtherHost, r.URL.Redacted())
	}
	return g.next.RoundTrip(r)
}

// tally collects what one iteration saw besides its outcome.
type tally struct {
	n429, n5xx int64
	steps      []stepSample
}

// stepSample is the latency of one named sub-step of an iteration.
type stepSample struct {
	name string
	d    time.Duration
}

func (t *tally) step(name string, since time.Time) {
	t.steps = append(t.steps, stepSample{name, time.Since(since)})
}

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
	url    *url.URL // the request's URL
}

// send does req on c, reads the body (up to maxBody, draining the rest so
// the connection is reused) and counts 429 and 5xx responses in t.
func send(c *http.Client, req *http.Request, t *tally) (*response, error) {
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	io.Copy(io.Discard, res.Body)
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		t.n429++
	case res.StatusCode >= 500:
		t.n5xx++
	}
	if err != nil {
		return nil, err
	}
	return &response{status: res.StatusCode, header: res.Header, body: body, url: req.URL}, nil
}

// statusError is an unexpected HTTP status; its class is the code.
type statusError struct {
	code int
	body string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.code, e.body)
}

// anyTagRE matches any HTML tag, to show error pages as text.
var anyTagRE = regexp.MustCompile(`<[^>]*>`)

// unexpected returns a statusError for r with a short excerpt of its body.
func unexpected(r *response) error {
	body := string(r.body)
	if strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		body = anyTagRE.ReplaceAllString(skipRE.ReplaceAllString(body, " "), " ")
		body = html.UnescapeString(body)
	}
	body = strings.Join(strings.Fields(body), " ")
	if len(body) > 200 {
		body = strings.ToValidUTF8(body[:200], "") + "…"
	}
	return &statusError{code: r.status, body: body}
}

// protocolError is a response that has the right status but not the content
// the flow needs (a missing token, a state mismatch, no sign-in form).
type protocolError struct{ msg string }

func (e *protocolError) Error() string { return e.msg }

func protocolf(format string, args ...any) error {
	return &protocolError{fmt.Sprintf(format, args...)}
}

// classify names an iteration error's class for the report: the HTTP status
// code, "protocol", "refused" (another host) or "transport".
func classify(err error) string {
	var se *statusError
	var pe *protocolError
	switch {
	case errors.As(err, &se):
		return fmt.Sprint(se.code)
	case errors.As(err, &pe):
		return "protocol"
	case errors.Is(err, errOtherHost):
		return "refused"
	default:
		return "transport"
	}
}
