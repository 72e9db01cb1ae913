package audit

// Log keys. Where Logto has a key for an event Monban uses it, so Logto's
// console wording and anyone's saved filters carry over
// (@logto/schemas, types/log/interaction.ts and token.ts).
const (
	// KeySignIn: a sign-in completed (Success, with the user), or refused
	// after the credential was right (Error: suspended account, no account
	// uses a verified address).
	KeySignIn = "Interaction.SignIn.Submit"
	// KeyRegister: an account was created by the sign-up form, a sign-up
	// code, or a first social sign-in.
	KeyRegister = "Interaction.Register.Submit"
	// KeyForgotPassword: a password was reset with a verification code.
	KeyForgotPassword = "Interaction.ForgotPassword.Submit"

	// KeyExchangeByAuthorizationCode and its siblings are the token
	// endpoint's grants. Only errors are recorded, plus the successful
	// authorization-code exchange (see the package documentation).
	KeyExchangeByAuthorizationCode = "ExchangeTokenBy.AuthorizationCode"
	KeyExchangeByRefreshToken      = "ExchangeTokenBy.RefreshToken"
	KeyExchangeByClientCredentials = "ExchangeTokenBy.ClientCredentials"
	// KeyExchangeByUnknown: a token request with a missing or unsupported
	// grant_type.
	KeyExchangeByUnknown = "ExchangeTokenBy.Unknown"

	// ManagementAPIPrefix starts the key of every Management API write:
	// "ManagementApi." + the operation's OpenAPI operationId, e.g.
	// "ManagementApi.CreateUser". (Logto records no Management API
	// operations; Monban does, under keys of its own.)
	ManagementAPIPrefix = "ManagementApi."
)

// Event is the kind of interaction (Logto's InteractionEvent).
type Event string

const (
	SignIn         Event = "SignIn"
	Register       Event = "Register"
	ForgotPassword Event = "ForgotPassword"
)

// Verification is how an identifier was verified (Logto's
// VerificationType).
type Verification string

const (
	Password              Verification = "Password"
	EmailVerificationCode Verification = "EmailVerificationCode"
	PhoneVerificationCode Verification = "PhoneVerificationCode"
	Social                Verification = "Social"
)

// VerificationKey is the key of a verification attempt that failed, e.g.
// "Interaction.SignIn.Verification.Password.Submit" for a wrong password
// (Logto: Interaction.<event>.Verification.<type>.Submit).
func VerificationKey(e Event, v Verification) string {
	return "Interaction." + string(e) + ".Verification." + string(v) + ".Submit"
}

// SubmitKey is the key of a completed (or refused) interaction:
// "Interaction.<event>.Submit".
func SubmitKey(e Event) string {
	return "Interaction." + string(e) + ".Submit"
}

// grantKeys maps the token endpoint's grant_type onto its key.
var grantKeys = map[string]string{
	"authorization_code": KeyExchangeByAuthorizationCode,
	"refresh_token":      KeyExchangeByRefreshToken,
	"client_credentials": KeyExchangeByClientCredentials,
}

// GrantKey is the key of a token request of grantType; an unknown or
// missing grant type is KeyExchangeByUnknown.
func GrantKey(grantType string) string {
	if k, ok := grantKeys[grantType]; ok {
		return k
	}
	return KeyExchangeByUnknown
}

// Error codes of the hosted pages' entries (payload.error.code), Logto's
// where Logto has one.
const (
	CodeInvalidCredentials = "session.invalid_credentials"
	CodeTooManyAttempts    = "session.verification_blocked_too_many_attempts"
	CodeSuspended          = "user.suspended"
	CodeUserNotExist       = "user.user_not_exist"
	CodeIdentityNotExist   = "user.identity_not_exist"
	CodeCodeMismatch       = "verification_code.code_mismatch"
	CodeCodeExpired        = "verification_code.expired"
	CodeCodeExceedMaxTry   = "verification_code.exceed_max_try"
)
