package bench

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSignInFormExtraction(t *testing.T) {
	const page = "https://id.example.com/interaction/abc/login?x=1"
	tests := []struct {
		name       string
		html       string
		wantTarget string // resolved action; for GET forms with the values as query
		wantMethod string
		want       url.Values
	}{{
		name: "double quotes, relative action",
		html: `<form method="post" action="submit"><input type="hidden" name="csrf" value="t&amp;k">
			<input type="text" name="identifier"><input type="password" name="password"></form>`,
		wantTarget: "https://id.example.com/interaction/abc/submit",
		wantMethod: "POST",
		want:       url.Values{"csrf": {"t&k"}, "identifier": {"alice"}, "password": {"secret"}},
	}, {
		name: "single quotes, attributes in another order, self-closing",
		html: `<FORM ACTION='/sign-in' Method='POST' class='x'>
			<input value='v1' name='state' type='hidden'/>
			<input name='username' autocomplete='username' />
			<input name='pw' type='password'/></FORM>`,
		wantTarget: "https://id.example.com/sign-in",
		wantMethod: "POST",
		want:       url.Values{"state": {"v1"}, "username": {"alice"}, "pw": {"secret"}},
	}, {
		name: "action omitted posts to the page itself",
		html: `<form method=post><input type=hidden name=csrf value=abc>
			<input type=email name=email><input type=password name=password></form>`,
		wantTarget: page,
		wantMethod: "POST",
		want:       url.Values{"csrf": {"abc"}, "email": {"alice"}, "password": {"secret"}},
	}, {
		name:       "GET form puts the values in the query",
		html:       `<form action="/login#top"><input name="login"><input type="password" name="p"></form>`,
		wantTarget: "https://id.example.com/login?login=alice&p=secret",
		wantMethod: "GET",
		want:       url.Values{"login": {"alice"}, "p": {"secret"}},
	}, {
		name: "the password form among others; decoys in comments and scripts",
		html: `<form action="/search"><input name="q"></form>
			<!-- <form action="/old"><input type="password" name="old"></form> -->
			<script>document.write('<form action="/js"><input type="password" name="js"></form>')</script>
			<form data-x="a>b" action="/in" method="POST">
			<input type="checkbox" name="remember" checked><input type="checkbox" name="spam">
			<input type="text" name="nickname" value="n"><input name="user" type="text">
			<input type="password" name="password"><input name="dis" value="d" disabled>
			<button name="action" value="signin">Go</button><button name="action" value="other">No</button>
			<input type="submit" name="also" value="x"><input type="reset" name="r"></form>`,
		wantTarget: "https://id.example.com/in",
		wantMethod: "POST",
		want: url.Values{
			"remember": {"on"}, "nickname": {"n"}, "user": {"alice"}, "password": {"secret"}, "action": {"signin"},
		},
	}, {
		name:       "identifier-first page without a password",
		html:       `<p><form method="post" action="next"><input name="identifier" type="text"></p>`,
		wantTarget: "https://id.example.com/interaction/abc/next",
		wantMethod: "POST",
		want:       url.Values{"identifier": {"alice"}},
	}}
	base, _ := url.Parse(page)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, ok := signInForm(parseForms(tt.html))
			if !ok {
				t.Fatal("no sign-in form found")
			}
			values := form.fill("alice", "secret")
			if diff := cmp.Diff(tt.want, values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			target, err := form.target(base, values)
			if err != nil {
				t.Fatal(err)
			}
			if target.String() != tt.wantTarget || form.Method != tt.wantMethod {
				t.Errorf("target %s %s, want %s %s", form.Method, target, tt.wantMethod, tt.wantTarget)
			}
		})
	}
}

func TestNoSignInForm(t *testing.T) {
	for _, page := range []string{
		``,
		`<html><body>Welcome</body></html>`,
		`<form action="/search"><input name="q"></form>`,
		`<input type="password" name="outside-a-form">`,
		`<!-- <form><input type="password" name="p"></form> -->`,
	} {
		if f, ok := signInForm(parseForms(page)); ok {
			t.Errorf("%q: found %+v", page, f)
		}
	}
}
