package policy

import "fmt"

// Validate checks the policy itself before it is saved, so an administrator
// cannot store one that no password can meet (min > max), that lets empty
// passwords through (min < 1), that exceeds the hashing input cap, or whose
// empty banned word would match every password. Fields are reported with
// Logto-style paths ("passwordPolicy.length.min"); nil means valid.
func (p Policy) Validate() []Violation {
	var vs []Violation
	if p.Length.Min < 1 {
		vs = append(vs, Violation{
			Field:   "passwordPolicy.length.min",
			Code:    CodePolicyTooSmall,
			Params:  map[string]any{"min": 1},
			Message: "Minimum password length must be at least 1.",
		})
	}
	if p.Length.Max > MaxPasswordLength {
		vs = append(vs, Violation{
			Field:   "passwordPolicy.length.max",
			Code:    CodePolicyTooLarge,
			Params:  map[string]any{"max": MaxPasswordLength},
			Message: fmt.Sprintf("Maximum password length must be at most %d.", MaxPasswordLength),
		})
	}
	if p.Length.Min > p.Length.Max {
		vs = append(vs, Violation{
			Field:   "passwordPolicy.length.min",
			Code:    CodePolicyMinExceedsMax,
			Params:  map[string]any{"max": p.Length.Max},
			Message: fmt.Sprintf("Minimum password length must not exceed the maximum (%d).", p.Length.Max),
		})
	}
	if p.CharacterTypes.Min < 1 || p.CharacterTypes.Min > 4 {
		vs = append(vs, Violation{
			Field:   "passwordPolicy.characterTypes.min",
			Code:    CodePolicyOutOfRange,
			Params:  map[string]any{"min": 1, "max": 4},
			Message: "Required character types must be between 1 and 4.",
		})
	}
	for i, w := range p.Rejects.Words {
		if w == "" {
			vs = append(vs, Violation{
				Field:   fmt.Sprintf("passwordPolicy.rejects.words[%d]", i),
				Code:    CodePolicyEmpty,
				Message: "Banned words must not be empty.",
			})
		}
	}
	return vs
}
