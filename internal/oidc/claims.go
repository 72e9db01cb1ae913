package oidc

import (
	"slices"

	"github.com/monban-dev/monban/internal/store"
)

var claimsSupported = []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "name",
	"family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
	"website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "username", "created_at",
	"email", "email_verified", "phone_number", "phone_number_verified", "address", "custom_data",
	"identities", "roles"}

// profileKeys are the OIDC standard claims Logto keeps in the user's profile.
var profileKeys = map[string]string{
	"familyName": "family_name", "givenName": "given_name", "middleName": "middle_name",
	"nickname": "nickname", "preferredUsername": "preferred_username", "profile": "profile",
	"website": "website", "gender": "gender", "birthdate": "birthdate", "zoneinfo": "zoneinfo",
	"locale": "locale", "address": "address",
}

// userClaims returns the claims of the granted scopes (spec: "Scopes and
// claims"). forIDToken leaves out the userinfo-only claims.
func userClaims(u *store.User, scopes []string, forIDToken bool) map[string]any {
	c := map[string]any{"sub": u.ID}
	has := func(s string) bool { return slices.Contains(scopes, s) }
	if has("profile") {
		c["name"] = nullable(u.Name)
		c["picture"] = nullable(u.Avatar)
		c["username"] = nullable(u.Username)
		c["created_at"] = u.CreatedAt.UnixMilli()
		c["updated_at"] = u.UpdatedAt.UnixMilli()
		for k, claim := range profileKeys {
			if v, ok := u.Profile[k]; ok && claim != "address" {
				c[claim] = v
			}
		}
	}
	if has("email") {
		c["email"] = nullable(u.PrimaryEmail)
		// Monban only stores verified addresses as primary: they are set by
		// an admin or proven by a code (the sign-in experience issue).
		c["email_verified"] = u.PrimaryEmail != ""
	}
	if has("phone") {
		c["phone_number"] = nullable(u.PrimaryPhone)
		c["phone_number_verified"] = u.PrimaryPhone != ""
	}
	if has("address") {
		if v, ok := u.Profile["address"]; ok {
			c["address"] = v
		}
	}
	if has("roles") {
		c["roles"] = []string{} // the callers fill in the user's role names
	}
	if !forIDToken {
		if has("custom_data") {
			c["custom_data"] = u.CustomData
		}
		if has("identities") {
			c["identities"] = map[string]any{} // filled from the store by the userinfo endpoint
			c["sso_identities"] = []any{}
		}
	}
	return c
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
