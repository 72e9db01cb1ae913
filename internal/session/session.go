// Package session keeps the browser session: one sign-in, shared by every
// application (SSO), held server-side. The browser carries only a random id
// in an HttpOnly, SameSite=Lax cookie (Secure on https); the store keeps its
// SHA-256.
package session

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// CookieName is the session cookie.
const CookieName = "monban_session"

// ErrNoSession: the request carries no live session.
var ErrNoSession = errors.New("session: none")

// Service starts, reads and ends browser sessions.
type Service struct {
	Store store.Store
	// Secure marks cookies Secure (the endpoint is https).
	Secure bool
	// CookiePath is the endpoint's base path plus "/".
	CookiePath string
	// TTL is the session lifetime; 0 means 14 days.
	TTL time.Duration
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return 14 * 24 * time.Hour
}

func hash(v string) []byte { return id.Hash(v) }

// Current returns the request's live session, or ErrNoSession.
func (s *Service) Current(ctx context.Context, r *http.Request) (*store.Session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return nil, ErrNoSession
	}
	se, err := s.Store.GetSession(ctx, hash(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if !se.ExpiresAt.After(s.now()) {
		return nil, ErrNoSession
	}
	return se, nil
}

// Start signs the browser in as userID: always a NEW session id, and the
// session the request carried (if any) is deleted, so an id planted before
// sign-in is worthless after it (session fixation, spec/security.md item 14).
func (s *Service) Start(ctx context.Context, w http.ResponseWriter, r *http.Request, userID string, authTime time.Time, data map[string]any) (*store.Session, error) {
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" && len(c.Value) <= 128 {
		if err := s.Store.DeleteSession(ctx, hash(c.Value)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	raw := id.Secret()
	now := s.now()
	se := &store.Session{IDHash: hash(raw), UserID: userID, AuthTime: authTime, CreatedAt: now,
		ExpiresAt: now.Add(s.ttl()), Data: data}
	if err := s.Store.CreateSession(ctx, se); err != nil {
		return nil, err
	}
	http.SetCookie(w, s.cookie(raw, int(s.ttl()/time.Second)))
	return se, nil
}

// End deletes the request's session and clears the cookie.
func (s *Service) End(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, s.cookie("", -1))
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return nil
	}
	if err := s.Store.DeleteSession(ctx, hash(c.Value)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

func (s *Service) cookie(value string, maxAge int) *http.Cookie {
	path := s.CookiePath
	if path == "" {
		path = "/"
	}
	return &http.Cookie{Name: CookieName, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true,
		Secure: s.Secure, SameSite: http.SameSiteLaxMode}
}

// SID is the session's public identifier for the ID token's "sid" claim:
// derived from the stored hash, it reveals nothing of the cookie.
func SID(se *store.Session) string {
	sum := sha256.Sum256(append([]byte("sid:"), se.IDHash...))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
