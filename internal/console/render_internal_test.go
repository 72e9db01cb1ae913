package console

import "testing"

// Page sets are parsed on first use (render.go): parse every one here, in
// every language, so a template error fails the tests rather than a page.
func TestEveryPageTemplateParses(t *testing.T) {
	if len(pageSets.names) < 20 {
		t.Fatalf("only %d page templates found", len(pageSets.names))
	}
	for name := range pageSets.names {
		for _, lang := range catalog.Tags() {
			if _, err := pageTemplate(lang, name); err != nil {
				t.Errorf("%s (%s): %v", name, lang, err)
			}
		}
	}
	if _, err := pageTemplate("en", "no-such-page"); err == nil {
		t.Error("an unknown page has a template")
	}
}
