package policy

// Violation is one broken rule: of a password (Check, Field "password") or
// of a policy (Validate, Field a path such as "passwordPolicy.length.min").
// Code is stable and is what clients translate, using Params for the
// placeholders; Message is an English fallback for logs and API clients
// that do not translate.
type Violation struct {
	Field   string         `json:"field"`
	Code    string         `json:"code"`
	Params  map[string]any `json:"params,omitempty"`
	Message string         `json:"message"`
}

// Codes of Check's violations.
const (
	CodeTooShort             = "password.too_short"              // Params: min
	CodeTooLong              = "password.too_long"               // Params: max
	CodeCharacterTypes       = "password.character_types"        // Params: min
	CodeCommon               = "password.common"                 // no Params
	CodeRepetitionOrSequence = "password.repetition_or_sequence" // no Params
	CodeContainsUserInfo     = "password.contains_user_info"     // Params: which
	CodeContainsWord         = "password.contains_word"          // Params: word
)

// Codes of Validate's violations.
const (
	CodePolicyTooSmall      = "policy.too_small"       // Params: min
	CodePolicyTooLarge      = "policy.too_large"       // Params: max
	CodePolicyMinExceedsMax = "policy.min_exceeds_max" // Params: max
	CodePolicyOutOfRange    = "policy.out_of_range"    // Params: min, max
	CodePolicyEmpty         = "policy.empty"           // no Params
)

// passwordField is the Field of every Check violation: the form field the
// password was typed into.
const passwordField = "password"
