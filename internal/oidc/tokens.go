package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/internal/store"
)

// accessClaims are the claims of an at+jwt access token (RFC 9068), as
// Logto issues them: {jti, sub, iat, exp, scope, client_id, iss, aud}.
type accessClaims struct {
	JTI      string `json:"jti"`
	Sub      string `json:"sub"`
	IAT      int64  `json:"iat"`
	EXP      int64  `json:"exp"`
	Scope    string `json:"scope"`
	ClientID string `json:"client_id"`
	Iss      string `json:"iss"`
	Aud      string `json:"aud"`
}

// newJTI makes a token id; for tokens under a grant it starts with the
// grant id, so introspection and userinfo can check the grant's revocation
// without another lookup table.
func newJTI(grantID string) string {
	if grantID == "" {
		return id.Random(24, id.Alnum)
	}
	return grantID + "." + id.Random(16, id.Alnum)
}

func grantOfJTI(jti string) string {
	g, _, ok := strings.Cut(jti, ".")
	if !ok {
		return ""
	}
	return g
}

// jwtAccessToken signs an at+jwt for one resource. aud is a string.
func (p *Provider) jwtAccessToken(sub, clientID, aud, scope, grantID string, ttl time.Duration) (string, int64, error) {
	now := p.now()
	c := accessClaims{JTI: newJTI(grantID), Sub: sub, IAT: now.Unix(), EXP: now.Add(ttl).Unix(), Scope: scope,
		ClientID: clientID, Iss: p.o.Issuer, Aud: aud}
	body, err := json.Marshal(c)
	if err != nil {
		return "", 0, err
	}
	tok, err := p.o.Keys.Sign(body, "at+jwt")
	return tok, int64(ttl / time.Second), err
}

// opaqueClaims are sealed inside an opaque access token.
type opaqueClaims struct {
	JTI      string `json:"j"`
	Sub      string `json:"s"`
	ClientID string `json:"c"`
	Scope    string `json:"sc"`
	IAT      int64  `json:"i"`
	EXP      int64  `json:"e"`
}

const opaqueAD = "monban-opaque-access-token-v1"

// opaqueAccessToken is the userinfo token Logto issues when no resource is
// asked for: opaque to clients (no dots, not a JWT). Monban seals its claims
// with the master secret (AES-GCM) instead of storing them, so issuing one
// costs no database write; revocation goes through its grant or jti.
func (p *Provider) opaqueAccessToken(sub, clientID, scope, grantID string) (string, int64) {
	now := p.now()
	c := opaqueClaims{JTI: newJTI(grantID), Sub: sub, ClientID: clientID, Scope: scope, IAT: now.Unix(),
		EXP: now.Add(DefaultAccessTokenTTL).Unix()}
	body, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(p.o.Box.Seal(body, []byte(opaqueAD))), int64(DefaultAccessTokenTTL / time.Second)
}

var errBadToken = errors.New("invalid token")

// openOpaque unseals an opaque access token; it does not check expiry or
// revocation.
func (p *Provider) openOpaque(tok string) (*opaqueClaims, error) {
	if len(tok) > 2048 || strings.Contains(tok, ".") {
		return nil, errBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, errBadToken
	}
	body, err := p.o.Box.Open(raw, []byte(opaqueAD))
	if err != nil {
		return nil, errBadToken
	}
	var c opaqueClaims
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, errBadToken
	}
	return &c, nil
}

// liveJTI reports whether a token id is neither revoked itself nor issued
// under a revoked or expired grant.
func (p *Provider) liveJTI(ctx context.Context, jti string) (bool, error) {
	if g := grantOfJTI(jti); g != "" {
		grant, err := p.o.Store.GetGrant(ctx, g)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if grant.RevokedAt != nil {
			return false, nil
		}
	}
	revoked, err := p.o.Store.IsTokenRevoked(ctx, jti)
	return !revoked, err
}

// idToken signs an ID token (OIDC Core §2): aud is the client id as a JSON
// string, because an array breaks both Logto SDKs.
func (p *Provider) idToken(app *store.Application, u *store.User, scopes []string, roles []string, authTime time.Time, nonce string, sid string) (string, error) {
	now := p.now()
	c := userClaims(u, scopes, true)
	if roles != nil {
		c["roles"] = roles
	}
	c["iss"] = p.o.Issuer
	c["aud"] = app.ID
	c["iat"] = now.Unix()
	c["exp"] = now.Add(DefaultIDTokenTTL).Unix()
	c["auth_time"] = authTime.Unix()
	if nonce != "" {
		c["nonce"] = nonce
	}
	if sid != "" {
		c["sid"] = sid
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return p.o.Keys.Sign(body, "JWT")
}

func sidOf(sessionIDHash []byte) string {
	if len(sessionIDHash) == 0 {
		return ""
	}
	return session.SID(&store.Session{IDHash: sessionIDHash})
}

// resource resolves an indicator the client may ask a token for.
func (p *Provider) resource(ctx context.Context, indicator string, app *store.Application) (*store.Resource, error) {
	res, err := p.o.Store.GetResourceByIndicator(ctx, indicator)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errInvalidTarget("unknown resource indicator")
	}
	return res, err
}
