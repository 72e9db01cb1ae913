package policy

import (
	"reflect"
	"testing"
)

func TestValidate(t *testing.T) {
	type fc struct{ field, code string }
	tests := []struct {
		name   string
		modify func(*Policy)
		want   []fc
	}{
		{"default", func(*Policy) {}, nil},
		{"min equals max", func(p *Policy) { p.Length = LengthRule{Min: 12, Max: 12} }, nil},
		{"min 1 max 256", func(p *Policy) { p.Length = LengthRule{Min: 1, Max: 256} }, nil},
		{"four types", func(p *Policy) { p.CharacterTypes.Min = 4 }, nil},
		{"min greater than max", func(p *Policy) { p.Length = LengthRule{Min: 20, Max: 10} },
			[]fc{{"passwordPolicy.length.min", CodePolicyMinExceedsMax}}},
		{"min zero", func(p *Policy) { p.Length.Min = 0 },
			[]fc{{"passwordPolicy.length.min", CodePolicyTooSmall}}},
		{"max too large", func(p *Policy) { p.Length.Max = 257 },
			[]fc{{"passwordPolicy.length.max", CodePolicyTooLarge}}},
		{"zero length rule", func(p *Policy) { p.Length = LengthRule{} },
			[]fc{{"passwordPolicy.length.min", CodePolicyTooSmall}}},
		{"no character types", func(p *Policy) { p.CharacterTypes.Min = 0 },
			[]fc{{"passwordPolicy.characterTypes.min", CodePolicyOutOfRange}}},
		{"five character types", func(p *Policy) { p.CharacterTypes.Min = 5 },
			[]fc{{"passwordPolicy.characterTypes.min", CodePolicyOutOfRange}}},
		{"empty word", func(p *Policy) { p.Rejects.Words = []string{"acme", ""} },
			[]fc{{"passwordPolicy.rejects.words[1]", CodePolicyEmpty}}},
		{"everything wrong", func(p *Policy) {
			p.Length = LengthRule{Min: 300, Max: 257}
			p.CharacterTypes.Min = -1
		}, []fc{
			{"passwordPolicy.length.max", CodePolicyTooLarge},
			{"passwordPolicy.length.min", CodePolicyMinExceedsMax},
			{"passwordPolicy.characterTypes.min", CodePolicyOutOfRange},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Default()
			tt.modify(&p)
			var got []fc
			for _, v := range p.Validate() {
				if v.Message == "" {
					t.Errorf("%s %s has no message", v.Field, v.Code)
				}
				got = append(got, fc{v.Field, v.Code})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Validate() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestValidateParams(t *testing.T) {
	p := Default()
	p.Length = LengthRule{Min: 20, Max: 10}
	vs := p.Validate()
	if len(vs) != 1 || vs[0].Params["max"] != 10 {
		t.Fatalf("Validate() = %+v, want min_exceeds_max with max 10", vs)
	}
}
