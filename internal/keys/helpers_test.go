package keys_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/keys"
	"github.com/monban-dev/monban/internal/secretbox"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/store/sqlstore"
)

// dbPath returns a fresh, migrated SQLite database file.
func dbPath(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.db")
	s := openStore(t, path)
	if err := s.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// openStore opens a store handle on path, closed at the end of the test;
// several handles on one file stand for several processes.
func openStore(t testing.TB, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), sqlstore.Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// box returns a Box whose master secret is 32 copies of seed.
func box(t testing.TB, seed byte) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(bytes.Repeat([]byte{seed}, secretbox.MinMasterSecretLen))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clock is a controllable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// open opens a Manager on the database at path with master secret seed 1
// unless o says otherwise.
func open(t testing.TB, path string, o keys.Options) *keys.Manager {
	t.Helper()
	if o.Store == nil {
		o.Store = openStore(t, path)
	}
	if o.Box == nil {
		o.Box = box(t, 1)
	}
	m, err := keys.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// jwks decodes a Manager's JWKS as Logto's Go SDK does, into
// map[string]string: a non-string member fails the decoding.
func jwks(t testing.TB, m *keys.Manager) []map[string]string {
	t.Helper()
	body, _ := m.JWKS()
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatalf("JWKS members must all be strings: %v\n%s", err, body)
	}
	return set.Keys
}

// kids lists the kids of the JWKS.
func kids(t testing.TB, m *keys.Manager) []string {
	var out []string
	for _, k := range jwks(t, m) {
		out = append(out, k["kid"])
	}
	return out
}

// statuses counts the stored keys by status.
func statuses(t testing.TB, s store.SigningKeys) map[store.KeyStatus]int {
	t.Helper()
	rows, err := s.ListSigningKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := map[store.KeyStatus]int{}
	for _, r := range rows {
		n[r.Status]++
	}
	return n
}

// header decodes the protected header of a compact JWS.
func header(t testing.TB, compact string) map[string]any {
	t.Helper()
	seg, _, _ := strings.Cut(compact, ".")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]any{}
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// forge assembles a compact JWS from a header, a payload and a signature
// function over the signing input.
func forge(t testing.TB, h map[string]any, payload []byte, sign func(input []byte) []byte) string {
	t.Helper()
	raw, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	input := base64.RawURLEncoding.EncodeToString(raw) + "." + base64.RawURLEncoding.EncodeToString(payload)
	return input + "." + base64.RawURLEncoding.EncodeToString(sign([]byte(input)))
}
