package signinexp

import (
	"context"
	"testing"

	"github.com/monban-dev/monban/internal/storetesting"
	"github.com/monban-dev/monban/internal/validate"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default() is invalid: %v", err)
	}
}

func TestPatchPersistsAndMerges(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t)}
	// The reference scenario: Patreon the only way in, sign-up "not applicable".
	got, err := s.Patch(ctx, []byte(`{"socialSignInConnectorTargets":["patreon"],"signUp":{"identifiers":[],"password":false,"verify":false},"color":{"primaryColor":"#112233"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.SignUp.Identifiers) != 0 || got.SocialSignInConnectorTargets[0] != "patreon" {
		t.Fatalf("patch not applied: %+v", got)
	}
	again, err := s.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Color.PrimaryColor != "#112233" || again.Color.DarkPrimaryColor != Default().Color.DarkPrimaryColor {
		t.Fatalf("color merge: %+v", again.Color)
	}
	if len(again.SignIn.Methods) != 2 || again.PasswordPolicy.Length.Min != 8 {
		t.Fatalf("untouched members changed: %+v", again)
	}
}

func TestPatchRejectsAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	s := &Service{Store: storetesting.SQLite(t)}
	for _, tc := range []struct {
		body  string
		field string
	}{
		{`{"signInMode":"Sometimes"}`, "signInMode"},
		{`{"signIn":{"methods":[{"identifier":"fax","password":true}]}}`, "signIn.methods[0].identifier"},
		{`{"signIn":{"methods":[{"identifier":"username","password":false,"verificationCode":true}]}}`, "signIn.methods[0].verificationCode"},
		{`{"signIn":{"methods":[{"identifier":"email","password":false,"verificationCode":false}]}}`, "signIn.methods[0]"},
		{`{"signUp":{"identifiers":["username"],"password":false}}`, "signUp.password"},
		{`{"color":{"primaryColor":"blue"}}`, "color.primaryColor"},
		{`{"branding":{"logoUrl":"http://insecure.example/logo.png"}}`, "branding.logoUrl"},
		{`{"passwordPolicy":{"length":{"min":20,"max":10}}}`, "passwordPolicy.length.min"},
		{`{"noSuchSetting":true}`, "body"},
		{`not json`, "body"},
	} {
		_, err := s.Patch(ctx, []byte(tc.body))
		errs, ok := validate.As(err)
		if !ok {
			t.Errorf("%s: got %v, want field errors", tc.body, err)
			continue
		}
		found := false
		for _, e := range errs {
			if e.Field == tc.field {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: errors %v do not name %s", tc.body, errs, tc.field)
		}
	}
	got, _ := s.Get(ctx)
	if got.SignInMode != ModeSignInAndRegister {
		t.Fatalf("a rejected patch was stored: %+v", got)
	}
}
