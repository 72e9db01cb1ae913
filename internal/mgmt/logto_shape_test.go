package mgmt_test

import (
	"testing"

	"github.com/monban-dev/monban/internal/testenv"
)

// TestUserObjectMembers: the user object has every member of Logto's
// userProfileResponseGuard (userInfoSelectFields + hasPassword), which a
// client validating with Logto's guard requires, and nothing of the
// password's hash.
func TestUserObjectMembers(t *testing.T) {
	c := newClient(t, testenv.New(t, testenv.Options{}))
	u := c.do("POST", "/api/users", `{"username":"shape","password":"a-Long-pass-1234"}`).object()
	got := c.do("GET", "/api/users/"+u["id"].(string), "").object()
	for _, m := range []string{"id", "username", "primaryEmail", "primaryPhone", "name", "avatar", "customData",
		"identities", "lastSignInAt", "createdAt", "updatedAt", "profile", "applicationId", "isSuspended", "hasPassword"} {
		if _, ok := got[m]; !ok {
			t.Errorf("user object lacks %q: %v", m, got)
		}
	}
	for _, m := range []string{"passwordEncrypted", "passwordEncryptionMethod", "passwordDigest", "passwordHash"} {
		if _, ok := got[m]; ok {
			t.Errorf("user object has %q", m)
		}
	}
}
