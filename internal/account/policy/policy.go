// Package policy is the password policy of the sign-in experience: what an
// administrator may configure (Logto's passwordPolicy shape, so Logto
// Management API clients and console payloads work unchanged) and the check
// a new password must pass before it is hashed and stored (security spec
// item 17).
package policy

import "encoding/json"

// MaxPasswordLength is the largest Length.Max a policy may set. Logto caps
// passwords at 256 code points; keeping the same cap also bounds the input
// to the (deliberately expensive) password hash.
const MaxPasswordLength = 256

// Policy is the password policy of the sign-in experience; JSON names follow
// Logto's passwordPolicy. Decoding JSON starts from Default, so a field the
// payload leaves out keeps its default, as Logto's own schema defaults do;
// that is also how a policy stored by Logto, which has no commonPasswords,
// gets common-password rejection switched on.
type Policy struct {
	Length         LengthRule         `json:"length"`
	CharacterTypes CharacterTypesRule `json:"characterTypes"`
	Rejects        RejectRules        `json:"rejects"`
}

// LengthRule bounds the password length in Unicode code points, so a
// password in any script is measured the way its owner counts it.
type LengthRule struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// CharacterTypesRule asks for at least Min of the four character types:
// lowercase letters, uppercase letters, digits and symbols.
type CharacterTypesRule struct {
	Min int `json:"min"`
}

// RejectRules lists what a password must not be or contain.
type RejectRules struct {
	// Pwned is Logto's "check Have I Been Pwned" switch. Monban keeps it
	// only so a Logto payload survives a read-modify-write round trip; it is
	// not enforced, because checking would send a hash prefix of every new
	// password to a third party. CommonPasswords is the offline substitute.
	Pwned bool `json:"pwned"`
	// CommonPasswords rejects passwords on the embedded list of the most
	// common passwords (Monban's addition to Logto's shape).
	CommonPasswords bool `json:"commonPasswords"`
	// RepetitionAndSequence rejects runs of 4 or more repeated characters
	// ("aaaa") or sequential ones ("1234", "abcd", "qwer").
	RepetitionAndSequence bool `json:"repetitionAndSequence"`
	// UserInfo rejects passwords containing the user's own identifiers.
	UserInfo bool `json:"userInfo"`
	// Words are custom banned words, matched as case-insensitive
	// substrings (for instance the product or company name).
	Words []string `json:"words"`
}

// Default is the policy of a new tenant: Logto's defaults (8 to 256 code
// points, one character type, repetition/sequence and user-info rejection)
// plus common-password rejection, which the security spec requires.
func Default() Policy {
	return Policy{
		Length:         LengthRule{Min: 8, Max: MaxPasswordLength},
		CharacterTypes: CharacterTypesRule{Min: 1},
		Rejects: RejectRules{
			CommonPasswords:       true,
			RepetitionAndSequence: true,
			UserInfo:              true,
			Words:                 []string{},
		},
	}
}

// plainPolicy has Policy's fields but not its methods, so the JSON methods
// can encode and decode without calling themselves.
type plainPolicy Policy

// UnmarshalJSON decodes over Default, so absent fields keep their defaults.
func (p *Policy) UnmarshalJSON(data []byte) error {
	d := plainPolicy(Default())
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	*p = Policy(d)
	return nil
}

// MarshalJSON writes a nil Words as [], as Logto does, so clients that
// iterate over it need no null check.
func (p Policy) MarshalJSON() ([]byte, error) {
	if p.Rejects.Words == nil {
		p.Rejects.Words = []string{}
	}
	return json.Marshal(plainPolicy(p))
}
