// Package interaction is a sign-in in progress: the authorization request
// that /oidc/auth received, parked server-side while the user is at the
// hosted pages (sign-in, register, consent), then resumed by /oidc/auth to
// issue the code. The browser that started it holds its random id in a
// cookie, so an interaction cannot be finished from another browser
// (spec/security.md item 14).
package interaction

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// CookieName is the interaction cookie.
const CookieName = "monban_interaction"

// ResumePath is where the hosted pages send the browser (303) once the
// user signed in or consented: /oidc/auth picks the interaction up there.
const ResumePath = "/oidc/auth/resume"

// ErrNone: the request carries no live interaction.
var ErrNone = errors.New("interaction: none in progress")

// Request is the authorization request as /oidc/auth accepted it.
type Request struct {
	ClientID            string   `json:"clientId"`
	RedirectURI         string   `json:"redirectUri"`
	ResponseMode        string   `json:"responseMode,omitempty"`
	Scopes              []string `json:"scopes"`
	Resources           []string `json:"resources,omitempty"`
	State               string   `json:"state,omitempty"`
	Nonce               string   `json:"nonce,omitempty"`
	CodeChallenge       string   `json:"codeChallenge,omitempty"`
	CodeChallengeMethod string   `json:"codeChallengeMethod,omitempty"`
	Prompt              []string `json:"prompt,omitempty"`
	MaxAge              *int64   `json:"maxAge,omitempty"`
	// Logto's extras, for the hosted pages.
	UILocales       string   `json:"uiLocales,omitempty"`
	LoginHint       string   `json:"loginHint,omitempty"`
	FirstScreen     string   `json:"firstScreen,omitempty"`
	InteractionMode string   `json:"interactionMode,omitempty"`
	Identifiers     []string `json:"identifiers,omitempty"`
	DirectSignIn    string   `json:"directSignIn,omitempty"`
	OrganizationID  string   `json:"organizationId,omitempty"`
}

// HasPrompt reports whether p was among the prompt values.
func (r Request) HasPrompt(p string) bool {
	for _, v := range r.Prompt {
		if v == p {
			return true
		}
	}
	return false
}

// Screen is the hosted page the interaction opens on: "register" when
// first_screen (or, failing that, the deprecated interaction_mode) asks for
// it, else "sign-in". first_screen wins over interaction_mode.
func (r Request) Screen() string {
	switch r.FirstScreen {
	case "register", "identifier:register":
		return "register"
	case "reset_password":
		return "reset-password"
	case "sign_in", "identifier:sign_in", "single_sign_on":
		return "sign-in"
	}
	if r.InteractionMode == "signUp" {
		return "register"
	}
	return "sign-in"
}

// Interaction is a stored interaction with its decoded request.
type Interaction struct {
	Record  *store.Interaction
	Request Request
}

// Service starts, reads, advances and finishes interactions.
type Service struct {
	Store      store.Store
	Secure     bool
	CookiePath string
	// TTL bounds how long a user may take at the hosted pages; 0 means 1 hour.
	TTL time.Duration
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Start parks req and sets the interaction cookie on w.
func (s *Service) Start(ctx context.Context, w http.ResponseWriter, req Request) (*Interaction, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	ttl := s.TTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	raw := id.Secret()
	now := s.now()
	rec := &store.Interaction{IDHash: id.Hash(raw), ApplicationID: req.ClientID, Request: body, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.Store.CreateInteraction(ctx, rec); err != nil {
		return nil, fmt.Errorf("start interaction: %w", err)
	}
	http.SetCookie(w, s.cookie(raw, int(ttl/time.Second)))
	return &Interaction{Record: rec, Request: req}, nil
}

// Current returns the request's live interaction, or ErrNone.
func (s *Service) Current(ctx context.Context, r *http.Request) (*Interaction, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return nil, ErrNone
	}
	rec, err := s.Store.GetInteraction(ctx, id.Hash(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNone
	}
	if err != nil {
		return nil, err
	}
	if !rec.ExpiresAt.After(s.now()) {
		return nil, ErrNone
	}
	var req Request
	if err := json.Unmarshal(rec.Request, &req); err != nil {
		return nil, fmt.Errorf("decode interaction: %w", err)
	}
	return &Interaction{Record: rec, Request: req}, nil
}

// CompleteLogin records that userID signed in during the interaction.
func (s *Service) CompleteLogin(ctx context.Context, it *Interaction, userID string, at time.Time) error {
	it.Record.UserID = userID
	it.Record.LoginAt = &at
	return s.Store.UpdateInteraction(ctx, it.Record)
}

// CompleteConsent records the user's consent to the requested scopes, for
// this interaction and for later ones of the same application.
func (s *Service) CompleteConsent(ctx context.Context, it *Interaction, userID string) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.PutConsent(ctx, &store.Consent{UserID: userID, ApplicationID: it.Request.ClientID,
			Scopes: ConsentItems(it.Request), CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		it.Record.Consented = true
		return tx.UpdateInteraction(ctx, it.Record)
	})
}

// ConsentItems is what a consent to req covers, as stored with it: the
// requested scopes and the requested APIs (resource indicators), the
// latter as "resource <indicator>", which no scope can be (scopes never
// contain a space). A later request is consented only when all of its
// items are: the same permission names for another API ask again.
func ConsentItems(req Request) []string {
	out := slices.Clone(req.Scopes)
	for _, r := range req.Resources {
		out = append(out, "resource "+r)
	}
	return out
}

// Finish deletes the interaction and clears its cookie.
func (s *Service) Finish(ctx context.Context, w http.ResponseWriter, it *Interaction) error {
	http.SetCookie(w, s.cookie("", -1))
	if err := s.Store.DeleteInteraction(ctx, it.Record.IDHash); err != nil && !errors.Is(err, store.ErrNotFound) {
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
