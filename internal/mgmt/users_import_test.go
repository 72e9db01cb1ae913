package mgmt_test

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/monban-dev/monban/internal/account/password"
	"github.com/monban-dev/monban/internal/testenv"
)

const oldPassword = "old-server password 1"

// digests are oldPassword as other servers store it, by Logto's algorithm
// names.
func digests(t *testing.T) map[string]string {
	t.Helper()
	bc, err := bcrypt.GenerateFromPassword([]byte(oldPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	argon, err := password.Hash(oldPassword, password.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16})
	if err != nil {
		t.Fatal(err)
	}
	salt := []byte("sixteen byte salt")
	argonI := fmt.Sprintf("$argon2i$v=19$m=64,t=1,p=1$%s$%s", base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(argon2.Key([]byte(oldPassword), salt, 1, 64, 1, 32)))
	m, s1, s256 := md5.Sum([]byte(oldPassword)), sha1.Sum([]byte(oldPassword)), sha256.Sum256([]byte(oldPassword))
	return map[string]string{
		"Argon2id": argon,
		"Argon2i":  argonI,
		"Bcrypt":   string(bc),
		"MD5":      hex.EncodeToString(m[:]),
		"SHA1":     strings.ToUpper(hex.EncodeToString(s1[:])),
		"SHA256":   hex.EncodeToString(s256[:]),
	}
}

func (c *client) total(path string) string {
	c.t.Helper()
	r := c.do("GET", path, "")
	if r.status != 200 {
		c.t.Fatalf("GET %s: %d %s", path, r.status, r.raw)
	}
	return r.header.Get("Total-Number")
}

// TestUsersWithPasswordDigests: POST /api/users takes Logto's
// passwordDigest + passwordAlgorithm; the old password then works, and its
// first use replaces the hash with Argon2id.
func TestUsersWithPasswordDigests(t *testing.T) { onBothDatabases(t, testUsersWithPasswordDigests) }

func testUsersWithPasswordDigests(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	ctx := context.Background()
	hashOf := func(id string) string {
		t.Helper()
		u, err := env.D.Store.GetUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return u.PasswordHash
	}
	for alg, digest := range digests(t) {
		name := "u_" + strings.ToLower(alg)
		r := c.do("POST", "/api/users", fmt.Sprintf(`{"username":%q,"passwordDigest":%q,"passwordAlgorithm":%q}`, name, digest, alg))
		u := r.object()
		id, _ := u["id"].(string)
		if r.status != 200 || id == "" || u["hasPassword"] != true {
			t.Fatalf("%s: create: %d %s", alg, r.status, r.raw)
		}
		if strings.Contains(string(r.raw), digest) || strings.Contains(strings.ToLower(string(r.raw)), "digest") {
			t.Errorf("%s: the answer shows the digest: %s", alg, r.raw)
		}
		wantError(t, alg+" wrong password", c.do("POST", "/api/users/"+id+"/password/verify", `{"password":"not the old one"}`), 422, "session.invalid_credentials")
		if alg != "Argon2id" && strings.HasPrefix(hashOf(id), "$argon2id$") {
			t.Errorf("%s: a wrong password upgraded the hash", alg)
		}
		if alg == "Bcrypt" {
			// Upgraded at sign-in, in the same write as lastSignInAt.
			u, err := env.D.Accounts.Authenticate(ctx, name, oldPassword, netip.Addr{})
			if err != nil || u.ID != id {
				t.Fatalf("%s: sign-in with the old password: %v", alg, err)
			}
		} else if r := c.do("POST", "/api/users/"+id+"/password/verify", fmt.Sprintf(`{"password":%q}`, oldPassword)); r.status != 204 {
			t.Fatalf("%s: verify the old password: %d %s", alg, r.status, r.raw)
		}
		if h := hashOf(id); !strings.HasPrefix(h, "$argon2id$") || (alg != "Argon2id" && h == digest) {
			t.Errorf("%s: after the first use the hash is %q, want a fresh argon2id", alg, h)
		}
		if ok, _, err := password.Verify(oldPassword, hashOf(id), password.Params{Memory: 8, Time: 1, Threads: 1, KeyLen: 4, SaltLen: 8}); !ok || err != nil {
			t.Errorf("%s: the upgraded hash does not verify the old password: %v", alg, err)
		}
		if r := c.do("POST", "/api/users/"+id+"/password/verify", fmt.Sprintf(`{"password":%q}`, oldPassword)); r.status != 204 {
			t.Errorf("%s: verify after the upgrade: %d %s", alg, r.status, r.raw)
		}
	}

	before := c.total("/api/users")
	md5hex := digests(t)["MD5"]
	for _, tc := range []struct{ what, body, field string }{
		{"password and digest", `{"username":"x1","password":"long enough pw","passwordDigest":"` + md5hex + `","passwordAlgorithm":"MD5"}`, "passwordDigest"},
		{"digest without algorithm", `{"username":"x2","passwordDigest":"` + md5hex + `"}`, "passwordAlgorithm"},
		{"Argon2d", `{"username":"x3","passwordDigest":"$argon2d$v=19$m=64,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG","passwordAlgorithm":"Argon2d"}`, "passwordAlgorithm"},
		{"Legacy", `{"username":"x4","passwordDigest":"[\"md5\",[\"@\"],\"x\"]","passwordAlgorithm":"Legacy"}`, "passwordAlgorithm"},
		{"unknown algorithm", `{"username":"x5","passwordDigest":"` + md5hex + `","passwordAlgorithm":"ROT13"}`, "passwordAlgorithm"},
		{"MD5 of the wrong length", `{"username":"x6","passwordDigest":"abc123","passwordAlgorithm":"MD5"}`, "passwordDigest"},
		{"bcrypt not bcrypt", `{"username":"x7","passwordDigest":"` + md5hex + `","passwordAlgorithm":"Bcrypt"}`, "passwordDigest"},
		{"argon2 not PHC", `{"username":"x8","passwordDigest":"` + md5hex + `","passwordAlgorithm":"Argon2id"}`, "passwordDigest"},
		{"digest too long", `{"username":"x9","passwordDigest":"` + strings.Repeat("a", 300) + `","passwordAlgorithm":"SHA256"}`, "passwordDigest"},
		{"digest of the wrong type", `{"username":"x10","passwordDigest":5,"passwordAlgorithm":"MD5"}`, "passwordDigest"},
	} {
		wantFields(t, tc.what, c.do("POST", "/api/users", tc.body), tc.field)
	}
	if after := c.total("/api/users"); after != before {
		t.Errorf("refused creations wrote users: Total-Number %s, then %s", before, after)
	}
}

// TestImportUsers: POST /api/users/import creates every user or none, and
// names the user and field of every problem.
func TestImportUsers(t *testing.T) { onBothDatabases(t, testImportUsers) }

func testImportUsers(t *testing.T, env *testenv.Env) {
	c := newClient(t, env)
	d := digests(t)
	r := c.do("POST", "/api/users", `{"username":"existing","primaryEmail":"existing@example.com"}`)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	r = c.do("POST", "/api/users/import", `{"users":[
		{"username":"imp_md5","primaryEmail":"md5@example.com","name":"M D","passwordDigest":"`+d["MD5"]+`","passwordAlgorithm":"MD5","customData":{"plan":"gold"},"profile":{"givenName":"M"}},
		{"primaryPhone":"+81900000001","passwordDigest":"`+d["Bcrypt"]+`","passwordAlgorithm":"Bcrypt"},
		{"username":"imp_plain","password":"a plain password"},
		{"primaryEmail":"nopassword@example.com"}]}`)
	res := r.object()
	ids, _ := res["ids"].([]any)
	if r.status != 200 || res["imported"] != float64(4) || len(ids) != 4 {
		t.Fatalf("import: %d %s", r.status, r.raw)
	}
	u := c.do("GET", "/api/users/"+ids[0].(string), "").object()
	if u["username"] != "imp_md5" || u["primaryEmail"] != "md5@example.com" || u["name"] != "M D" || u["hasPassword"] != true ||
		u["customData"].(map[string]any)["plan"] != "gold" || u["profile"].(map[string]any)["givenName"] != "M" {
		t.Errorf("imported user: %v", u)
	}
	for i, pw := range []string{oldPassword, oldPassword, "a plain password"} {
		if r := c.do("POST", "/api/users/"+ids[i].(string)+"/password/verify", fmt.Sprintf(`{"password":%q}`, pw)); r.status != 204 {
			t.Errorf("user %d: password: %d %s", i, r.status, r.raw)
		}
	}
	if u := c.do("GET", "/api/users/"+ids[3].(string), "").object(); u["hasPassword"] != false {
		t.Errorf("user without password: %v", u)
	}

	before := c.total("/api/users")
	good := `{"username":"never_created","passwordDigest":"` + d["SHA256"] + `","passwordAlgorithm":"SHA256"}`
	for _, tc := range []struct{ what, body, field string }{
		{"bad email", `{"users":[` + good + `,{"username":"b1","primaryEmail":"nope"}]}`, "users[1].primaryEmail"},
		{"bad digest", `{"users":[` + good + `,{"username":"b2"},{"username":"b3","passwordDigest":"zz","passwordAlgorithm":"MD5"}]}`, "users[2].passwordDigest"},
		{"no algorithm", `{"users":[{"username":"b4","passwordDigest":"` + d["MD5"] + `"},` + good + `]}`, "users[0].passwordAlgorithm"},
		{"wrong type", `{"users":[` + good + `,{"username":7}]}`, "users[1].username"},
		{"not an object", `{"users":[` + good + `,"alice"]}`, "users[1]"},
		{"no identifier", `{"users":[` + good + `,{"name":"Nobody"}]}`, "users[1].username"},
		{"bad avatar", `{"users":[` + good + `,{"username":"b5","avatar":"javascript:x"}]}`, "users[1].avatar"},
		{"users missing", `{}`, "users"},
		{"users not an array", `{"users":{}}`, "users"},
		{"too many", `{"users":[` + strings.TrimSuffix(strings.Repeat(`{"username":"x"},`, 1001), ",") + `]}`, "users"},
		{"malformed", `{"users":[`, "body"},
	} {
		wantFields(t, tc.what, c.do("POST", "/api/users/import", tc.body), tc.field)
	}
	for _, tc := range []struct{ what, body, code, field string }{
		{"taken username", `{"users":[` + good + `,{"username":"EXISTING"}]}`, "user.username_already_in_use", "users[1].username"},
		{"taken email", `{"users":[` + good + `,{"primaryEmail":"existing@example.com"}]}`, "user.email_already_in_use", "users[1].primaryEmail"},
		{"twice in the batch", `{"users":[` + good + `,{"username":"NEVER_CREATED"}]}`, "user.username_already_in_use", "users[1].username"},
		{"phone twice in the batch", `{"users":[{"primaryPhone":"+81900000009"},{"primaryPhone":"+81900000009"}]}`, "user.phone_already_in_use", "users[1].primaryPhone"},
	} {
		m := wantError(t, tc.what, c.do("POST", "/api/users/import", tc.body), 409, tc.code)
		if data, _ := m["data"].(map[string]any); data["field"] != tc.field {
			t.Errorf("%s: data %v, want field %s", tc.what, m["data"], tc.field)
		}
	}
	if after := c.total("/api/users"); after != before {
		t.Errorf("refused imports wrote users: Total-Number %s, then %s", before, after)
	}
	if r := c.do("GET", "/api/users?search.username=never_created&mode=exact", ""); r.header.Get("Total-Number") != "0" {
		t.Errorf("the good user of a refused batch was created: %s", r.raw)
	}
}
