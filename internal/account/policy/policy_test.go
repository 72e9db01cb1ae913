package policy

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDefault(t *testing.T) {
	p := Default()
	want := Policy{
		Length:         LengthRule{Min: 8, Max: 256},
		CharacterTypes: CharacterTypesRule{Min: 1},
		Rejects: RejectRules{
			CommonPasswords:       true,
			RepetitionAndSequence: true,
			UserInfo:              true,
			Words:                 []string{},
		},
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("Default() = %+v, want %+v", p, want)
	}
	if vs := p.Validate(); len(vs) != 0 {
		t.Fatalf("Default().Validate() = %v, want none", vs)
	}
	// Each call must return its own Words, so callers cannot alias.
	p.Rejects.Words = append(p.Rejects.Words, "x")
	if len(Default().Rejects.Words) != 0 {
		t.Fatal("Default() shares its Words slice between calls")
	}
}

func TestUnmarshalJSON(t *testing.T) {
	full := Default()
	full.Length = LengthRule{Min: 10, Max: 64}
	full.CharacterTypes.Min = 3
	full.Rejects = RejectRules{Pwned: true, RepetitionAndSequence: false, UserInfo: true, CommonPasswords: false, Words: []string{"monban"}}

	withMin12 := Default()
	withMin12.Length.Min = 12

	tests := []struct {
		name, in string
		want     Policy
	}{
		{"empty object is Default", `{}`, Default()},
		{"Logto default payload enables commonPasswords",
			`{"length":{"min":8,"max":256},"characterTypes":{"min":1},"rejects":{"pwned":false,"repetitionAndSequence":true,"userInfo":true,"words":[]}}`,
			Default()},
		{"partial length keeps default max", `{"length":{"min":12}}`, withMin12},
		{"every field",
			`{"length":{"min":10,"max":64},"characterTypes":{"min":3},"rejects":{"pwned":true,"commonPasswords":false,"repetitionAndSequence":false,"userInfo":true,"words":["monban"]}}`,
			full},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Policy
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestUnmarshalJSONError(t *testing.T) {
	var p Policy
	if err := json.Unmarshal([]byte(`{"length":{"min":"eight"}}`), &p); err == nil {
		t.Fatal("want an error for a string min")
	}
}

func TestMarshalJSON(t *testing.T) {
	p := Default()
	p.Rejects.Words = nil
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"length":{"min":8,"max":256},"characterTypes":{"min":1},"rejects":{"pwned":false,"commonPasswords":true,"repetitionAndSequence":true,"userInfo":true,"words":[]}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, Default()) {
		t.Fatalf("round trip gave %+v", back)
	}
}
