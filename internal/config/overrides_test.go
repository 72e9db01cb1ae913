package config

import "testing"

func TestParseEndpointOverrides(t *testing.T) {
	m, err := ParseEndpointOverrides("patreon=http://127.0.0.1:9000/ignored, google=https://mirror.example")
	if err != nil || m["patreon"].String() != "http://127.0.0.1:9000" || m["google"].String() != "https://mirror.example" {
		t.Fatalf("%v %v", m, err)
	}
	if got := OverrideTargets(m); len(got) != 2 || got[0] != "google" {
		t.Errorf("targets %v", got)
	}
	for _, bad := range []string{"patreon", "patreon=", "patreon=127.0.0.1:9000", "patreon=ftp://x", "a=http://x,a=http://y"} {
		if _, err := ParseEndpointOverrides(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	c := Default()
	c.ConnectorEndpointOverrides = "patreon=nope"
	if err := c.Validate(); err == nil {
		t.Error("Validate accepted a bad override")
	}
}
