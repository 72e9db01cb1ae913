package console

// The console's navigation, in the server's HTML on every signed-in page
// (spec/logto-compat.md, console). Label is a phrase key; Key is what a
// page passes to c.page to be marked current; Path is below Root.
type navItem struct{ Key, Label, Path string }

type navGroup struct {
	Title string // phrase key, "" for none
	Items []navItem
}

var navigation = []navGroup{
	{Items: []navItem{
		{"get-started", "nav.get_started", "/get-started"},
		{"dashboard", "nav.dashboard", "/dashboard"},
	}},
	{Title: "nav.group_auth", Items: []navItem{
		{"applications", "nav.applications", "/applications"},
		{"api-resources", "nav.api_resources", "/api-resources"},
		{"sign-in-experience", "nav.sign_in_experience", "/sign-in-experience"},
		{"connectors", "nav.connectors", "/connectors"},
	}},
	{Title: "nav.group_users", Items: []navItem{
		{"users", "nav.users", "/users"},
		{"audit-logs", "nav.audit_logs", "/audit-logs"},
		{"roles", "nav.roles", "/roles"},
	}},
}
