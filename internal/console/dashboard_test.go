package console_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
)

func TestDashboard(t *testing.T) {
	env, b := signedIn(t, false)
	app, _ := env.App(store.AppTraditional, callback)
	env.User("alice", "correct horse battery")
	bob := env.User("bob", "correct horse battery")
	hostedSignIn(t, env, app, "alice", "correct horse battery")
	hostedSignIn(t, env, app, "alice", "correct horse battery")
	hostedSignIn(t, env, app, "bob", "wrong password!") // a failure is no sign-in
	// A sign-up on the hosted pages is recorded as KeyRegister.
	env.D.Audit.Record(context.Background(), audit.Entry{Key: audit.KeyRegister, UserID: bob.ID})

	d := b.get("/console/dashboard")
	if d.status != 200 {
		t.Fatalf("dashboard: %d\n%s", d.status, d.body)
	}
	for id, want := range map[string]string{"total-users": "3", "new-users": "1", "sign-ins": "2", "active-7": "2", "active-30": "2"} {
		if !strings.Contains(d.body, `id="`+id+`">`+want+`<`) {
			t.Errorf("%s is not %s", id, want)
		}
	}
	for _, chart := range []string{"chart-new-users", "chart-sign-ins"} {
		i := strings.Index(d.body, `<svg class="chart" id="`+chart+`"`)
		if i < 0 {
			t.Fatalf("no %s", chart)
		}
		svg := d.body[i : i+strings.Index(d.body[i:], "</svg>")]
		bars := regexp.MustCompile(`<rect class="bar"[^>]*data-count="(\d+)"`).FindAllStringSubmatch(svg, -1)
		if len(bars) != 14 {
			t.Fatalf("%s: %d bars", chart, len(bars))
		}
		want := map[string]string{"chart-new-users": "1", "chart-sign-ins": "2"}[chart]
		if bars[13][1] != want || bars[0][1] != "0" {
			t.Errorf("%s: today %s (want %s), first day %s", chart, bars[13][1], want, bars[0][1])
		}
	}
	if !strings.Contains(d.body, "<summary>Show the numbers</summary>") || strings.Contains(d.body, "<script>") {
		t.Error("the numbers are not there as a table, or the page has inline script")
	}
}
